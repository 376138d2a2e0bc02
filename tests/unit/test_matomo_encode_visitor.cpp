#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "matomo/bulk.hpp"
#include "matomo/encode.hpp"
#include "matomo/wire.hpp"
#include "model/text.hpp"
#include "model/visit.hpp"

using namespace tf::matomo;
using tf::model::Text;

namespace {

tf::model::Visit visit_of(std::uint64_t index, std::string_view id, std::string_view user_agent, std::string_view uid) {
  tf::model::Visit visit;
  visit.index = index;
  visit.visitor.id = std::string(id);
  visit.visitor.uid = std::string(uid);
  visit.visitor.ip = "192.0.2.7";
  visit.visitor.user_agent = Text::intern(user_agent);
  visit.visitor.lang = Text::intern("de-DE,de;q=0.9");
  visit.visitor.res = Text("1920x1080");
  tf::model::Hit first, second;
  first.url = Text::intern("https://example.test/a b");
  first.new_visit = true;
  second.url = Text("https://example.test/c");
  second.offset_ms = 2000;
  second.pv_id = "abC123";
  visit.hits = {first, second};
  return visit;
}

/// Every direct form of every hit of `visit` under `ctx` equals the Params path's: all forms,
/// then all query strings (the memo is per form, so alternating them would remake it each time).
void check_same_bytes(const tf::model::Visit& visit, const EncodeContext& ctx, std::string_view token) {
  for (std::size_t k = 0; k < visit.hits.size(); ++k) {
    std::string form;
    append_hit_form(visit, k, ctx, token, form);
    CHECK(form == form_body(encode_hit(visit, k, ctx), token));
  }
  for (std::size_t k = 0; k < visit.hits.size(); ++k) {
    std::string query;
    append_hit_query(visit, k, ctx, query);
    CHECK(query == query_string(encode_hit(visit, k, ctx)));
  }
  for (std::size_t k = 0; k < visit.hits.size(); ++k) {
    std::string element;
    append_hit_bulk_element(visit, k, ctx, element);
    CHECK(element == bulk_element(encode_hit(visit, k, ctx)).dump());
  }
}

}  // namespace

TEST_CASE("a visitor's pairs encoded once per visit give each hit and bulk element the bytes of the Params path",
          "[matomo]") {
  const auto visit = visit_of(7, "0123456789abcdef", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0", "user 1");
  const EncodeContext plain{.site_id = 3, .anchor_ms = 1'767'225'600'000};
  EncodeContext with_cip = plain;
  with_cip.has_token = true;
  for (int round = 0; round < 2; ++round) {  // the second round reads the memo
    check_same_bytes(visit, plain, "");
    check_same_bytes(visit, with_cip, "tok en");
  }
  std::string form;
  append_hit_form(visit, 1, with_cip, "", form);
  CHECK(form.find("&_id=0123456789abcdef&cid=0123456789abcdef&uid=user+1&cdt=") != std::string::npos);
  CHECK(form.find("&pv_id=abC123&ua=Mozilla%2F5.0+%28X11%3B+Linux+x86_64%29+Firefox%2F133.0"
                  "&lang=de-DE%2Cde%3Bq%3D0.9&res=1920x1080&cip=192.0.2.7") != std::string::npos);
}

TEST_CASE("visits of one index with other visitors never get another visitor's pairs", "[matomo]") {
  // Same index (the memo's slot), different fields one by one, encoded alternately.
  std::vector<tf::model::Visit> visits{
    visit_of(9, "0123456789abcdef", "Agent A", ""), visit_of(9, "0123456789abcdef", "Agent B", ""),
    visit_of(9, "0123456789abcdef", "Agent B", "someone"), visit_of(9, "fedcba9876543210", "Agent B", "someone")};
  visits.back().visitor.lang = Text("fr");
  visits.push_back(visits.back());
  visits.back().visitor.ip = "198.51.100.1";
  visits.push_back(visits.back());
  visits.back().visitor.res = Text();
  EncodeContext ctx{.site_id = 1, .has_token = true, .anchor_ms = 1'767'225'600'000};
  for (int round = 0; round < 2; ++round) {
    for (const auto& visit : visits) {
      check_same_bytes(visit, ctx, "");
    }
    for (const auto& visit : visits) {  // one format throughout: each visit finds the previous one's
      std::string form;
      append_hit_form(visit, 0, ctx, "", form);
      CHECK(form == form_body(encode_hit(visit, 0, ctx), ""));
    }
    for (const auto& visit : visits) {
      std::string element;
      append_hit_bulk_element(visit, 0, ctx, element);
      CHECK(element == bulk_element(encode_hit(visit, 0, ctx)).dump());
    }
  }
  ctx.send_cip = false;
  for (const auto& visit : visits) {
    check_same_bytes(visit, ctx, "");
  }
}

TEST_CASE("a visitor without any client pairs leaves no stray separator", "[matomo]") {
  auto visit = visit_of(11, "0123456789abcdef", "x", "");  // a JSON-escaped uid, below
  visit.visitor.uid = "user \"1\"\\";
  visit.visitor.user_agent = Text();
  visit.visitor.lang = Text();
  visit.visitor.res = Text();
  const EncodeContext ctx{.site_id = 1, .anchor_ms = 1'767'225'600'000};
  check_same_bytes(visit, ctx, "");
  std::string query;
  append_hit_query(visit, 1, ctx, query);
  CHECK(query.find("&&") == std::string::npos);
  CHECK(query.back() != '&');
}
