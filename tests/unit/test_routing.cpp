#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "routing/router.hpp"
#include "util/error.hpp"

using tf::config::TargetsConfig;
using tf::config::TargetSpec;
using tf::routing::Strategy;

namespace {

/// Circuits as a test sets them.
struct FakeHealth final : tf::routing::HealthView {
  std::set<std::size_t> open_targets;
  bool open(std::size_t target) const override { return open_targets.count(target) > 0; }
};

TargetsConfig three(Strategy strategy, std::vector<int> weights = {1, 1, 1}) {
  TargetsConfig config;
  config.strategy = strategy;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    TargetSpec t;
    t.name = "T" + std::to_string(i + 1);
    t.url = "http://127.0.0.1:8080/matomo.php";
    t.weight = weights[i];
    config.targets.push_back(t);
  }
  return config;
}

}  // namespace

TEST_CASE("round-robin cycles through the enabled targets in order, per visitor", "[routing]") {
  const tf::routing::Router router(three(Strategy::round_robin));
  std::vector<std::size_t> seen;
  for (std::uint64_t key = 0; key < 6; ++key) {
    seen.push_back(router.route(key).at(0));
  }
  CHECK(seen == std::vector<std::size_t>{0, 1, 2, 0, 1, 2});
}

TEST_CASE("a visitor always lands on the same target", "[routing]") {
  for (auto strategy : {Strategy::round_robin, Strategy::weighted, Strategy::random}) {
    const tf::routing::Router router(three(strategy, {5, 3, 2}));
    for (std::uint64_t key = 100; key < 200; ++key) {
      CHECK(router.route(key) == router.route(key));
    }
  }
}

TEST_CASE("weighted 70/30 lands within tolerance over 10,000 visitors", "[routing]") {
  const tf::routing::Router router(three(Strategy::weighted, {70, 30}));
  int first = 0;
  for (std::uint64_t key = 0; key < 10'000; ++key) {
    first += router.route(key).at(0) == 0 ? 1 : 0;
  }
  // 4 standard deviations of a binomial(10000, 0.7) is about 183.
  CHECK(first > 7000 - 183);
  CHECK(first < 7000 + 183);
}

TEST_CASE("random spreads visitors evenly", "[routing]") {
  const tf::routing::Router router(three(Strategy::random));
  std::map<std::size_t, int> counts;
  for (std::uint64_t key = 0; key < 4500; ++key) {
    ++counts[router.route(key).at(0)];
  }
  for (const auto& [target, n] : counts) {
    CHECK(n > 1500 - 130);
    CHECK(n < 1500 + 130);
  }
}

TEST_CASE("disabled targets are never chosen", "[routing]") {
  auto config = three(Strategy::round_robin);
  config.targets[1].enabled = false;
  for (auto strategy : {Strategy::round_robin, Strategy::weighted, Strategy::random, Strategy::mirror}) {
    config.strategy = strategy;
    const tf::routing::Router router(config);
    for (std::uint64_t key = 0; key < 1000; ++key) {
      for (auto t : router.route(key)) {
        REQUIRE(t != 1);
      }
    }
  }
}

TEST_CASE("zero enabled targets and weighted weight 0 are rejected", "[routing]") {
  auto config = three(Strategy::round_robin);
  for (auto& t : config.targets) {
    t.enabled = false;
  }
  CHECK_THROWS_WITH(tf::routing::Router(config), "at least one target must be enabled");
  CHECK_THROWS_WITH(tf::routing::Router(three(Strategy::weighted, {1, 0, 1})),
                    "target 'T2': weighted routing needs weight >= 1");
}

TEST_CASE("mirror sends every visit to every enabled target", "[routing]") {
  const tf::routing::Router router(three(Strategy::mirror));
  CHECK(router.route(42) == std::vector<std::size_t>{0, 1, 2});
}

TEST_CASE("a visitor whose target is open fails over to the next closed target", "[routing]") {
  FakeHealth health;
  const tf::routing::Router router(three(Strategy::round_robin), &health);
  health.open_targets = {1};
  CHECK(router.route(1) == std::vector<std::size_t>{2});
  CHECK(router.route(0) == std::vector<std::size_t>{0});
  health.open_targets = {0, 1, 2};
  CHECK(router.route(1) == std::vector<std::size_t>{1});
  health.open_targets = {};
  CHECK(router.route(1) == std::vector<std::size_t>{1});
}

TEST_CASE("mirror ignores open circuits: every enabled target gets every visit", "[routing]") {
  FakeHealth health;
  health.open_targets = {0, 2};
  const tf::routing::Router router(three(Strategy::mirror), &health);
  CHECK(router.route(7) == std::vector<std::size_t>{0, 1, 2});
}

TEST_CASE("a visit is routed by its visitor's key, whether fresh or returning, realtime or backfill", "[routing]") {
  const tf::routing::Router router(three(Strategy::weighted, {5, 3, 2}));
  for (std::uint64_t key = 1000; key < 1100; ++key) {
    tf::model::Visit visit;
    visit.index = key * 7919;  // the visit number plays no part
    visit.visitor.key = key;
    visit.visitor.pooled = key % 2 == 0;
    CHECK(tf::routing::route_key(visit) == key);
    CHECK(router.route(visit) == router.route(key));
    visit.start_ms = 1'700'000'000'000;  // a backfill visit
    CHECK(router.route(visit) == router.route(key));
  }
}

TEST_CASE("strategy names come from one table: parse, to_string and the list in error messages", "[routing]") {
  using tf::routing::parse_strategy;
  for (const auto& entry : tf::routing::k_strategy_names) {
    CHECK(parse_strategy(entry.name) == entry.strategy);
    CHECK(tf::routing::to_string(entry.strategy) == entry.name);
  }
  CHECK(tf::routing::strategy_names() == "round-robin|weighted|random|mirror");
  CHECK(tf::routing::strategy_names(", ") == "round-robin, weighted, random, mirror");
  CHECK_FALSE(parse_strategy("Round-Robin").has_value());
  CHECK_FALSE(parse_strategy("").has_value());
  static_assert(tf::routing::parse_strategy("mirror") == Strategy::mirror);
}

TEST_CASE("shares: equal among enabled targets, by weight when weighted, 0 when disabled", "[routing]") {
  using Shares = std::vector<double>;
  CHECK(tf::routing::Router(three(Strategy::round_robin)).shares() == Shares{1.0 / 3, 1.0 / 3, 1.0 / 3});
  CHECK(tf::routing::Router(three(Strategy::mirror)).shares() == Shares{1.0 / 3, 1.0 / 3, 1.0 / 3});
  const auto weighted = tf::routing::Router(three(Strategy::weighted, {70, 20, 10})).shares();
  REQUIRE(weighted.size() == 3);
  CHECK(weighted[0] == Approx(0.7));
  CHECK(weighted[1] == Approx(0.2));
  CHECK(weighted[2] == Approx(0.1));
  auto config = three(Strategy::random);
  config.targets[1].enabled = false;
  CHECK(tf::routing::Router(config).shares() == Shares{0.5, 0.0, 0.5});
  auto off = three(Strategy::weighted, {70, 20, 10});
  off.targets[0].enabled = false;
  const auto rest = tf::routing::Router(off).shares();
  CHECK(rest[0] == 0.0);
  CHECK(rest[1] == Approx(2.0 / 3));
  CHECK(rest[2] == Approx(1.0 / 3));
}
