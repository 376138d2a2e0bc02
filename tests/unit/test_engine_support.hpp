#pragma once
// Fakes for the engine tests: a transport that answers on a FakeClock, scripted flows and
// sources, and an observer that records everything it is told.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <functional>
#include <map>
#include <string>
#include <mutex>
#include <vector>

#include "engine/engine.hpp"
#include "engine/transport.hpp"

namespace tf::engine::testing {

struct Answer {
  Answer(int status_ = 200, ErrorKind error_ = ErrorKind::none, Millis latency_ = Millis{10},
         std::optional<Millis> retry_after_ = std::nullopt)
    : status(status_), error(error_), latency(latency_), retry_after(retry_after_) {}
  int status = 200;
  ErrorKind error = ErrorKind::none;
  Millis latency{10};
  std::optional<Millis> retry_after;
  std::string body;
  bool request_sent = false;  ///< a transport error after the request was written
  int resends = 0;  ///< libcurl sent the request again on a fresh connection
};

struct Sent {
  std::string url, body;
  Millis at;  ///< since the fake clock's start
};

/// Answers each request after its latency; wait() moves the fake clock forward.
class FakeTransport final : public Transport {
public:
  using Responder = std::function<Answer(const HttpRequest&, std::size_t call)>;
  FakeTransport(FakeClock& clock, Responder responder) : m_clock(clock), m_responder(std::move(responder)) {}

  void start(std::uint64_t token, HttpRequest& request) override {
    const Answer a = m_responder(request, sent.size());
    sent.push_back(Sent{request.url, request.body, since_start()});
    Completion c;
    c.token = token;
    c.result.status = a.status;
    c.result.request_sent = a.request_sent;
    c.result.resends = a.resends;
    c.result.error = a.error != ErrorKind::none ? a.error
      : a.status >= 500                         ? ErrorKind::http_5xx
      : a.status >= 400                         ? ErrorKind::http_4xx
      : a.status >= 300                         ? ErrorKind::redirect
                                                : ErrorKind::none;
    c.result.retry_after = a.retry_after;
    c.result.body = a.body;
    c.result.service_time = a.latency;
    m_pending.emplace(m_clock.steady_now() + a.latency, std::move(c));
  }

  void wait(SteadyTime deadline, std::vector<Completion>& out) override {
    SteadyTime until = deadline;
    if (!m_pending.empty() && m_pending.begin()->first < until) {
      until = m_pending.begin()->first;
    }
    if (until > m_clock.steady_now()) {
      m_clock.advance(until - m_clock.steady_now());
    }
    while (!m_pending.empty() && m_pending.begin()->first <= m_clock.steady_now()) {
      out.push_back(std::move(m_pending.begin()->second));
      m_pending.erase(m_pending.begin());
    }
  }

  void wakeup() noexcept override {}
  void cancel_all() override { m_pending.clear(); }

  Millis since_start() const { return std::chrono::duration_cast<Millis>(m_clock.steady_now() - SteadyTime{}); }

  std::vector<Sent> sent;

private:
  FakeClock& m_clock;
  Responder m_responder;
  std::multimap<SteadyTime, Completion> m_pending;
};

class FakeFlow final : public Flow {
public:
  FakeFlow(int id_, std::size_t steps, Millis pause = Millis{0}, std::uint64_t key = 0, std::size_t target = 0)
    : id(id_), m_steps(steps), m_pause(pause), m_key(key == 0 ? static_cast<std::uint64_t>(id_) + 1000 : key),
      m_target(target) {}
  std::size_t target() const override { return m_target; }
  std::uint64_t order_key() const override { return m_key; }
  std::size_t step_count() const override { return m_steps; }
  Millis pause_before(std::size_t) const override { return m_pause; }
  void build_request(std::size_t step, SteadyTime, HttpRequest& out) override {
    out.url = fmt::format("f{}s{}", id, step);
  }
  void append_bulk_item(std::size_t step, SteadyTime, std::string& out) override {
    out += fmt::format("f{}s{}", id, step);
  }
  int id;

private:
  std::size_t m_steps;
  Millis m_pause;
  std::uint64_t m_key;
  std::size_t m_target;
};

/// Hands out `arrivals` arrivals; make(i) builds the flows of arrival i.
class FakeSource final : public FlowSource {
public:
  using Maker = std::function<std::vector<std::unique_ptr<Flow>>(int)>;
  FakeSource(int arrivals, Maker make) : m_arrivals(arrivals), m_make(std::move(make)) {}
  std::optional<std::vector<std::unique_ptr<Flow>>> next_arrival(SteadyTime intended) override {
    if (m_next >= m_arrivals) {
      return std::nullopt;
    }
    intended_times.push_back(intended);
    return m_make(m_next++);
  }
  std::vector<SteadyTime> intended_times;

private:
  int m_arrivals;
  Maker m_make;
  int m_next = 0;
};

inline FakeSource simple_source(int arrivals, std::size_t steps, Millis pause = Millis{0}) {
  return FakeSource(arrivals, [steps, pause](int i) {
    std::vector<std::unique_ptr<Flow>> flows;
    flows.push_back(std::make_unique<FakeFlow>(i, steps, pause));
    return flows;
  });
}

/// A batch's items as their flows append them, comma-separated (a test codec's body).
inline void join_items(const std::vector<BatchItem>& items, SteadyTime now, std::string& body) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      body += ',';
    }
    items[i].flow->append_bulk_item(items[i].step, now, body);
  }
}

struct StepEvent {
  int flow;
  std::size_t step;
  StepOutcome outcome;
  std::string reason;
  int attempts;
  std::string detail;
};

class RecordingObserver final : public Observer {
public:
  void on_flow_started(Flow& flow, Micros lag) override {
    const std::lock_guard<std::mutex> hold(m_lock);
    started.push_back(id(flow));
    lags.push_back(lag);
  }
  void on_attempt(std::size_t, const AttemptResult& r, bool will_retry) override {
    const std::lock_guard<std::mutex> hold(m_lock);
    attempts.push_back(r);
    retried.push_back(will_retry);
  }
  void on_step_done(Flow& flow, std::size_t step, StepOutcome outcome, std::string_view reason, std::string_view detail,
                    int n) override {
    const std::lock_guard<std::mutex> hold(m_lock);
    steps.push_back(StepEvent{id(flow), step, outcome, std::string(reason), n, std::string(detail)});
    if (after_step) {
      after_step(steps.back());
    }
  }
  void on_flow_done(Flow& flow) override {
    const std::lock_guard<std::mutex> hold(m_lock);
    done.push_back(id(flow));
  }
  void on_log(std::string_view line) override {
    const std::lock_guard<std::mutex> hold(m_lock);
    logs.emplace_back(line);
  }

  /// The FakeFlow id, or -1 for other flows.
  static int id(Flow& flow) {
    const auto* fake = dynamic_cast<FakeFlow*>(&flow);
    return fake != nullptr ? fake->id : -1;
  }
  long long count(StepOutcome outcome) const {
    long long n = 0;
    for (const auto& s : steps) {
      n += s.outcome == outcome ? 1 : 0;
    }
    return n;
  }
  bool logged(std::string_view part) const {
    for (const auto& line : logs) {
      if (line.find(part) != std::string::npos) {
        return true;
      }
    }
    return false;
  }

  std::vector<int> started, done;
  std::vector<Micros> lags;
  std::vector<AttemptResult> attempts;
  std::vector<bool> retried;
  std::vector<StepEvent> steps;
  std::vector<std::string> logs;
  std::function<void(const StepEvent&)> after_step;

private:
  /// The engine calls its observer from every event loop (threads > 1), as RunObserver locks.
  std::mutex m_lock;
};

/// Every step of every flow reported exactly once, and every flow done once.
inline void check_accounting(const RecordingObserver& o, int flows, std::size_t steps) {
  std::map<std::pair<int, std::size_t>, int> seen;
  for (const auto& s : o.steps) {
    ++seen[{s.flow, s.step}];
  }
  REQUIRE(seen.size() == static_cast<std::size_t>(flows) * steps);
  for (const auto& [key, n] : seen) {
    REQUIRE(n == 1);
  }
  REQUIRE(o.done.size() == static_cast<std::size_t>(flows));
}

inline EngineConfig base_config() {
  EngineConfig c;
  c.targets = {TargetLimits{}};
  c.arrivals_per_second = 1000.0;
  c.max_flows_in_progress = 100;
  c.retry.jitter = 0.0;
  c.seed = 42;
  return c;
}

/// Runs an engine on a fake clock and transport; returns the result.
struct Harness {
  FakeClock clock{};
  FakeTransport* transport = nullptr;
  RecordingObserver observer;
  std::unique_ptr<Engine> engine;
  FakeTransport::Responder responder = [](const HttpRequest&, std::size_t) { return Answer{}; };

  RunResult run(EngineConfig config, FlowSource& source, BatchCodec* codec = nullptr) {
    engine = std::make_unique<Engine>(std::move(config), source, observer, codec, clock, [this](const EngineConfig&) {
      auto t = std::make_unique<FakeTransport>(clock, responder);
      transport = t.get();
      return t;
    });
    return engine->run();
  }
};

}  // namespace tf::engine::testing
