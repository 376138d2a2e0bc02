// threads > 1: real threads with a transport that answers at once (no network, no fake clock).
#include <catch2/catch.hpp>

#include <condition_variable>
#include <mutex>
#include <set>

#include "test_engine_support.hpp"

using namespace tf;
using namespace tf::engine;
using namespace tf::engine::testing;

namespace {

class InstantTransport final : public Transport {
public:
  void start(std::uint64_t token, const HttpRequest&) override {
    std::lock_guard lock(m_mutex);
    Completion c;
    c.token = token;
    c.result.status = 204;
    m_ready.push_back(std::move(c));
  }
  void wait(SteadyTime deadline, std::vector<Completion>& out) override {
    std::unique_lock lock(m_mutex);
    m_cv.wait_until(lock, deadline, [this] { return !m_ready.empty() || m_woken; });
    m_woken = false;
    for (auto& c : m_ready) {
      out.push_back(std::move(c));
    }
    m_ready.clear();
  }
  void wakeup() noexcept override {
    std::lock_guard lock(m_mutex);
    m_woken = true;
    m_cv.notify_one();
  }
  void cancel_all() override {
    std::lock_guard lock(m_mutex);
    m_ready.clear();
  }

private:
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::vector<Completion> m_ready;
  bool m_woken = false;
};

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
  }
  void on_attempt(std::size_t, const AttemptResult&, bool) override {}
  void on_step_done(Flow& flow, std::size_t step, StepOutcome outcome, std::string_view, int) override {
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
  bool overlap = false;
  int stop_after = 0;
  Engine* engine = nullptr;
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
  return [](const EngineConfig&) { return std::make_unique<InstantTransport>(); };
}

} // namespace

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
  CHECK(r.steps_acked + r.steps_dead_lettered + r.steps_abandoned == r.flows * 3);
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
