// Issue 16, custom dimensions (CUSTOM_DIMENSIONS): parsing with located problems; a visit-scope
// value per visitor on the first hit of each visit, kept by a returning visitor; action-scope
// values on page views at CUSTOM_DIMENSION_PROBABILITY; nothing else of a visit changes.
#include <catch2/catch.hpp>

#include <map>

#include "config/dimensions.hpp"
#include "model/generator.hpp"
#include "sigma.hpp"

using namespace tf::model;
using tf::testing::within_4_sigma;

namespace {

tf::config::UrlCatalogue two_pages() {
  tf::config::UrlCatalogue catalogue;
  catalogue.pages.push_back({"https://shop.example/", "Home"});
  catalogue.pages.push_back({"https://shop.example/about", "About"});
  return catalogue;
}

std::string problem_of(std::string_view text) {
  std::string problem;
  tf::config::parse_dimensions(text, problem);
  return problem;
}

}  // namespace

TEST_CASE("CUSTOM_DIMENSIONS entries are ID:SCOPE:VALUE|VALUE, each id once", "[model]") {
  std::string problem;
  const auto specs = tf::config::parse_dimensions(" 1:visit:guest|member ; 12:action:News| Guides;", problem);
  CHECK(problem.empty());
  REQUIRE(specs.size() == 2);
  CHECK(specs[0].id == 1);
  CHECK(specs[0].visit_scope);
  CHECK(specs[1].values == std::vector<std::string>{"News", "Guides"});
  CHECK(tf::config::parse_dimensions("", problem).empty());
  CHECK(problem_of("1:visit") == "expected ID:SCOPE:VALUE|VALUE… (e.g. 1:visit:guest|member), found \"1:visit\"");
  CHECK(problem_of("0:visit:a") == "expected a dimension id from 1 to 999, found \"0\"");
  CHECK(problem_of("x:visit:a") == "expected a dimension id from 1 to 999, found \"x\"");
  CHECK(problem_of("1:page:a") == "expected the scope of dimension 1 to be visit or action, found \"page\"");
  CHECK(problem_of("1:visit:a||b") == "expected values of dimension 1 of 1 to 250 bytes, found \"\"");
  CHECK(problem_of("1:visit:" + std::string(251, 'x')).starts_with("expected values of dimension 1 of 1 to 250 bytes"));
  CHECK(problem_of("1:visit:a;1:action:b") == "expected each dimension id once, found 1 twice");
}

TEST_CASE("over 100,000 visits dimensions keep their scope, share and visitor", "[model]") {
  tf::config::Settings plain;
  plain.returning_visitor_probability = 0.4;
  plain.returning_visitor_pool = 500;
  tf::config::Settings settings = plain;
  settings.custom_dimensions = "3:visit:guest|member|vip;4:action:News|Reviews|Guides";
  settings.custom_dimension_probability = 0.7;
  VisitGenerator with(settings, two_pages(), {}, 11);
  VisitGenerator without(plain, two_pages(), {}, 11);
  constexpr std::size_t n = 100'000;
  std::size_t visits_with = 0, pageviews = 0, pageviews_with = 0, returning_checked = 0;
  std::map<std::string, std::string> tier_of;  // visitor id → its visit-scope value
  for (std::uint64_t i = 0; i < n; ++i) {
    const Visit visit = with.build(i);
    const Visit other = without.build(i);
    REQUIRE(visit.hits.size() == other.hits.size());
    for (std::size_t k = 0; k < visit.hits.size(); ++k) {
      const Hit& hit = visit.hits[k];
      REQUIRE(hit.url.view() == other.hits[k].url.view());  // nothing else changes
      for (const auto& [id, value] : hit.dimensions) {
        if (id == 3) {
          REQUIRE(k == 0);
          ++visits_with;
          const auto [it, fresh] = tier_of.emplace(visit.visitor.id, std::string(value.view()));
          REQUIRE(it->second == value.view());  // a returning visitor keeps its value
          returning_checked += fresh ? 0U : 1U;
        } else {
          REQUIRE(id == 4);
          REQUIRE(hit.kind == HitKind::pageview);
          ++pageviews_with;
        }
      }
      pageviews += hit.kind == HitKind::pageview ? 1U : 0U;
    }
  }
  CHECK(returning_checked > 1000);
  CHECK(within_4_sigma(pageviews_with, pageviews, 0.7));
  CHECK(visits_with > n / 2);  // per visitor at 0.7: returning visitors repeat their draw
  CHECK(visits_with < n * 9 / 10);
}
