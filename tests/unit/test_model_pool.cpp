// Returning-visitor pools under sharding: the pool is partitioned by visit number modulo
// pool_modulus(pool), so with 8 shards of a small run (a pool under 60) every pool visitor's
// visits fall to one shard, each visit starts at least Matomo's 30-minute window after that
// visitor's previous one ended, and the share of pool visits holds within 4 sigma in every shard
// (a busy slot's neighbours stand in for it: without them this run's share falls to 0.268, and
// without the partition 8 shards share visitors).
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <vector>

#include "model/generator.hpp"
#include "sigma.hpp"

using namespace tf::model;
using tf::testing::within_4_sigma;

namespace {

tf::config::UrlCatalogue one_page() {
  tf::config::UrlCatalogue catalogue;
  catalogue.pages.push_back({"https://shop.example/", "Home"});
  return catalogue;
}

}  // namespace

TEST_CASE("the pool modulus is the largest of 1680, 840, 120, 24, 12, 6, 2, 1 leaving 2 slots per class", "[model]") {
  CHECK(pool_modulus(10'000) == 1'680);  // the default pool: 16 shards, and 1 to 8, never share a visitor
  CHECK(pool_modulus(3'360) == 1'680);
  CHECK(pool_modulus(3'359) == 840);
  CHECK(pool_modulus(1'680) == 840);
  CHECK(pool_modulus(1'679) == 120);
  CHECK(pool_modulus(240) == 120);
  CHECK(pool_modulus(60) == 24);
  CHECK(pool_modulus(48) == 24);
  CHECK(pool_modulus(47) == 12);
  CHECK(pool_modulus(3) == 1);
  CHECK(pool_modulus(1) == 1);
  for (std::size_t pool = 48; pool < 5'000; pool += 7) {
    const std::size_t m = pool_modulus(pool);
    CHECK(m % 8 == 0);  // 8 shards never share a visitor from 48 slots on
    CHECK(pool / m >= 2);
  }
}

TEST_CASE(
  "8 shards of a small run with a pool under 60 keep each visitor in one shard, in time order, at the configured share",
  "[model]") {
  tf::config::Settings settings;
  settings.returning_visitor_probability = 0.3;
  settings.returning_visitor_pool = 48;
  settings.target_visits_per_day = 1200;  // busy enough that a drawn slot is often taken
  constexpr std::uint64_t n = 20'000;
  constexpr std::uint64_t shards = 8;
  std::vector<Visit> visits(n);
  const auto catalogue = one_page();
  for (std::uint64_t k = 0; k < shards; ++k) {  // as --shard k/8 does: build its own, skip the others
    VisitGenerator generator(settings, catalogue, {}, 17);
    for (std::uint64_t i = 0; i < n; ++i) {
      if (i % shards == k) {
        visits[i] = generator.build(i);
      } else {
        generator.skip(i);
      }
    }
  }
  std::map<std::string, std::set<std::uint64_t>> shards_of;
  std::map<std::string, std::int64_t> free_from;  // visitor → end of their last visit + the window
  std::vector<std::size_t> pooled(shards), returning(shards);
  std::size_t out_of_order = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    const Visit& visit = visits[i];
    if (!visit.visitor.pooled) {
      continue;
    }
    const std::string& id = visit.visitor.id;
    shards_of[id].insert(i % shards);
    pooled[i % shards] += 1;
    returning[i % shards] += visit.visitor.returning ? 1U : 0U;
    const auto it = free_from.find(id);
    out_of_order += it != free_from.end() && visit.arrival_ms < it->second ? 1U : 0U;
    CHECK(visit.visitor.returning == (it != free_from.end()));
    free_from[id] = visit.arrival_ms + visit.duration_ms + k_visit_window_ms;
  }
  CHECK(out_of_order == 0);
  CHECK(shards_of.size() == 48);
  for (const auto& [id, in] : shards_of) {
    INFO(id);
    CHECK(in.size() == 1);
  }
  std::size_t all = 0;
  for (std::uint64_t k = 0; k < shards; ++k) {
    INFO("shard " << k);
    CHECK(within_4_sigma(pooled[k], n / shards, settings.returning_visitor_probability));
    all += pooled[k];
  }
  CHECK(within_4_sigma(all, n, settings.returning_visitor_probability));
  std::size_t returned = 0;
  for (const auto r : returning) {
    returned += r;
  }
  CHECK(all - returned == 48);  // each pool visitor's first visit is a new visitor for Matomo
}
