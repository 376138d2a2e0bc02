// Each target's reserved share of CONCURRENCY (TargetLimits::reserved_flows), on the fake clock.
#include <catch2/catch.hpp>

#include "engine/admission.hpp"
#include "test_engine_support.hpp"

using namespace tf;
using namespace tf::engine;
using namespace tf::engine::testing;

namespace {

/// FakeFlow ids are "f<id>s<step>" in the URL: the id of a request.
int id_of(const HttpRequest& request) { return std::stoi(request.url.substr(1)); }

/// Tracks flows in progress per target (the most seen at once) on top of the recording.
class ShareObserver final : public Observer {
public:
  void on_flow_started(Flow& flow, Micros lag) override {
    const std::size_t t = flow.target();
    in_progress.resize(std::max(in_progress.size(), t + 1));
    most.resize(in_progress.size());
    most[t] = std::max(most[t], ++in_progress[t]);
    most_total = std::max(most_total, ++total);
    record.on_flow_started(flow, lag);
  }
  void on_attempt(std::size_t t, const AttemptResult& r, bool retry) override { record.on_attempt(t, r, retry); }
  void on_step_done(Flow& flow, std::size_t step, StepOutcome outcome, std::string_view reason, std::string_view detail,
                    int n) override {
    record.on_step_done(flow, step, outcome, reason, detail, n);
  }
  void on_flow_done(Flow& flow) override {
    const auto id = RecordingObserver::id(flow);
    if (std::find(record.started.begin(), record.started.end(), id) != record.started.end()) {
      --in_progress[flow.target()];
      --total;
    }
    record.on_flow_done(flow);
  }
  void on_log(std::string_view line) override { record.on_log(line); }

  RecordingObserver record;
  std::vector<int> in_progress, most;
  int total = 0, most_total = 0;
};

/// Runs `source` on a fake clock; requests of flows for which `slow(id)` answer after 10 s.
struct ShareRun {
  FakeClock clock{};
  FakeTransport* transport = nullptr;
  ShareObserver observer;
  std::unique_ptr<Engine> engine;

  RunResult run(EngineConfig config, FlowSource& source, std::function<bool(int)> slow) {
    const FakeTransport::Responder responder = [slow](const HttpRequest& request, std::size_t) {
      return slow(id_of(request)) ? Answer{200, ErrorKind::none, Millis{10000}} : Answer{};
    };
    engine = std::make_unique<Engine>(std::move(config), source, observer, nullptr, clock,
                                      [this, responder](const EngineConfig&) {
                                        auto t = std::make_unique<FakeTransport>(clock, responder);
                                        transport = t.get();
                                        return t;
                                      });
    return engine->run();
  }
  /// Requests sent to flows with slow(id) / the others before `before`.
  std::pair<int, int> sent_before(Millis before, const std::function<bool(int)>& slow) const {
    std::pair<int, int> n{0, 0};
    for (const auto& s : transport->sent) {
      if (s.at < before) {
        ++(slow(std::stoi(s.url.substr(1))) ? n.first : n.second);
      }
    }
    return n;
  }
};

/// Arrival i: one flow of target `target_of(i)`, `steps` steps, its own order key.
FakeSource targeted_source(int arrivals, std::function<std::size_t(int)> target_of, std::size_t steps = 1) {
  return FakeSource(arrivals, [target_of = std::move(target_of), steps](int i) {
    std::vector<std::unique_ptr<Flow>> flows;
    flows.push_back(std::make_unique<FakeFlow>(i, steps, Millis{0}, 0, target_of(i)));
    return flows;
  });
}

EngineConfig two_targets(int concurrency, int reserved0, int reserved1) {
  EngineConfig config = base_config();
  config.arrivals_per_second = 1e6;
  config.max_flows_in_progress = concurrency;
  config.targets = {TargetLimits{64, reserved0}, TargetLimits{64, reserved1}};
  return config;
}

}  // namespace

TEST_CASE("reserve_shares: floor of CONCURRENCY × share, at least 1 each, or none when CONCURRENCY is too small",
          "[engine]") {
  const auto reserved = [](int concurrency, std::vector<double> shares) {
    EngineConfig config = base_config();
    config.max_flows_in_progress = concurrency;
    config.targets.assign(shares.size(), TargetLimits{});
    reserve_shares(config, shares);
    std::vector<int> out;
    for (const auto& t : config.targets) {
      out.push_back(t.reserved_flows);
    }
    return out;
  };
  CHECK(reserved(20, {0.7, 0.2, 0.1}) == std::vector<int>{14, 4, 2});
  CHECK(reserved(20, {1.0 / 3, 1.0 / 3, 1.0 / 3}) == std::vector<int>{6, 6, 6});
  CHECK(reserved(5, {0.7, 0.2, 0.1}) == std::vector<int>{3, 1, 1});
  CHECK(reserved(2, {1.0 / 3, 1.0 / 3, 1.0 / 3}) == std::vector<int>{0, 0, 0});  // not one slot each
  CHECK(reserved(3, {1.0 / 3, 1.0 / 3, 1.0 / 3}) == std::vector<int>{1, 1, 1});
  CHECK(reserved(10, {0.9, 0.05, 0.05}) == std::vector<int>{8, 1, 1});  // every receiving target can start
  CHECK(reserved(10, {0.5, 0.0, 0.5}) == std::vector<int>{5, 0, 5});
  CHECK(reserved(100, {1.0}) == std::vector<int>{100});
}

TEST_CASE("a slow target does not hold the other target's reserved share of CONCURRENCY", "[engine]") {
  // even flows go to target 0, whose answers take 10 s; odd ones to target 1 (10 ms)
  const auto slow = [](int id) { return id % 2 == 0; };
  const auto target_of = [](int i) { return static_cast<std::size_t>(i % 2); };
  SECTION("with reservations the fast target's flows never wait for the slow ones") {
    ShareRun r;
    auto source = targeted_source(40, target_of);
    r.run(two_targets(4, 2, 2), source, slow);
    const auto [slow_sent, fast_sent] = r.sent_before(Millis{200}, slow);
    CHECK(fast_sent == 20);  // 20 fast flows, 2 at a time, 10 ms each
    CHECK(slow_sent == 2);  // the slow target holds its own 2 flows only
    CHECK(r.observer.most[0] == 2);
    CHECK(r.observer.most_total <= 4);
    CHECK(r.observer.record.count(StepOutcome::acked) == 40);
  }
  SECTION("without them (one global CONCURRENCY) the slow target takes it all") {
    ShareRun r;
    auto source = targeted_source(40, target_of);
    r.run(two_targets(4, 0, 0), source, slow);
    const auto [slow_sent, fast_sent] = r.sent_before(Millis{200}, slow);
    CHECK(slow_sent == 4);
    CHECK(fast_sent < 20);
    CHECK(r.observer.most[0] == 4);
    CHECK(r.observer.record.count(StepOutcome::acked) == 40);
  }
}

TEST_CASE("a target beyond its reservation borrows only the unreserved room", "[engine]") {
  // 20 slow flows of target 0 arrive first, then 5 slow flows of target 1; CONCURRENCY 10 with
  // 3 + 3 reserved leaves 4 unreserved: target 0 gets 3 + 4, target 1 keeps its 3
  ShareRun r;
  auto source = targeted_source(25, [](int i) { return static_cast<std::size_t>(i < 20 ? 0 : 1); });
  r.run(two_targets(10, 3, 3), source, [](int) { return true; });
  const auto [first_round, none] = r.sent_before(Millis{10000}, [](int id) { return id < 20; });
  CHECK(first_round == 7);
  CHECK(none == 3);
  CHECK(r.observer.most[0] == 7);
  CHECK(r.observer.most[1] == 3);
  CHECK(r.observer.most_total <= 10);
  CHECK(r.observer.record.count(StepOutcome::acked) == 25);
  const auto stats = r.engine->stats();
  CHECK(stats.flows_waited == 13 + 2);  // flows 7..19 of target 0 and 2 of target 1's 5
}

TEST_CASE("one target reserving all of CONCURRENCY behaves as the plain global limit", "[engine]") {
  const auto run = [](bool reserve) {
    Harness h;
    h.responder = [](const HttpRequest& request, std::size_t) {
      return Answer{200, ErrorKind::none, Millis{100 + 37 * (id_of(request) % 5)}};
    };
    auto source = simple_source(50, 3, Millis{20});
    auto config = base_config();
    config.arrivals_per_second = 200.0;
    config.max_flows_in_progress = 4;
    if (reserve) {
      reserve_shares(config, {1.0});
      REQUIRE(config.targets[0].reserved_flows == 4);
    }
    h.run(config, source);
    std::vector<std::pair<std::string, Millis>> sent;
    for (const auto& s : h.transport->sent) {
      sent.emplace_back(s.url, s.at);
    }
    return std::make_tuple(sent, h.observer.lags, h.engine->stats().flows_waited);
  };
  const auto plain = run(false);
  const auto reserved = run(true);
  CHECK(std::get<0>(reserved) == std::get<0>(plain));
  CHECK(std::get<1>(reserved) == std::get<1>(plain));
  CHECK(std::get<2>(reserved) == std::get<2>(plain));
  CHECK(std::get<2>(plain) > 0);  // CONCURRENCY was reached, so admission was exercised
}

TEST_CASE("per-key order holds across targets and per-target ready queues", "[engine]") {
  // keys 7 and 8 alternate; key 7's flows switch target (as in a failover), key 8 stays on 1
  FakeSource source(8, [](int i) {
    std::vector<std::unique_ptr<Flow>> flows;
    const bool seven = i % 2 == 0;
    const std::size_t target = seven ? static_cast<std::size_t>((i / 2) % 2) : 1;
    flows.push_back(std::make_unique<FakeFlow>(i, 2, Millis{100}, seven ? 7 : 8, target));
    return flows;
  });
  ShareRun r;
  r.run(two_targets(2, 1, 1), source, [](int id) { return id == 0; });
  std::map<int, std::vector<std::string>> by_key;
  for (const auto& s : r.transport->sent) {
    by_key[std::stoi(s.url.substr(1)) % 2].push_back(s.url);
  }
  CHECK(by_key[0] == std::vector<std::string>{"f0s0", "f0s1", "f2s0", "f2s1", "f4s0", "f4s1", "f6s0", "f6s1"});
  CHECK(by_key[1] == std::vector<std::string>{"f1s0", "f1s1", "f3s0", "f3s1", "f5s0", "f5s1", "f7s0", "f7s1"});
  CHECK(r.observer.record.count(StepOutcome::acked) == 16);
}

TEST_CASE("an open circuit lends its target's reservation to the others", "[engine]") {
  // target 0 fails at once (connect): its breaker opens after 2 failures; target 1's flows are
  // slow. With 2 + 2 reserved of 4, target 1 holds 2 flows while 0 is closed and 4 once it is open.
  ShareRun r;
  auto source = targeted_source(12, [](int i) { return static_cast<std::size_t>(i < 2 ? 0 : 1); });
  auto config = two_targets(4, 2, 2);
  config.retry.max_retries = 0;
  config.breaker.consecutive_failures = 2;
  config.breaker.open_for = Millis{60000};
  const FakeTransport::Responder responder = [](const HttpRequest& request, std::size_t) {
    return id_of(request) < 2 ? Answer{0, ErrorKind::connect, Millis{1}} : Answer{200, ErrorKind::none, Millis{10000}};
  };
  r.engine =
    std::make_unique<Engine>(config, source, r.observer, nullptr, r.clock, [&r, responder](const EngineConfig&) {
      auto t = std::make_unique<FakeTransport>(r.clock, responder);
      r.transport = t.get();
      return t;
    });
  r.engine->run();
  CHECK(r.engine->stats().targets[0].breaker_opens == 1);
  const auto [failed, first_round] = r.sent_before(Millis{10000}, [](int id) { return id < 2; });
  CHECK(failed == 2);
  CHECK(first_round == 4);  // 2 of its own, then 0's 2 once its circuit opened at 1 ms
  CHECK(r.observer.most[1] == 4);
  CHECK(r.observer.most_total <= 4);
  CHECK(r.observer.record.count(StepOutcome::failed) + r.observer.record.count(StepOutcome::not_sent) == 2);
  CHECK(r.observer.record.count(StepOutcome::acked) == 10);
}
