#include <memory>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <date/tz.h>
#include <nlohmann/json.hpp>

#include "config/catalogue.hpp"
#include "matomo/bulk.hpp"
#include "funnel_fixture.hpp"
#include "matomo/encode.hpp"
#include "matomo/wire.hpp"
#include "model/generator.hpp"

using namespace tf::matomo;
using tf::model::HitKind;
using tf::model::Visit;

namespace {

constexpr std::int64_t k_anchor_ms = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

/// The reference: nlohmann's element, dumped as the engine sent it before the direct writer.
std::string nlohmann_element(const Visit& visit, std::size_t hit, const EncodeContext& ctx) {
  return bulk_element(encode_hit(visit, hit, ctx)).dump();
}

std::string direct_element(const Visit& visit, std::size_t hit, const EncodeContext& ctx) {
  std::string out;
  append_hit_bulk_element(visit, hit, ctx, out);
  return out;
}

/// nlohmann's dump with invalid UTF-8 replaced by U+FFFD instead of throwing.
std::string replace_dump(const nlohmann::ordered_json& json) {
  return json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

/// Page titles with every kind of character a JSON string escapes or keeps.
tf::config::UrlCatalogue nasty_catalogue() {
  tf::config::UrlCatalogue c;
  c.pages.push_back(
    {"https://example.test/caf\xC3\xA9?q=\"x\"&y=a\\b", "Caf\xC3\xA9 \"Z\xC3\xBCrich\" \xE2\x80\x94 \xF0\x9F\x98\x80"});
  c.pages.push_back({"https://example.test/tabs", "tab\there\nnew line\r\x01\x1f\x7f / slash"});
  c.pages.push_back({"https://example.test/plain/a-long-path-with-more-than-sixteen-bytes", "Plain title"});
  c.pages.push_back({"https://example.test/k\xE2\x82\xAC", ""});
  return c;
}

tf::config::Funnel funnel() { return tf::testing::order_goal_download_funnel("Buy \"now\"", 0.3); }

/// The contexts a run can give a hit: no token (no cip), a token with and without cip, UTC and
/// zones with DST, other sites.
std::vector<EncodeContext> contexts() {
  std::vector<EncodeContext> list(3);
  list[0].anchor_ms = k_anchor_ms;
  list[1].site_id = 7;
  list[1].has_token = true;
  list[1].anchor_ms = k_anchor_ms + 15'552'000'000;  // mid-year: summer time
  list[1].time_zone = date::locate_zone("Europe/Stockholm");
  list[2].site_id = 12345;
  list[2].has_token = true;
  list[2].send_cip = false;
  list[2].anchor_ms = k_anchor_ms - 1;
  list[2].time_zone = date::locate_zone("America/New_York");
  return list;
}

}  // namespace

TEST_CASE("the direct bulk element is byte for byte nlohmann's for thousands of generated visits", "[matomo]") {
  tf::config::Settings busy;  // every optional hit kind often
  busy.ecommerce_probability = 0.4;
  busy.campaign_probability = 0.3;
  busy.logged_in_probability = 0.3;
  busy.sitesearch_probability = 0.5;
  busy.outlinks_probability = 0.4;
  busy.downloads_probability = 0.4;
  const std::vector<EncodeContext> ctxs = contexts();
  std::map<HitKind, std::size_t> kinds;
  std::size_t hits = 0;
  std::size_t with_cip = 0;
  std::string out = "prefix";
  for (const std::uint64_t seed : {1U, 7U, 2026U}) {
    const bool defaults = seed == 1;
    const auto& pages = seed == 7 ? nasty_catalogue() : tf::config::builtin_catalogue();
    tf::model::VisitGenerator generator(defaults ? tf::config::Settings{} : busy, pages,
                                        defaults ? std::vector<tf::config::Funnel>{} : std::vector{funnel()}, seed);
    for (std::uint64_t i = 0; i < 1500; ++i) {
      const Visit visit = generator.build(i);
      const EncodeContext& ctx = ctxs[i % ctxs.size()];
      for (std::size_t k = 0; k < visit.hits.size(); ++k) {
        const std::string expected = nlohmann_element(visit, k, ctx);
        out.resize(6);
        append_hit_bulk_element(visit, k, ctx, out);
        INFO("seed " << seed << " visit " << i << " hit " << k);
        REQUIRE(out.substr(0, 6) == "prefix");
        REQUIRE(out.substr(6) == expected);
        ++kinds[visit.hits[k].kind];
        ++hits;
        with_cip += expected.find("\"cip\":") != std::string::npos ? 1U : 0U;
      }
    }
  }
  CHECK(hits > 30'000);
  CHECK(with_cip > 1000);
  for (const HitKind kind : {HitKind::pageview, HitKind::site_search, HitKind::outlink, HitKind::download,
                             HitKind::event, HitKind::ecommerce_order, HitKind::goal, HitKind::ping}) {
    INFO(tf::model::to_string(kind));
    CHECK(kinds[kind] > 50);
  }
}

TEST_CASE("quotes, backslashes, control characters and UTF-8 are escaped as nlohmann's dump does", "[matomo]") {
  std::string s;
  append_json_string("a\"b\\c/d\x01\x1f\x7f\b\f\n\r\t\xC3\xBC\xF0\x9F\x98\x80", s);
  CHECK(s == "\"a\\\"b\\\\c/d\\u0001\\u001f\x7f\\b\\f\\n\\r\\t\xC3\xBC\xF0\x9F\x98\x80\"");
  append_json_string(std::string("\0x", 2), s);
  CHECK(s.substr(s.size() - 9) == "\"\\u0000x\"");

  Visit visit;
  visit.visitor.id = "0123456789abcdef";
  visit.visitor.uid = "user \"1\"\\";
  visit.visitor.user_agent = "Mozilla/5.0 (X11; Linux x86_64) \"quoted\" \xE2\x82\xAC";
  visit.visitor.lang = "de-DE";
  tf::model::Hit event;
  event.kind = HitKind::event;
  event.url = "https://example.test/\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13";
  event.action_name = std::string("nul\0inside", 10);
  event.e_c = "C\xC3\xA4t";
  event.e_a = "\\\\\\\"\"\"";
  event.e_n = "\xEF\xBF\xBD replacement char itself, then \xF4\x8F\xBF\xBF (U+10FFFF)";
  event.e_v = 0.1;
  tf::model::Hit order;
  order.kind = HitKind::ecommerce_order;
  order.url = "https://example.test/checkout";
  order.order = std::make_shared<const tf::model::Order>(tf::model::Order{"O\"1",
                                                                          {{"S\\1", "Shirt \"XL\"\n",
                                                                            "Kl\xC3\xA4"
                                                                            "der",
                                                                            1999, 2},
                                                                           {"S2", "", "\x1f", 500, 1},
                                                                           {"S3", "Free", "x", 0, 3},
                                                                           {"S4", "Credit", "x", -5, 1},
                                                                           {"S5", "Big", "x", 123456789012, 7}},
                                                                          0,
                                                                          0,
                                                                          0,
                                                                          0,
                                                                          0});
  tf::model::Hit empty_order = order;
  tf::model::Order no_items = *order.order;
  no_items.items.clear();
  empty_order.order = std::make_shared<const tf::model::Order>(std::move(no_items));
  visit.hits = {event, order, empty_order};
  EncodeContext ctx;
  ctx.anchor_ms = k_anchor_ms;
  for (std::size_t k = 0; k < visit.hits.size(); ++k) {
    INFO("hit " << k);
    CHECK(direct_element(visit, k, ctx) == nlohmann_element(visit, k, ctx));
  }
  CHECK(direct_element(visit, 1, ctx).find(R"("ec_items":[["S\\1","Shirt \"XL\"\n",)") != std::string::npos);
  CHECK(direct_element(visit, 2, ctx).find(R"("ec_items":[],)") != std::string::npos);
}

TEST_CASE("invalid UTF-8 becomes U+FFFD where nlohmann's default dump would throw", "[matomo]") {
  // The model never makes such strings (catalogues, funnels and settings are checked as UTF-8),
  // but an element must not stop a run: each invalid sequence is replaced, as
  // error_handler_t::replace does, byte for byte.
  Visit visit;
  visit.visitor.id = "0123456789abcdef";
  tf::model::Hit page;
  page.url = "https://example.test/\xFF";
  page.action_name = "bad \xC3 \xE2\x82 \xED\xA0\x80 \xF0\x80\x80\x80 \xC0\xAF \xF5 end\xE2\x82";
  visit.hits = {page};
  EncodeContext ctx;
  ctx.anchor_ms = k_anchor_ms;
  CHECK_THROWS_AS(nlohmann_element(visit, 0, ctx), nlohmann::json::type_error);
  CHECK(direct_element(visit, 0, ctx) == replace_dump(bulk_element(encode_hit(visit, 0, ctx))));
  std::string s;
  append_json_string("a\xC3"
                     "b",
                     s);
  CHECK(s ==
        "\"a\xEF\xBF\xBD"
        "b\"");

  // Random byte strings, rich in lead bytes, continuation bytes and escapes.
  const std::string palette =
    std::string("aZ09 \"\\/\x01\x1f\x7f\x80\x8f\x90\x9f\xa0\xbf\xc0\xc1\xc2\xdf\xe0\xe1\xed\xee"
                "\xef\xf0\xf1\xf4\xf5\xff") +
    '\0';
  std::mt19937 rng(4);
  std::uniform_int_distribution<std::size_t> pick(0, palette.size() - 1);
  std::uniform_int_distribution<std::size_t> length(0, 40);
  for (int n = 0; n < 5000; ++n) {
    std::string text(length(rng), ' ');
    for (char& c : text) {
      c = palette[pick(rng)];
    }
    s.clear();
    append_json_string(text, s);
    INFO("string " << n);
    REQUIRE(s == replace_dump(nlohmann::ordered_json(text)));
  }

  // Mostly plain strings with at most one special byte, anywhere: the word-sized tail checks
  // (lengths below 16, and the last < 16 bytes of longer ones) must see it wherever it is.
  const std::string specials = std::string("\"\\\x01\x1f\x7f\x80\xc3\xff") + '\0';
  for (std::size_t size = 0; size <= 40; ++size) {
    for (std::size_t at = 0; at <= size; ++at) {
      for (char special : specials) {
        std::string text(size, 'a');
        for (std::size_t i = 0; i < size; ++i) {
          text[i] = static_cast<char>(' ' + (i * 7 + size) % 95);  // printable ASCII
          if (text[i] == '"' || text[i] == '\\') {
            text[i] = 'x';
          }
        }
        if (at < size) {
          text[at] = special;  // at == size: the string stays plain
        }
        s.clear();
        append_json_string(text, s);
        INFO("size " << size << " special at " << at);
        REQUIRE(s == replace_dump(nlohmann::ordered_json(text)));
      }
    }
  }
}

TEST_CASE("a bulk body is appended to the caller's buffer around elements as they are", "[matomo]") {
  const std::vector<Params> hits{{{"idsite", "1"}, {"url", "https://a.example/\"x\""}},
                                 {{"idsite", "2"}, {"ec_items", R"([["S",1.5,2]])"}}};
  std::vector<std::string> elements;
  for (const auto& hit : hits) {
    elements.push_back(bulk_element(hit).dump());
  }
  for (const std::string token : {"", "0123456789abcdef0123456789abcdef", "t\"k\\"}) {
    std::string body = "kept";
    append_bulk_head(body);
    body += elements[0] + "," + elements[1];
    append_bulk_tail(token, body);
    CHECK(body == "kept" + bulk_body(hits, token));
  }
  std::string empty;
  append_bulk_head(empty);
  append_bulk_tail("", empty);
  CHECK(empty == R"({"requests":[]})");
}
