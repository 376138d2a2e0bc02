#include <algorithm>
#include <string>

#include <catch2/catch.hpp>

#include "matomo/checks.hpp"
#include "matomo/values.hpp"

using tf::matomo::CheckContext;
using tf::matomo::Params;
using tf::matomo::Violation;

namespace {

constexpr std::int64_t k_now = 1'767'225'600;  // 2026-01-01T00:00:00Z

Params pageview() {
  return {{"idsite", "1"},
          {"rec", "1"},
          {"url", "https://shop.example.com/products/a?color=red"},
          {"action_name", "Product A"},
          {"_id", "0123456789abcdef"},
          {"cid", "0123456789abcdef"},
          {"urlref", "https://www.google.com/"},
          {"pv_id", "aB3dE6"},
          {"res", "1920x1080"},
          {"h", "13"},
          {"m", "5"},
          {"s", "59"},
          {"lang", "de-DE,de;q=0.9"},
          {"ua", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"},
          {"cdt", "1767225000"}};
}

Params order() {
  return {{"idsite", "1"},
          {"rec", "1"},
          {"url", "https://shop.example.com/checkout"},
          {"cid", "0123456789abcdef"},
          {"idgoal", "0"},
          {"ec_id", "A1000"},
          {"ec_items", R"([["SKU1","Shirt","Clothes",19.99,2],["SKU2","Hat",["A","B"],"5.00",1]])"},
          {"ec_st", "44.98"},
          {"ec_tx", "8.55"},
          {"ec_sh", "4.90"},
          {"ec_dt", "2.00"},
          {"revenue", "56.43"}};
}

CheckContext context(bool token = false) {
  CheckContext ctx;
  ctx.now_s = k_now;
  ctx.token_valid = token;
  ctx.known_sites = {1, 2};
  ctx.known_goals = {1, 3};
  return ctx;
}

Params with(Params params, const std::string& name, const std::string& value) {
  for (auto& [key, val] : params) {
    if (key == name) {
      val = value;
      return params;
    }
  }
  params.emplace_back(name, value);
  return params;
}

Params without(Params params, const std::string& name) {
  params.erase(std::remove_if(params.begin(), params.end(), [&](const auto& p) { return p.first == name; }),
               params.end());
  return params;
}

std::string codes(const std::vector<Violation>& violations) {
  std::string out;
  for (const auto& v : violations) {
    out += (out.empty() ? "" : ",") + v.code + (v.matomo_rejects ? "!" : "");
  }
  return out;
}

/// The codes of `params` as "CODE" (strict) or "CODE!" (Matomo rejects), comma-separated.
std::string check(const Params& params, const CheckContext& ctx = context()) {
  return codes(tf::matomo::check_hit(params, ctx));
}

}  // namespace

TEST_CASE("a well-formed pageview, order, event and ping pass every check", "[matomo]") {
  CHECK(check(pageview()).empty());
  CHECK(check(order()).empty());
  auto event = with(with(with(pageview(), "e_c", "Video"), "e_a", "Play"), "e_v", "1.5");
  CHECK(check(event).empty());
  Params ping{{"idsite", "1"}, {"rec", "1"}, {"ping", "1"}, {"pv_id", "aB3dE6"}, {"cid", "0123456789abcdef"}};
  CHECK(check(ping).empty());
  Params goal{{"idsite", "1"}, {"rec", "1"}, {"idgoal", "3"}, {"revenue", "10"}};
  CHECK(check(goal).empty());
}

TEST_CASE("idsite must be a known positive integer", "[matomo]") {
  CHECK(check(without(pageview(), "idsite")) == "BAD_IDSITE!");
  CHECK(check(with(pageview(), "idsite", "abc")) == "BAD_IDSITE!");
  CHECK(check(with(pageview(), "idsite", "0")) == "BAD_IDSITE!");
  CHECK(check(with(pageview(), "idsite", "7")) == "UNKNOWN_SITE!");
  CheckContext any = context();
  any.known_sites.clear();
  CHECK(check(with(pageview(), "idsite", "7"), any).empty());
  const auto found = tf::matomo::check_hit(without(pageview(), "idsite"), context());
  REQUIRE(found.size() == 1);
  CHECK(found[0].detail == "idsite is missing");
}

TEST_CASE("rec must be 1", "[matomo]") {
  CHECK(check(without(pageview(), "rec")) == "MISSING_REC");
  CHECK(check(with(pageview(), "rec", "0")) == "MISSING_REC");
}

TEST_CASE("visitor ids are 16 hex characters and uid is never empty", "[matomo]") {
  CHECK(check(with(pageview(), "cid", "0123456789abcde")) == "BAD_CID_LENGTH!");
  CHECK(check(with(pageview(), "cid", "0123456789abcdeg")) == "BAD_VISITOR_ID");
  CHECK(check(with(pageview(), "_id", "0123456789abcdeX")) == "BAD_VISITOR_ID");
  CHECK(check(with(pageview(), "_id", "abc")) == "BAD_VISITOR_ID");
  CHECK(check(with(pageview(), "uid", "")) == "BAD_VISITOR_ID");
  CHECK(check(with(pageview(), "uid", "user-7")).empty());
}

TEST_CASE("cip and geo overrides need a token", "[matomo]") {
  CHECK(check(with(pageview(), "cip", "81.2.69.160")) == "CIP_WITHOUT_TOKEN!");
  CHECK(check(with(pageview(), "cip", "81.2.69.160"), context(true)).empty());
  CHECK(check(with(pageview(), "city", "Berlin")) == "CIP_WITHOUT_TOKEN!");
  CHECK(check(with(pageview(), "country", "de")) == "CIP_WITHOUT_TOKEN!");
  const auto found = tf::matomo::check_hit(with(pageview(), "lat", "52.5"), context());
  REQUIRE(found.size() == 1);
  CHECK(found[0].detail == "lat requires a valid token_auth");
}

TEST_CASE("cip must be a valid address outside the bot ranges", "[matomo]") {
  CHECK(check(with(pageview(), "cip", "300.1.1.1"), context(true)) == "BAD_CIP");
  CHECK(check(with(pageview(), "cip", "66.249.81.4"), context(true)) == "BOT_IP");
  CHECK(check(with(with(pageview(), "cip", "66.249.81.4"), "bots", "1"), context(true)).empty());
  CHECK(check(with(pageview(), "cip", "2001:db8::1"), context(true)).empty());
  CHECK(check(with(pageview(), "country", "DE"), context(true)) == "BAD_COUNTRY");
  CHECK(tf::matomo::is_bot_ip("1.202.218.8"));
  CHECK_FALSE(tf::matomo::is_bot_ip("1.202.218.9"));
  CHECK(tf::matomo::is_bot_ip("157.55.255.255"));
  CHECK_FALSE(tf::matomo::is_bot_ip("157.53.255.255"));
}

TEST_CASE("cdt is seconds or a UTC date-time, never in the future, old only with a token", "[matomo]") {
  CHECK(check(with(pageview(), "cdt", "2025-12-31 23:50:00")).empty());
  CHECK(check(with(pageview(), "cdt", "2025-12-31T23:50:00")) == "BAD_CDT");
  CHECK(check(with(pageview(), "cdt", "2025-02-30 10:00:00")) == "BAD_CDT");
  CHECK(check(with(pageview(), "cdt", "1767225600000")) == "CDT_MILLISECONDS");
  CHECK(check(with(pageview(), "cdt", "1767225601")) == "FUTURE_CDT");
  CHECK(check(with(pageview(), "cdt", "1767225600")).empty());
  CHECK(check(with(pageview(), "cdt", "1767139200")) == "OLD_CDT_WITHOUT_TOKEN!");
  CHECK(check(with(pageview(), "cdt", "1767139201")).empty());
  CHECK(check(with(pageview(), "cdt", "1767139200"), context(true)).empty());
  CHECK(check(with(pageview(), "cdt", "100")) == "CDT_TOO_OLD");
  CHECK(check(with(without(pageview(), "cdt"), "cdo", "90000")) == "OLD_CDT_WITHOUT_TOKEN!");
  CHECK(check(with(pageview(), "cdo", "x")) == "BAD_CDT");
  CheckContext untimed = context();
  untimed.now_s = 0;
  CHECK(check(with(pageview(), "cdt", "1967225601"), untimed).empty());
  CHECK(tf::matomo::parse_cdt("1970-01-02 00:00:01") == 86401);
}

TEST_CASE("urls are absolute http(s) and at most 1024 characters", "[matomo]") {
  CHECK(check(without(pageview(), "url")) == "BAD_URL");
  CHECK(check(with(pageview(), "url", "/relative/path")) == "BAD_URL");
  CHECK(check(with(pageview(), "url", "https://")) == "BAD_URL");
  CHECK(check(with(pageview(), "url", "https://a.example.com/" + std::string(1010, 'x'))) == "URL_TOO_LONG");
  CHECK(check(with(pageview(), "urlref", "google")) == "BAD_URLREF");
  CHECK(check(with(pageview(), "action_name", "Line\nbreak")) == "BAD_ACTION_NAME");
  CHECK(check(with(pageview(), "action_name", std::string(1025, 'a'))) == "BAD_ACTION_NAME");
  CHECK(check(with(pageview(), "link", "ftp.example.com/file")) == "BAD_URL");
  CHECK(check(with(pageview(), "download", "https://cdn.example.com/a.pdf")).empty());
}

TEST_CASE("one action family per hit", "[matomo]") {
  const auto both =
    with(with(pageview(), "link", "https://ext.example.org/"), "download", "https://a.example.com/f.zip");
  CHECK(check(both) == "MULTIPLE_ACTION_FAMILIES");
  const auto found = tf::matomo::check_hit(both, context());
  CHECK(found[0].detail == "download + link in one hit");
  CHECK(check(with(with(pageview(), "ping", "1"), "search", "shoes")) == "MULTIPLE_ACTION_FAMILIES");
}

TEST_CASE("events need both category and action and a numeric value", "[matomo]") {
  CHECK(check(with(pageview(), "e_c", "Video")) == "EVENT_INCOMPLETE");
  CHECK(check(with(with(pageview(), "e_c", "Video"), "e_a", "  ")) == "EVENT_INCOMPLETE!");
  CHECK(check(with(with(with(pageview(), "e_c", "V"), "e_a", "Play"), "e_v", "1,5")) == "BAD_EVENT_VALUE");
}

TEST_CASE("site search rules", "[matomo]") {
  CheckContext off = context();
  off.site_search_enabled = false;
  CHECK(check(with(pageview(), "search", "shoes"), off) == "SEARCH_DISABLED");
  CHECK(check(with(with(pageview(), "search", "shoes"), "search_count", "-1")) == "BAD_SEARCH_COUNT");
  CHECK(check(with(with(pageview(), "search", "shoes"), "search_count", "12")).empty());
  CHECK(check(with(pageview(), "url", "https://a.example.com/find?q=shoes")) == "URL_SEARCH_PARAM");
  CHECK(check(with(pageview(), "url", "https://a.example.com/find#s=shoes")) == "URL_SEARCH_PARAM");
  CHECK(check(with(pageview(), "url", "https://a.example.com/find?qs=1")).empty());
  CHECK(check(with(pageview(), "url", "https://a.example.com/find?q=shoes"), off).empty());
}

TEST_CASE("ecommerce orders are valid JSON items that add up", "[matomo]") {
  CHECK(check(with(order(), "ec_items", "{\"sku\":\"A\"}")) == "BAD_EC_ITEMS");
  CHECK(check(with(order(), "ec_items", "[[\"\",\"x\",\"c\",1,1]]")) == "BAD_EC_ITEMS");
  CHECK(check(with(order(), "ec_items", "[[\"S\",\"x\",\"c\",\"abc\",1]]")) == "BAD_EC_ITEMS");
  CHECK(check(with(order(), "ec_items", "[[\"S\",\"x\",\"c\",1,0]]")) == "BAD_EC_ITEMS");
  CHECK(check(with(order(), "ec_items", "[[\"S\",\"x\",[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\"],1,1]]")) ==
        "BAD_EC_ITEMS");
  CHECK(check(without(order(), "revenue")) == "ORDER_WITHOUT_REVENUE");
  CHECK(check(with(order(), "ec_tx", "8,55")) == "BAD_AMOUNT");
  CHECK(check(with(order(), "revenue", "abc")) == "BAD_AMOUNT");
  CHECK(check(with(order(), "revenue", "56.44")) == "REVENUE_MISMATCH");
  CHECK(check(with(with(order(), "ec_st", "44.99"), "revenue", "56.44")) == "SUBTOTAL_MISMATCH");
}

TEST_CASE("product views ride on a pageview and cart updates list their items", "[matomo]") {
  const Params view =
    with(with(with(with(pageview(), "_pkn", "Yoga Mat"), "_pks", "SPORT-001"), "_pkc", "Sports"), "_pkp", "29.99");
  CHECK(check(view).empty());
  CHECK(check(without(without(view, "_pkn"), "_pks")) == "PRODUCT_VIEW_INCOMPLETE");
  CHECK(check(with(view, "_pkp", "-1")) == "BAD_PRODUCT_PRICE");
  CHECK(check(with(view, "_pkp", "abc")) == "BAD_PRODUCT_PRICE");
  CHECK(check(with(with(view, "e_c", "Video"), "e_a", "Play")) == "PRODUCT_VIEW_NOT_PAGEVIEW");
  Params cart{{"idsite", "1"},
              {"rec", "1"},
              {"url", "https://shop.example.com/cart"},
              {"cid", "0123456789abcdef"},
              {"idgoal", "0"},
              {"ec_items", R"([["SKU1","Shirt","Clothes",19.99,2]])"},
              {"revenue", "39.98"}};
  CHECK(check(cart).empty());
  CHECK(check(without(cart, "ec_items")) == "CART_WITHOUT_ITEMS");
}

TEST_CASE("performance timings above Matomo's limit and blank interactions are flagged", "[matomo]") {
  CHECK(check(with(pageview(), "pf_srv", "16777216")) == "BAD_PERF_TIMING");
  CHECK(check(with(pageview(), "pf_srv", "16777215")).empty());
  const Params content{{"idsite", "1"},
                       {"rec", "1"},
                       {"url", "https://shop.example.com/"},
                       {"cid", "0123456789abcdef"},
                       {"c_n", "Banner"},
                       {"c_p", "/img/a.jpg"},
                       {"c_t", "/sale"}};
  CHECK(check(content).empty());
  CHECK(check(with(content, "c_i", "click")).empty());
  CHECK(check(with(content, "c_i", " ")) == "BAD_CONTENT");
}

TEST_CASE("device parameters have the documented shapes", "[matomo]") {
  CHECK(check(with(pageview(), "res", "1920*1080")) == "BAD_RES");
  CHECK(check(with(pageview(), "res", "12345x10")) == "BAD_RES");
  CHECK(check(with(pageview(), "h", "24")) == "BAD_HMS");
  CHECK(check(with(pageview(), "m", "a")) == "BAD_HMS");
  CHECK(check(with(pageview(), "lang", "")) == "BAD_LANG");
  CHECK(check(with(pageview(), "ua", "Mozilla/5.0 (compatible; Googlebot/2.1)")) == "BOT_UA");
  CHECK(check(with(with(pageview(), "ua", "curl/8.0"), "bots", "1")).empty());
}

TEST_CASE("page view ids and performance timings", "[matomo]") {
  CHECK(check(with(pageview(), "pv_id", "abc")) == "BAD_PV_ID");
  CHECK(check(with(pageview(), "pv_id", "abc-12")) == "BAD_PV_ID");
  CHECK(check(with(pageview(), "pf_srv", "-2")) == "BAD_PERF_TIMING!");
  CHECK(check(with(pageview(), "pf_srv", "fast")) == "BAD_PERF_TIMING");
  CHECK(check(with(pageview(), "pf_srv", "-1")).empty());
  CHECK(check(with(without(pageview(), "pv_id"), "pf_net", "12")) == "PF_WITHOUT_PV_ID");
}

TEST_CASE("content, custom dimensions and custom variables", "[matomo]") {
  CHECK(check(with(with(pageview(), "c_p", "banner"), "c_n", " ")) == "BAD_CONTENT!");
  CHECK(check(with(pageview(), "dimension3", std::string(251, 'd'))) == "BAD_DIMENSION");
  CHECK(check(with(pageview(), "dimension3", "ok")).empty());
  CHECK(check(with(pageview(), "_cvar", R"({"1":["a","b"]})")).empty());
  CHECK(check(with(pageview(), "_cvar", R"({"1":"a"})")) == "BAD_CVAR");
}

TEST_CASE("goals must exist and ca=1 needs an action family", "[matomo]") {
  Params goal{{"idsite", "1"}, {"rec", "1"}, {"idgoal", "2"}};
  CHECK(check(goal) == "UNKNOWN_GOAL!");
  CHECK(check(with(goal, "idgoal", "x")) == "UNKNOWN_GOAL");
  CHECK(check(with(pageview(), "ca", "1")) == "CA_MISUSE!");
  Params ping{{"idsite", "1"}, {"rec", "1"}, {"ping", "1"}, {"ca", "1"}};
  CHECK(check(ping) == "CA_MISUSE!");
  CHECK(check(with(with(with(pageview(), "e_c", "a"), "e_a", "b"), "ca", "1")).empty());
}

TEST_CASE("unknown, duplicate and currency parameters are flagged", "[matomo]") {
  CHECK(check(with(pageview(), "action-name", "x")) == "UNKNOWN_PARAM");
  CHECK(check(with(order(), "ec_currency", "EUR")) == "CURRENCY_PARAM");
  auto twice = pageview();
  twice.emplace_back("rec", "1");
  CHECK(check(twice) == "DUPLICATE_PARAM");
}

TEST_CASE("value parsers follow Matomo's syntax", "[matomo]") {
  CHECK(tf::matomo::parse_int("-7") == -7);
  CHECK_FALSE(tf::matomo::parse_int("+7"));
  CHECK_FALSE(tf::matomo::parse_int("7.5"));
  CHECK(tf::matomo::parse_float("1e3") == 1000.0);
  CHECK_FALSE(tf::matomo::parse_float("1."));
  CHECK_FALSE(tf::matomo::parse_float("1,5"));
  CHECK(tf::matomo::is_absolute_http_url("HTTPS://a.example"));
  CHECK_FALSE(tf::matomo::is_absolute_http_url("https://a b.example/"));
}
