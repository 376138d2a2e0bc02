#include <catch2/catch.hpp>

#include <set>

#include "engine/engine_impl.hpp"
#include "engine/slot_state.hpp"
#include "test_engine_support.hpp"

using namespace tf;
using namespace tf::engine;
using namespace tf::engine::testing;

namespace {

/// One event loop run on its own, so that its slots can be read after the run.
struct LoopHarness {
  FakeClock clock{};
  FakeTransport* transport = nullptr;
  RecordingObserver observer;
  std::unique_ptr<Engine::Impl> loop;
  FakeTransport::Responder responder = [](const HttpRequest&, std::size_t) { return Answer{}; };

  RunResult run(EngineConfig config, FlowSource& source) {
    loop =
      std::make_unique<Engine::Impl>(std::move(config), source, observer, nullptr, clock, [this](const EngineConfig&) {
        auto t = std::make_unique<FakeTransport>(clock, responder);
        transport = t.get();
        return t;
      });
    return loop->run();
  }
  bool all_idle() const {
    return std::all_of(loop->slots.begin(), loop->slots.end(),
                       [](const FlowSlot& s) { return s.state == SlotState::idle && !s.flow; });
  }
};

/// Every step of every flow reported exactly once, every flow done once, and the result's
/// counts are those reports.
void check_each_hit_once(const RecordingObserver& o, const RunResult& r, int flows, std::size_t steps) {
  check_accounting(o, flows, steps);
  CHECK(r.steps_acked == o.count(StepOutcome::acked));
  CHECK(r.steps_unconfirmed == o.count(StepOutcome::unconfirmed));
  CHECK(r.steps_not_sent == o.count(StepOutcome::not_sent));
  CHECK(r.steps_failed == o.count(StepOutcome::failed));
  CHECK(r.steps_acked + r.steps_rejected + r.steps_failed + r.steps_unconfirmed + r.steps_not_sent ==
        static_cast<long long>(o.steps.size()));
}

FakeSource keyed_source(int arrivals, std::size_t steps, Millis pause, std::function<std::uint64_t(int)> key) {
  return FakeSource(arrivals, [steps, pause, key = std::move(key)](int i) {
    std::vector<std::unique_ptr<Flow>> flows;
    flows.push_back(std::make_unique<FakeFlow>(i, steps, pause, key(i)));
    return flows;
  });
}

}  // namespace

TEST_CASE("a flow slot moves only along the allowed edges", "[engine]") {
  using S = SlotState;
  const std::vector<S> all{S::idle, S::waiting, S::due, S::backoff, S::held, S::batched, S::in_flight};
  const std::set<std::pair<S, S>> allowed{
    {S::idle, S::waiting},    {S::waiting, S::due},       {S::waiting, S::idle},      {S::due, S::held},
    {S::due, S::batched},     {S::due, S::in_flight},     {S::due, S::idle},          {S::backoff, S::held},
    {S::backoff, S::batched}, {S::backoff, S::in_flight}, {S::backoff, S::idle},      {S::held, S::batched},
    {S::held, S::in_flight},  {S::held, S::idle},         {S::batched, S::in_flight}, {S::batched, S::idle},
    {S::in_flight, S::due},   {S::in_flight, S::backoff}, {S::in_flight, S::idle}};
  for (const S from : all) {
    for (const S to : all) {
      INFO(static_cast<int>(from) << " -> " << static_cast<int>(to));
      CHECK(slot_edge_allowed(from, to) == (allowed.count({from, to}) == 1));
    }
  }
  CHECK(slot_timer_armed(S::due));
  CHECK(slot_timer_armed(S::backoff));
  CHECK_FALSE(slot_timer_armed(S::in_flight));
  CHECK_FALSE(slot_timer_armed(S::held));
}

TEST_CASE("retries and a breaker trip end with every slot idle and each hit counted once", "[engine]") {
  LoopHarness h;
  // the first six requests fail (503): retries, then the breaker opens and holds steps
  h.responder = [](const HttpRequest&, std::size_t call) { return call < 6 ? Answer{503} : Answer{}; };
  auto source = simple_source(20, 3, Millis{100});
  auto config = base_config();
  config.arrivals_per_second = 50.0;
  config.retry.max_retries = 2;
  config.retry.backoff = Millis{200};
  config.breaker.consecutive_failures = 3;
  config.breaker.open_for = Millis{1000};
  config.targets[0].max_in_flight = 2;
  const RunResult r = h.run(config, source);
  CHECK(r.retries > 0);
  CHECK(h.observer.logged("target 0: circuit closed -> open"));
  CHECK(h.all_idle());
  CHECK(h.loop->live_flows == 0);
  check_each_hit_once(h.observer, r, 20, 3);
}

TEST_CASE("a drain timeout and an immediate stop end with every slot idle and each hit counted once", "[engine]") {
  LoopHarness h;
  auto source = simple_source(50, 3, Millis{4000});
  auto config = base_config();
  config.arrivals_per_second = 10.0;
  config.max_flows_in_progress = 5;
  config.drain_timeout = Millis{5000};
  const bool immediate = GENERATE(false, true);
  h.responder = [](const HttpRequest& req, std::size_t) {
    return Answer{200, ErrorKind::none, req.url.back() == '1' ? Millis{3000} : Millis{10}};
  };
  h.observer.after_step = [&h, immediate](const StepEvent& e) {
    if (e.flow == 4 && e.step == 0) {
      h.loop->stop_level.store(immediate ? 2 : 1);
    }
  };
  const RunResult r = h.run(config, source);
  CHECK(r.reason == (immediate ? StopReason::immediate_stop : StopReason::stop_requested));
  std::map<std::string, int> reasons;
  for (const auto& s : h.observer.steps) {
    ++reasons[s.reason];
  }
  CHECK(reasons[immediate ? "immediate-stop" : "drain-timeout"] > 0);
  CHECK(h.all_idle());
  CHECK(h.loop->live_flows == 0);
  check_each_hit_once(h.observer, r, static_cast<int>(r.flows), 3);
}

TEST_CASE("after a hit ends unconfirmed its visitor's next visit waits a request timeout more", "[engine]") {
  LoopHarness h;
  // visits 0 and 1 are one visitor's (key 7), visit 2 another's; visit 0's first hit times out
  // after it was sent: Matomo may still be processing it
  h.responder = [](const HttpRequest& req, std::size_t) {
    Answer a = req.url == "f0s0" ? Answer{0, ErrorKind::timeout, Millis{1000}} : Answer{};
    a.request_sent = true;
    return a;
  };
  auto source = keyed_source(3, 2, Millis{0}, [](int i) { return i < 2 ? 7U : 8U; });
  auto config = base_config();
  config.arrivals_per_second = 1e6;
  config.request_timeout = Millis{2000};
  const RunResult r = h.run(config, source);
  std::map<std::string, Millis> at;
  for (const auto& s : h.transport->sent) {
    at[s.url] = s.at;
  }
  REQUIRE(at.size() == 5);  // f0s1 is not sent
  CHECK(at.count("f0s1") == 0);
  // visit 0 ended when its hit timed out (1 s after it was sent); its visitor's next visit
  // starts a request timeout (2 s) later
  CHECK(at["f1s0"] - at["f0s0"] >= Millis{3000});
  CHECK(at["f1s0"] - at["f0s0"] < Millis{3100});
  CHECK(at["f2s0"] - at["f0s0"] < Millis{100});  // another visitor does not wait
  CHECK(r.steps_unconfirmed == 1);
  CHECK(r.steps_acked == 4);
  CHECK(h.all_idle());
}

TEST_CASE("a failed hit (not unconfirmed) passes its visitor's key on at once", "[engine]") {
  LoopHarness h;
  h.responder = [](const HttpRequest& req, std::size_t) {
    return req.url == "f0s0" ? Answer{400, ErrorKind::none, Millis{1000}} : Answer{};
  };
  auto source = keyed_source(2, 2, Millis{0}, [](int) { return 7U; });
  auto config = base_config();
  config.arrivals_per_second = 1e6;
  config.request_timeout = Millis{2000};
  h.run(config, source);
  REQUIRE(h.transport->sent.size() == 3);
  CHECK(h.transport->sent[1].url == "f1s0");
  CHECK(h.transport->sent[1].at - h.transport->sent[0].at < Millis{1100});
}

TEST_CASE("a visitor's key held after a late hit does not hold the drain", "[engine]") {
  LoopHarness h;
  h.responder = [](const HttpRequest& req, std::size_t) {
    Answer a = req.url == "f0s0" ? Answer{0, ErrorKind::timeout, Millis{1000}} : Answer{};
    a.request_sent = true;
    return a;
  };
  // visit 2 (another visitor) has a hit due after the drain timeout: nothing more can be sent
  auto source = FakeSource(3, [](int i) {
    std::vector<std::unique_ptr<Flow>> flows;
    flows.push_back(std::make_unique<FakeFlow>(i, 2, i == 2 ? Millis{60000} : Millis{0}, i < 2 ? 7U : 8U));
    return flows;
  });
  auto config = base_config();
  config.arrivals_per_second = 1e6;
  config.request_timeout = Millis{5000};
  config.drain_timeout = Millis{10000};
  SteadyTime stopped_at{};
  h.observer.after_step = [&h, &stopped_at](const StepEvent& e) {
    if (e.flow == 0 && e.step == 0) {
      stopped_at = h.clock.steady_now();
      h.loop->stop_level.store(1);
    }
  };
  const RunResult r = h.run(config, source);
  CHECK(h.clock.steady_now() - stopped_at < Millis{1000});
  CHECK(h.observer.logged("drain: no request in flight and no hit due before the drain timeout; stopping now"));
  CHECK(r.steps_not_sent == 1 + 2 + 1);  // visit 0's second hit, visit 1 (not started), visit 2's second
  CHECK(h.all_idle());
  check_each_hit_once(h.observer, r, 3, 2);
}
