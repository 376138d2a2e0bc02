#include <catch2/catch.hpp>

#include "faults.hpp"

namespace mock = tf::mock;
using Steady = std::chrono::steady_clock;

namespace {

std::vector<int> statuses(mock::FaultInjector& faults, int n, Steady::time_point at) {
  std::vector<int> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(faults.decide(at, false).status);
  }
  return out;
}

}  // namespace

TEST_CASE("a seeded fault plan repeats its sequence after being reinstalled", "[mock]") {
  const auto t = Steady::time_point{} + std::chrono::hours{1};
  mock::FaultPlan plan;
  plan.status = 503;
  plan.rate = 0.3;
  plan.seed = 7;
  mock::FaultInjector faults(plan, t);
  const auto first = statuses(faults, 200, t);
  faults.set_plan(plan, t);
  CHECK(statuses(faults, 200, t) == first);
  const auto injected = std::count(first.begin(), first.end(), 503);
  CHECK(injected > 20);
  CHECK(injected < 120);
  CHECK(faults.injected().at("status_503") == 2 * injected);
}

TEST_CASE("a fault limit stops injecting after that many faults", "[mock]") {
  const auto t = Steady::time_point{};
  auto plan = mock::FaultPlan::from_json(nlohmann::json::parse(R"({"status":429,"retry_after":2,"limit":2})"));
  mock::FaultInjector faults(plan, t);
  const auto d = faults.decide(t, false);
  CHECK(d.kind == mock::FaultKind::status);
  CHECK(d.retry_after == "2");
  CHECK(statuses(faults, 3, t) == std::vector<int>{429, 0, 0});
}

TEST_CASE("down windows count from when the plan was installed", "[mock]") {
  const auto t = Steady::time_point{} + std::chrono::hours{1};
  auto plan = mock::FaultPlan::from_json(
    nlohmann::json::parse(R"({"windows":[{"from_s":2,"to_s":5,"status":503},{"from_s":6,"to_s":7,"drop":true}]})"));
  mock::FaultInjector faults(plan, t);
  CHECK(faults.decide(t + std::chrono::seconds{1}, false).kind == mock::FaultKind::none);
  CHECK(faults.decide(t + std::chrono::seconds{2}, false).status == 503);
  CHECK(faults.decide(t + std::chrono::seconds{5}, false).kind == mock::FaultKind::none);
  CHECK(faults.decide(t + std::chrono::milliseconds{6500}, false).kind == mock::FaultKind::drop);
}

TEST_CASE("first-k answers apply to bulk requests only", "[mock]") {
  const auto t = Steady::time_point{};
  auto plan = mock::FaultPlan::from_json(nlohmann::json::parse(R"({"bulk_first_k":3,"latency_ms":5})"));
  mock::FaultInjector faults(plan, t);
  const auto single = faults.decide(t, false);
  CHECK(single.kind == mock::FaultKind::none);
  CHECK(single.latency_ms == 5);
  const auto bulk = faults.decide(t, true);
  CHECK(bulk.kind == mock::FaultKind::bulk_first_k);
  CHECK(bulk.first_k == 3);
}

TEST_CASE("fault plans reject unknown keys and out-of-range rates", "[mock]") {
  using nlohmann::json;
  CHECK_THROWS_WITH(mock::FaultPlan::from_json(json::parse(R"({"stauts":503})")), "unknown fault key \"stauts\"");
  CHECK_THROWS_WITH(mock::FaultPlan::from_json(json::parse(R"({"rate":1.5})")),
                    "\"rate\" must be within 0..1, found 1.5");
}

TEST_CASE("a capacity lets N requests per second through, queued, and answers 503 past the queue", "[mock]") {
  const auto t = Steady::time_point{} + std::chrono::hours{1};
  auto plan = mock::FaultPlan::from_json(nlohmann::json::parse(R"({"capacity_rps":400,"capacity_queue_ms":100})"));
  mock::FaultInjector faults(plan, t);
  int through = 0, refused = 0, longest = 0;
  for (int i = 0; i < 200; ++i) {
    const auto d = faults.decide(t, false);
    if (d.kind == mock::FaultKind::status) {
      CHECK(d.status == 503);
      ++refused;
    } else {
      ++through;
      longest = std::max(longest, d.queue_ms);
    }
  }
  CHECK(through == 41);  // turns at 0, 2.5, …, 100 ms
  CHECK(refused == 159);
  CHECK(longest == 100);
  CHECK(faults.injected().at("capacity_503") == 159);
  // at a steady 400 per second (one every 2.5 ms) nothing waits or is refused
  int waited = 0;
  for (int i = 0; i < 400; ++i) {
    const auto d = faults.decide(t + std::chrono::seconds{1} + std::chrono::microseconds{2500 * i}, false);
    CHECK(d.kind == mock::FaultKind::none);
    waited += d.queue_ms > 0 ? 1 : 0;
  }
  CHECK(waited == 0);
  CHECK_THROWS(mock::FaultPlan::from_json(nlohmann::json::parse(R"({"capacity_rps":-1})")));
}

TEST_CASE("max_per_request lets the same request content through after that many faults", "[mock]") {
  mock::FaultPlan plan;
  plan.status = 503;
  plan.rate = 1.0;
  plan.max_per_request = 2;
  const auto t = std::chrono::steady_clock::now();
  mock::FaultInjector faults(plan, t);
  CHECK(faults.decide(t, false, "hit-a").status == 503);
  CHECK(faults.decide(t, false, "hit-b").status == 503);
  CHECK(faults.decide(t, false, "hit-a").status == 503);
  CHECK(faults.decide(t, false, "hit-a").kind == mock::FaultKind::none);  // its third attempt passes
  CHECK(faults.decide(t, false, "hit-b").status == 503);
  CHECK(faults.decide(t, false, "hit-b").kind == mock::FaultKind::none);
  CHECK(faults.injected().at("status_503") == 4);
  faults.set_plan(plan, t);  // a new plan starts every content's count again
  CHECK(faults.decide(t, false, "hit-a").status == 503);
}
