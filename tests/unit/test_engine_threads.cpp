// threads > 1: real threads with a transport that answers in real time (no network, no fake clock).
#include <catch2/catch.hpp>

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>

#include "test_engine_support.hpp"

using namespace tf;
using namespace tf::engine;
using namespace tf::engine::testing;

namespace {

/// Checks, under a lock, that no two flows of one key overlap and CONCURRENCY holds.
class CheckingObserver final : public Observer {
public:
  void on_flow_started(Flow& flow, Micros) override {
    std::lock_guard lock(m);
    const auto key = flow.order_key();
    overlap = overlap || !active_keys.insert(key).second;
    started_ids.insert(RecordingObserver::id(flow));
    starts_by_key[key].push_back(RecordingObserver::id(flow));
    max_in_progress = std::max(max_in_progress, ++in_progress);
    target_max[flow.target()] = std::max(target_max[flow.target()], ++target_in_progress[flow.target()]);
  }
  void on_attempt(std::size_t, const AttemptResult&, bool) override {}
  void on_step_done(Flow& flow, std::size_t step, StepOutcome outcome, std::string_view, std::string_view,
                    int) override {
    std::lock_guard lock(m);
    ++steps[{RecordingObserver::id(flow), step}];
    ++outcomes[outcome];
    if (stop_after > 0 && --stop_after == 0) {
      engine->request_stop();
    }
  }
  void on_flow_done(Flow& flow) override {
    std::lock_guard lock(m);
    ++flows_done;
    if (started_ids.count(RecordingObserver::id(flow)) != 0) {
      active_keys.erase(flow.order_key());
      --in_progress;
      --target_in_progress[flow.target()];
    }
  }
  void on_log(std::string_view) override {}

  std::mutex m;
  std::set<std::uint64_t> active_keys;
  std::set<int> started_ids;
  std::map<std::uint64_t, std::vector<int>> starts_by_key;
  std::map<std::pair<int, std::size_t>, int> steps;
  std::map<StepOutcome, long long> outcomes;
  int in_progress = 0, max_in_progress = 0, flows_done = 0;
  std::map<std::size_t, int> target_in_progress, target_max;
  bool overlap = false;
  int stop_after = 0;
  Engine* engine = nullptr;
};

/// Answers each request 204 after `delay(request)` of real time (none: at once), on real threads.
class RealTimeTransport final : public Transport {
public:
  using Delay = std::function<Millis(const HttpRequest&)>;
  explicit RealTimeTransport(Delay delay = {}) : m_delay(std::move(delay)) {}
  void start(std::uint64_t token, HttpRequest& request) override {
    std::lock_guard lock(m_mutex);
    Completion c;
    c.token = token;
    c.result.status = 204;
    m_pending.emplace(std::chrono::steady_clock::now() + (m_delay ? m_delay(request) : Millis{0}), std::move(c));
  }
  void wait(SteadyTime deadline, std::vector<Completion>& out) override {
    std::unique_lock lock(m_mutex);
    const auto due = [this] {
      return !m_pending.empty() && m_pending.begin()->first <= std::chrono::steady_clock::now();
    };
    while (!due() && !m_woken) {
      const SteadyTime until = m_pending.empty() ? deadline : std::min(deadline, m_pending.begin()->first);
      if (m_cv.wait_until(lock, until) == std::cv_status::timeout) {
        break;
      }
    }
    m_woken = false;
    while (due()) {
      out.push_back(std::move(m_pending.begin()->second));
      m_pending.erase(m_pending.begin());
    }
  }
  void wakeup() noexcept override {
    std::lock_guard lock(m_mutex);
    m_woken = true;
    m_cv.notify_one();
  }
  void cancel_all() override {
    std::lock_guard lock(m_mutex);
    m_pending.clear();
  }

private:
  Delay m_delay;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::multimap<SteadyTime, Completion> m_pending;
  bool m_woken = false;
};

FakeSource keyed_source(int arrivals) {
  return FakeSource(arrivals, [](int i) {
    std::vector<std::unique_ptr<Flow>> flows;
    flows.push_back(std::make_unique<FakeFlow>(i, 3, Millis{0}, static_cast<std::uint64_t>(i % 13) + 1));
    return flows;
  });
}

EngineConfig threaded_config() {
  EngineConfig c = base_config();
  c.threads = 2;
  c.arrivals_per_second = 1e5;
  c.max_flows_in_progress = 8;
  return c;
}

TransportFactory instant() {
  return [](const EngineConfig&) { return std::make_unique<RealTimeTransport>(); };
}

}  // namespace

TEST_CASE("threads: every flow is delivered, keys never overlap and CONCURRENCY is global", "[engine][threads]") {
  auto source = keyed_source(400);
  CheckingObserver observer;
  SystemClock clock;
  Engine engine(threaded_config(), source, observer, nullptr, clock, instant());
  const RunResult r = engine.run();
  CHECK(r.reason == StopReason::arrivals_exhausted);
  CHECK(r.arrivals == 400);
  CHECK(r.flows == 400);
  CHECK(r.steps_acked == 1200);
  CHECK(observer.steps.size() == 1200);
  CHECK(observer.flows_done == 400);
  CHECK_FALSE(observer.overlap);
  CHECK(observer.max_in_progress <= 8);
  for (const auto& [key, ids] : observer.starts_by_key) {
    CHECK(std::is_sorted(ids.begin(), ids.end()));  // FIFO per key, in arrival order
  }
}

TEST_CASE("threads: a stop drains the workers and every step is accounted once", "[engine][threads]") {
  auto source = keyed_source(1'000'000);
  CheckingObserver observer;
  observer.stop_after = 300;
  SystemClock clock;
  auto config = threaded_config();
  config.drain_timeout = Millis{2000};
  Engine engine(config, source, observer, nullptr, clock, instant());
  observer.engine = &engine;
  const RunResult r = engine.run();
  CHECK(r.reason == StopReason::stop_requested);
  CHECK(r.steps_acked + r.steps_rejected + r.steps_failed + r.steps_unconfirmed + r.steps_not_sent == r.flows * 3);
  CHECK(static_cast<long long>(observer.steps.size()) == r.flows * 3);
  for (const auto& [key, n] : observer.steps) {
    CHECK(n == 1);
  }
  CHECK(observer.flows_done == r.flows);
}

TEST_CASE("threads: max_arrivals stops the coordinator and the workers finish every flow", "[engine][threads]") {
  auto source = keyed_source(1'000'000);
  CheckingObserver observer;
  SystemClock clock;
  auto config = threaded_config();
  config.threads = 3;
  config.max_arrivals = 250;
  Engine engine(config, source, observer, nullptr, clock, instant());
  const RunResult r = engine.run();
  CHECK(r.reason == StopReason::max_arrivals);
  CHECK(r.arrivals == 250);
  CHECK(r.steps_acked == 750);
  CHECK(engine.stats().requests == 750);
}

TEST_CASE("threads: a slow target holds only its reserved share of the global CONCURRENCY", "[engine][threads]") {
  // even flows go to target 0, answered after 30 ms; odd ones to target 1, answered at once
  const auto run = [](int reserved) {
    FakeSource source(300, [](int i) {
      std::vector<std::unique_ptr<Flow>> flows;
      flows.push_back(std::make_unique<FakeFlow>(i, 2, Millis{0}, static_cast<std::uint64_t>(i % 17) + 1,
                                                 static_cast<std::size_t>(i % 2)));
      return flows;
    });
    CheckingObserver observer;
    SystemClock clock;
    auto config = threaded_config();
    config.max_flows_in_progress = 8;
    config.targets = {TargetLimits{64, reserved}, TargetLimits{64, reserved}};
    Engine engine(config, source, observer, nullptr, clock, [](const EngineConfig&) {
      // requests of even flow ids ("f<id>s<step>") take 30 ms, the others none
      return std::make_unique<RealTimeTransport>(
        [](const HttpRequest& r) { return std::stoi(r.url.substr(1)) % 2 == 0 ? Millis{30} : Millis{0}; });
    });
    const RunResult r = engine.run();
    CHECK(r.steps_acked == 600);
    CHECK_FALSE(observer.overlap);
    CHECK(observer.max_in_progress <= 8);
    return observer.target_max[0];
  };
  CHECK(run(4) <= 4);  // 4 + 4 reserved of 8: target 0 never borrows target 1's share
  CHECK(run(0) > 4);  // one global CONCURRENCY: the slow target takes more
}
