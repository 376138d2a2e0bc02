// Issue 16, more Matomo features, each at its probability: page performance timings on
// pageviews, content impressions (and interactions) on the pages of non-bounce visits, and the
// closing heartbeat ping. Shares over 100,000 generated visits within 4 sigma.
#include <catch2/catch.hpp>

#include "model/catalogues.hpp"
#include "model/generator.hpp"
#include "sigma.hpp"

using namespace tf::model;

using tf::testing::within_4_sigma;

TEST_CASE("over 100,000 visits timings, content impressions, interactions and pings keep their shares", "[model]") {
  tf::config::Settings settings;
  settings.performance_timing_probability = 0.6;
  settings.content_impression_probability = 0.3;
  settings.content_interaction_probability = 0.25;
  settings.heartbeat_probability = 0.9;
  tf::config::UrlCatalogue catalogue;
  catalogue.pages.push_back({"https://shop.example/", "Home"});
  catalogue.pages.push_back({"https://shop.example/about", "About"});
  VisitGenerator generator(settings, catalogue, {}, 3);
  constexpr std::size_t n = 100'000;
  std::size_t pageviews = 0, timed = 0, pages_of_non_bounces = 0, impressions = 0, clicks = 0, pings = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    const Visit visit = generator.build(i);
    std::size_t pages = 0;
    for (std::size_t k = 0; k < visit.hits.size(); ++k) {
      const Hit& hit = visit.hits[k];
      if (k > 0) {
        REQUIRE(hit.offset_ms >= visit.hits[k - 1].offset_ms);
      }
      if (hit.kind == HitKind::pageview) {
        ++pages;
        timed += hit.has_perf ? 1U : 0U;
        for (const auto ms : hit.perf) {
          CHECK(ms <= 1800);
        }
      } else if (hit.kind == HitKind::content) {
        REQUIRE(hit.content != nullptr);
        (hit.content_click ? clicks : impressions) += 1;
        if (hit.content_click) {
          REQUIRE(visit.hits[k - 1].kind == HitKind::content);  // a click follows its impression
          CHECK(visit.hits[k - 1].content == hit.content);
        }
      }
    }
    pageviews += pages;
    pages_of_non_bounces += pages > 1 ? pages : 0;
    pings += visit.hits.back().kind == HitKind::ping ? 1U : 0U;
    CHECK(visit.duration_ms >= visit.hits.back().offset_ms);
  }
  CHECK(within_4_sigma(timed, pageviews, 0.6));
  CHECK(within_4_sigma(impressions, pages_of_non_bounces, 0.3));
  CHECK(within_4_sigma(clicks, impressions, 0.25));
  CHECK(within_4_sigma(pings, n, 0.9));
}
