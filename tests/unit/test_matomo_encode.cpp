#include <string>

#include <catch2/catch.hpp>
#include <date/tz.h>

#include "matomo/checks.hpp"
#include "funnel_fixture.hpp"
#include "matomo/encode.hpp"
#include "matomo/wire.hpp"
#include "model/catalogues.hpp"
#include "model/generator.hpp"

using namespace tf::matomo;
using tf::model::Visit;

namespace {

constexpr std::int64_t k_encode_anchor_ms = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

tf::config::UrlCatalogue catalogue() {
  tf::config::UrlCatalogue c;
  for (int k = 1; k <= 20; ++k) {
    c.pages.push_back({"https://example.test/docs/page-" + std::to_string(k), "Page " + std::to_string(k)});
  }
  return c;
}

tf::config::Funnel encode_funnel() { return tf::testing::order_goal_download_funnel("Buy", 0.2); }

Visit sample_visit() {
  Visit visit;
  visit.visitor.id = "0123456789abcdef";
  visit.visitor.user_agent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0";
  visit.visitor.lang = "de-DE,de;q=0.9";
  visit.visitor.res = "1920x1080";
  visit.visitor.ip = "5.9.1.2";
  tf::model::Hit page;
  page.url = "https://example.test/a b?x=1";
  page.action_name = "A & B";
  page.urlref = "https://www.google.com/search?q=web+stats";
  page.pv_id = "abC123";
  page.new_visit = true;
  page.offset_ms = 1999;
  tf::model::Hit order;
  order.kind = tf::model::HitKind::ecommerce_order;
  order.url = page.url;
  order.idgoal = 0;
  order.order = std::make_shared<const tf::model::Order>(
    tf::model::Order{"ORD1", {{"S1", "Shirt", "Clothing", 1999, 2}}, 3998, 400, 599, 100, 4897});
  order.offset_ms = 60'000;
  visit.hits = {page, order};
  return visit;
}

}  // namespace

TEST_CASE("a pageview is encoded in the documented parameter order", "[matomo]") {
  const Visit visit = sample_visit();
  EncodeContext ctx;
  ctx.site_id = 3;
  ctx.anchor_ms = k_encode_anchor_ms;
  ctx.time_zone = date::locate_zone("Europe/Berlin");
  const Params expected{{"idsite", "3"},
                        {"rec", "1"},
                        {"url", "https://example.test/a b?x=1"},
                        {"action_name", "A & B"},
                        {"_id", "0123456789abcdef"},
                        {"cid", "0123456789abcdef"},
                        {"cdt", "1767225601"},
                        {"h", "1"},
                        {"m", "0"},
                        {"s", "1"},
                        {"new_visit", "1"},
                        {"urlref", "https://www.google.com/search?q=web+stats"},
                        {"pv_id", "abC123"},
                        {"ua", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"},
                        {"lang", "de-DE,de;q=0.9"},
                        {"res", "1920x1080"}};
  CHECK(encode_hit(visit, 0, ctx) == expected);
  ctx.has_token = true;
  const Params with_token = encode_hit(visit, 0, ctx);
  CHECK(with_token.back() == Param{"cip", "5.9.1.2"});
  ctx.send_cip = false;
  CHECK(encode_hit(visit, 0, ctx) == expected);
}

TEST_CASE("local h/m/s follow the visitor's time zone, else the site's", "[matomo]") {
  Visit visit = sample_visit();
  EncodeContext ctx;
  ctx.anchor_ms = k_encode_anchor_ms;  // 2026-01-01T00:00:00Z
  ctx.time_zone = date::locate_zone("Europe/Berlin");
  CHECK(find(encode_hit(visit, 0, ctx), "h") == std::optional<std::string_view>{"1"});
  visit.visitor.zone = date::locate_zone("Asia/Tokyo");
  CHECK(find(encode_hit(visit, 0, ctx), "h") == std::optional<std::string_view>{"9"});
  visit.visitor.zone = date::locate_zone("America/New_York");
  CHECK(find(encode_hit(visit, 0, ctx), "h") == std::optional<std::string_view>{"19"});
  CHECK(find(encode_hit(visit, 0, ctx), "cdt") == std::optional<std::string_view>{"1767225601"});  // UTC
}

TEST_CASE("product views and cart updates are encoded as Matomo's JavaScript tracker sends them", "[matomo]") {
  Visit visit = sample_visit();
  static const tf::model::Product mat{"SPORT-001", "Yoga Mat", "Sports", 2999};
  visit.hits[0].product = &mat;
  visit.hits[1].kind = tf::model::HitKind::cart_update;
  visit.hits[1].order = std::make_shared<const tf::model::Order>(
    tf::model::Order{"", {{"S1", "Shirt", "Clothing", 1999, 2}}, 3998, 0, 0, 0, 3998});
  EncodeContext ctx;
  ctx.anchor_ms = k_encode_anchor_ms;
  const Params view = encode_hit(visit, 0, ctx);
  CHECK(find(view, "_pkn") == std::optional<std::string_view>{"Yoga Mat"});
  CHECK(find(view, "_pks") == std::optional<std::string_view>{"SPORT-001"});
  CHECK(find(view, "_pkc") == std::optional<std::string_view>{"Sports"});
  CHECK(find(view, "_pkp") == std::optional<std::string_view>{"29.99"});
  const Params cart = encode_hit(visit, 1, ctx);
  CHECK(find(cart, "idgoal") == std::optional<std::string_view>{"0"});
  CHECK(find(cart, "ec_items") == std::optional<std::string_view>{R"([["S1","Shirt","Clothing",19.99,2]])"});
  CHECK(find(cart, "revenue") == std::optional<std::string_view>{"39.98"});
  CHECK_FALSE(find(cart, "ec_id"));
  CHECK_FALSE(find(cart, "ec_st"));
}

TEST_CASE("performance timings ride on the pageview, content hits carry c_n, c_p, c_t (and c_i)", "[matomo]") {
  Visit visit = sample_visit();
  visit.hits[0].has_perf = true;
  visit.hits[0].perf = {12, 340, 56, 789, 1011, 13};
  static const tf::model::ContentBlock banner{"Hero Banner", "/img/a.jpg", "/sale"};
  visit.hits[1] = tf::model::Hit{};
  visit.hits[1].kind = tf::model::HitKind::content;
  visit.hits[1].url = visit.hits[0].url;
  visit.hits[1].content = &banner;
  visit.hits[1].content_click = true;
  EncodeContext ctx;
  ctx.anchor_ms = k_encode_anchor_ms;
  const Params page = encode_hit(visit, 0, ctx);
  CHECK(find(page, "pf_net") == std::optional<std::string_view>{"12"});
  CHECK(find(page, "pf_onl") == std::optional<std::string_view>{"13"});
  const Params click = encode_hit(visit, 1, ctx);
  CHECK(find(click, "c_i") == std::optional<std::string_view>{"click"});
  CHECK(find(click, "c_n") == std::optional<std::string_view>{"Hero Banner"});
  CHECK(find(click, "c_t") == std::optional<std::string_view>{"/sale"});
  CHECK_FALSE(find(click, "action_name"));
}

TEST_CASE("an order carries every amount with two decimals and ec_items as JSON", "[matomo]") {
  EncodeContext ctx;
  ctx.anchor_ms = k_encode_anchor_ms;
  const Params params = encode_hit(sample_visit(), 1, ctx);
  CHECK(find(params, "ec_items") == std::optional<std::string_view>{R"([["S1","Shirt","Clothing",19.99,2]])"});
  CHECK(find(params, "revenue") == std::optional<std::string_view>{"48.97"});
  CHECK(find(params, "ec_st") == std::optional<std::string_view>{"39.98"});
  CHECK(find(params, "ec_sh") == std::optional<std::string_view>{"5.99"});
  CHECK(find(params, "ec_dt") == std::optional<std::string_view>{"1.00"});
  CHECK_FALSE(find(params, "ec_currency"));
  CHECK(format_cents(-5) == "-0.05");
  CHECK(format_cents(123456) == "1234.56");
}

TEST_CASE("query strings, form bodies and bulk bodies encode exactly", "[matomo]") {
  const Params params{{"url", "https://a.example/x y?q=1&r=ü"}, {"ec_items", R"([["S",1]])"}};
  CHECK(query_string(params) ==
        "url=https%3A%2F%2Fa.example%2Fx%20y%3Fq%3D1%26r%3D%C3%BC&ec_items=%5B%5B%22S%22%2C1%5D%5D");
  CHECK(form_body({{"a", "x y"}}, "tok en") == "a=x+y&token_auth=tok+en");
  CHECK(form_body({{"a", "1"}}, "") == "a=1");
  CHECK(tracking_url("http://127.0.0.1/matomo.php", {{"rec", "1"}}) == "http://127.0.0.1/matomo.php?rec=1");
  CHECK(bulk_body({params}, "T") ==
        R"({"requests":[{"url":"https://a.example/x y?q=1&r=ü","ec_items":[["S",1]]}],"token_auth":"T"})");
  CHECK(bulk_body({}, "") == R"({"requests":[]})");
}

TEST_CASE("bulk answers are parsed, and malformed ones refused", "[matomo]") {
  const auto ok = parse_bulk_answer(R"({"status":"success","tracked":3,"invalid":2,"invalid_indices":[1,4]})");
  REQUIRE(ok);
  CHECK(ok->status == "success");
  CHECK(ok->tracked == 3);
  CHECK(ok->invalid == 2);
  CHECK(ok->invalid_indices == std::vector<std::int64_t>{1, 4});
  const auto error = parse_bulk_answer(R"({"status":"error","tracked":1})");
  REQUIRE(error);
  CHECK(error->invalid == 0);
  CHECK_FALSE(parse_bulk_answer("<html>"));
  CHECK_FALSE(parse_bulk_answer(R"({"tracked":1})"));
  CHECK_FALSE(parse_bulk_answer(R"({"status":"success","tracked":"1"})"));
}

TEST_CASE("every generated hit passes the strict checks with and without a token", "[matomo]") {
  tf::config::Settings settings;
  settings.ecommerce_probability = 0.3;
  settings.campaign_probability = 0.3;
  const auto pages = catalogue();
  tf::model::VisitGenerator generator(settings, pages, {encode_funnel()}, 11);
  const auto* zone = date::locate_zone("Europe/Stockholm");
  Params params;
  std::size_t orders = 0;
  for (std::uint64_t i = 0; i < 3000; ++i) {
    const Visit visit = generator.build(i);
    for (const bool token : {false, true}) {
      EncodeContext ctx;
      ctx.has_token = token;
      ctx.anchor_ms = k_encode_anchor_ms + visit.arrival_ms;
      ctx.time_zone = zone;
      CheckContext check;
      check.now_s = (ctx.anchor_ms + visit.duration_ms) / 1000;  // the send time of the ping
      check.token_valid = token;
      check.known_sites = {1};
      check.known_goals = {2};
      std::int64_t last_cdt = 0;
      for (std::size_t k = 0; k < visit.hits.size(); ++k) {
        encode_hit(visit, k, ctx, params);
        const auto violations = check_hit(params, check);
        INFO("visit " << i << " hit " << k << ": " << query_string(params));
        REQUIRE(violations.empty());
        CHECK(find(params, "cip").has_value() == token);
        const std::int64_t cdt = std::stoll(std::string(*find(params, "cdt")));
        CHECK(cdt >= last_cdt);
        CHECK(cdt * 1000 <= ctx.anchor_ms + visit.hits[k].offset_ms);
        last_cdt = cdt;
        orders += find(params, "ec_id") && !token ? 1U : 0U;
      }
    }
  }
  CHECK(orders > 300);
}
