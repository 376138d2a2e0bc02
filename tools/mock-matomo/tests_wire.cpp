#include <catch2/catch.hpp>

#include "config.hpp"
#include "util/error.hpp"
#include "wire.hpp"

using tf::matomo::Params;
namespace mock = tf::mock;

TEST_CASE("query strings decode percent escapes and plus signs in order", "[mock]") {
  const auto params = mock::parse_query("url=https%3A%2F%2Fa.example%2F%3Fq%3D1&action_name=a+b&x&bad=%zz");
  const Params expected{{"url", "https://a.example/?q=1"}, {"action_name", "a b"}, {"x", ""}, {"bad", "%zz"}};
  CHECK(params == expected);
  CHECK(mock::query_of("/matomo.php?a=1#frag") == "a=1");
  CHECK(mock::query_of("/matomo.php").empty());
}

TEST_CASE("the URL query wins over the form body and conflicts are reported", "[mock]") {
  std::vector<std::string> conflicts;
  const auto merged = mock::merge_params({{"a", "1"}, {"b", "2"}}, {{"a", "9"}, {"c", "3"}, {"b", "2"}}, conflicts);
  CHECK(merged == Params{{"a", "1"}, {"b", "2"}, {"c", "3"}});
  CHECK(conflicts == std::vector<std::string>{"a"});
}

TEST_CASE("bulk bodies accept query strings and objects and flag the rest", "[mock]") {
  CHECK(mock::is_bulk_body(R"({"requests":[]})"));
  CHECK_FALSE(mock::is_bulk_body(R"("requests")"));
  const auto bulk =
    mock::parse_bulk(R"({"requests":["?idsite=1&rec=1","https://m.example/matomo.php?idsite=2","nothing",)"
                     R"({"idsite":3,"ec_items":[["s","n","c",1,1]]},{},[1]],"token_auth":"t","send_image":0,"x":1})");
  REQUIRE(bulk.error.empty());
  CHECK(bulk.token == "t");
  CHECK_FALSE(bulk.send_image);
  CHECK(bulk.unknown_keys == std::vector<std::string>{"x"});
  REQUIRE(bulk.elements.size() == 6);
  CHECK(bulk.elements[0].params == Params{{"idsite", "1"}, {"rec", "1"}});
  CHECK(bulk.elements[1].params == Params{{"idsite", "2"}});
  CHECK(bulk.elements[2].error == "BULK_ELEMENT_NO_QUERY");
  CHECK(bulk.elements[2].ignored);
  CHECK(bulk.elements[3].params == Params{{"ec_items", R"([["s","n","c",1,1]])"}, {"idsite", "3"}});
  CHECK(bulk.elements[4].error == "BULK_ELEMENT_EMPTY");
  CHECK(bulk.elements[5].error == "BULK_ELEMENT_TYPE");
  CHECK(mock::parse_bulk("{\"requests\": [").error == "BULK_MALFORMED");
  CHECK(mock::parse_bulk(R"({"requests": 1})").error == "BULK_NO_REQUESTS");
}

TEST_CASE("the effective time follows Matomo's cdt and cdo rules", "[mock]") {
  const std::int64_t now = 1'700'000'000;
  CHECK(mock::parse_cdt("1699999000") == 1'699'999'000);
  CHECK(mock::parse_cdt("2023-11-14 22:13:20") == 1'700'000'000);
  CHECK_FALSE(mock::parse_cdt("2023-11-14T22:13:20Z").has_value());
  CHECK(mock::effective_time({{"cdt", "1699999000"}}, now) == 1'699'999'000);
  CHECK(mock::effective_time({{"cdt", "1699999000"}, {"cdo", "-100"}}, now) == 1'699'998'900);
  CHECK(mock::effective_time({{"cdo", "60"}}, now) == now - 60);
  CHECK(mock::effective_time({{"cdt", "1700000001"}}, now) == now);  // future: ignored
  CHECK(mock::effective_time({{"cdt", "1700000000000"}}, now) == now);  // milliseconds
  CHECK(mock::effective_time({{"cdt", "1000"}}, now) == now);  // > 20 years old
  CHECK(mock::effective_time({}, now) == now);
}

TEST_CASE("the visitor key prefers uid, then cid, then a long enough _id", "[mock]") {
  CHECK(mock::visitor_id_of({{"_id", "AAAAAAAAAAAAAAAAFF"}, {"cid", "BBBBBBBBBBBBBBBB"}, {"uid", "ann"}}) == "u:ann");
  CHECK(mock::visitor_id_of({{"_id", "AAAAAAAAAAAAAAAAFF"}, {"cid", "BBBBBBBBBBBBBBBB"}}) == "v:bbbbbbbbbbbbbbbb");
  CHECK(mock::visitor_id_of({{"_id", "AAAAAAAAAAAAAAAAFF"}}) == "v:aaaaaaaaaaaaaaaa");
  CHECK(mock::visitor_id_of({{"_id", "abc"}}).empty());
}

TEST_CASE("campaigns come from the landing URL's parameters", "[mock]") {
  CHECK(mock::campaign_of({{"url", "https://a.example/?mtm_campaign=Spring&mtm_kwd=Shoes"}}) == "spring|shoes");
  CHECK(mock::campaign_of({{"url", "https://a.example/?utm_campaign=x"}}) == "x|");
  CHECK(mock::campaign_of({{"url", "https://a.example/?q=1"}}).empty());
}

TEST_CASE("tokens are redacted in stored parameters", "[mock]") {
  CHECK(mock::redacted({{"a", "1"}, {"token_auth", "secret"}}) == Params{{"a", "1"}, {"token_auth", "***"}});
}

TEST_CASE("the mock configuration has defaults and names the offending key", "[mock]") {
  const auto defaults = mock::MockConfig::defaults();
  REQUIRE(defaults.sites.size() == 1);
  CHECK(defaults.sites[0].goals.size() == 5);
  CHECK(defaults.strict);
  const auto config =
    mock::MockConfig::from_json(nlohmann::json::parse(R"({"sites":[{"id":2,"timezone":"Europe/Berlin"}],
      "tokens":[{"token":"a","sites":[2]},{"token":"b","super":true}],"mode":"compat"})"),
                                "c.json");
  CHECK_FALSE(config.strict);
  CHECK(config.find_site(1) == nullptr);
  CHECK(config.token_valid_for("a", 2));
  CHECK_FALSE(config.token_valid_for("a", 3));
  CHECK(config.token_valid_for("b", 3));
  CHECK_FALSE(config.token_is_super("a"));
  CHECK(config.token_is_super("b"));
  CHECK_FALSE(config.token_valid_for("", 2));
  CHECK_THROWS_WITH(mock::MockConfig::from_json(nlohmann::json::parse(R"({"site":[]})"), "c.json"),
                    "c.json: unknown key \"site\"");
  CHECK_THROWS_WITH(
    mock::MockConfig::from_json(nlohmann::json::parse(R"({"sites":[{"id":1,"timezone":"Mars/Base"}]})"), "c.json"),
    "c.json: sites[0]: unknown timezone \"Mars/Base\"");
}
