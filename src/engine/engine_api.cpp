// The Engine's public face: names of enums, stats snapshots, stop requests.
#include <sys/resource.h>

#include <algorithm>

#include <fmt/format.h>

#include "engine/engine_pool.hpp"
#include "util/error.hpp"

namespace tf::engine {

namespace {
Micros cpu_time(const timeval& tv) { return Micros{tv.tv_sec * 1'000'000LL + tv.tv_usec}; }
/// Adds one loop's stats to a total (CPU is process-wide: the latest wins).
void merge_stats(EngineStats& total, const EngineStats& one) {
  total.loop_lag.merge(one.loop_lag);
  total.start_lag.merge(one.start_lag);
  total.cpu_user = std::max(total.cpu_user, one.cpu_user);
  total.cpu_system = std::max(total.cpu_system, one.cpu_system);
  total.flows_in_progress += one.flows_in_progress;
  total.flows_waiting += one.flows_waiting;
  total.flows_waited += one.flows_waited;
  total.arrivals_paused = total.arrivals_paused || one.arrivals_paused;  // the pacing loop's
  total.requests += one.requests;
  total.retries += one.retries;
  total.targets.resize(std::max(total.targets.size(), one.targets.size()));
  for (std::size_t i = 0; i < one.targets.size(); ++i) {
    auto& t = total.targets[i];
    const auto& o = one.targets[i];
    t.breaker = std::max(t.breaker, o.breaker);  // least to most severe
    t.breaker_opens += o.breaker_opens;
    t.time_open = std::max(t.time_open, o.time_open);
    t.in_flight += o.in_flight;
    t.budget_rejections += o.budget_rejections;
  }
}

}  // namespace

void RunResult::count(StepOutcome outcome) noexcept {
  switch (outcome) {
    case StepOutcome::acked: ++steps_acked; break;
    case StepOutcome::rejected: ++steps_rejected; break;
    case StepOutcome::failed: ++steps_failed; break;
    case StepOutcome::unconfirmed: ++steps_unconfirmed; break;
    case StepOutcome::not_sent: ++steps_not_sent; break;
  }
}

const char* to_string(StopReason reason) {
  switch (reason) {
    case StopReason::duration: return "duration";
    case StopReason::arrivals_exhausted: return "arrivals-exhausted";
    case StopReason::max_arrivals: return "max-arrivals";
    case StopReason::stop_requested: return "stop-requested";
    case StopReason::immediate_stop: return "immediate-stop";
    case StopReason::error: return "error";
  }
  return "error";
}

void Engine::Impl::publish(SteadyTime now, bool force) {
  if (!force && now - last_publish < Millis{100}) {
    return;
  }
  last_publish = now;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::lock_guard lock(stats_mutex);
  published.loop_lag = loop_lag;
  published.start_lag = start_lag;
  published.cpu_user = cpu_time(usage.ru_utime);
  published.cpu_system = cpu_time(usage.ru_stime);
  published.flows_in_progress = in_progress;
  published.flows_waiting = static_cast<long long>(ready.size());
  published.flows_waited = waited_total;
  published.arrivals_paused = arrivals_paused;
  published.requests = result.requests;
  published.retries = result.retries;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    auto& t = targets[i];
    auto& out = published.targets[i];
    out.breaker = t.breaker.state(now);
    out.breaker_opens = t.breaker.opens();
    out.time_open = t.breaker.time_open(now);
    out.in_flight = t.in_flight;
    out.budget_rejections = t.budget_rejections;
  }
}

Engine::Engine(EngineConfig config, FlowSource& source, Observer& observer, BatchCodec* codec, const Clock& clock)
  : Engine(std::move(config), source, observer, codec, clock,
           [&clock](const EngineConfig& c) { return make_curl_transport(c, clock); }) {}

Engine::Engine(EngineConfig config, FlowSource& source, Observer& observer, BatchCodec* codec, const Clock& clock,
               TransportFactory transport) {
  if (!config.circuits) {
    config.circuits = std::make_shared<CircuitBoard>(config.targets.size());
  } else if (config.circuits->size() != config.targets.size()) {
    throw Error(
      fmt::format("the circuit board has {} targets, the engine {}", config.circuits->size(), config.targets.size()),
      ExitCode::usage);
  }
  if (config.threads > 1) {
    m_pool = std::make_unique<Pool>(std::move(config), source, observer, codec, clock, transport);
  } else {
    m_impl = std::make_unique<Impl>(std::move(config), source, observer, codec, clock, std::move(transport));
  }
}

Engine::~Engine() = default;

RunResult Engine::run() { return m_pool ? m_pool->run() : m_impl->run(); }

namespace {
void raise_level(std::atomic<int>& level, int to) noexcept {
  int current = level.load();
  while (current < to && !level.compare_exchange_weak(current, to)) {
  }
}
}  // namespace

void Engine::request_stop() noexcept {
  if (m_pool) {
    for (auto& worker : m_pool->workers) {
      raise_level(worker->stop_level, 1);
      worker->wake();
    }
    return;
  }
  raise_level(m_impl->stop_level, 1);
  m_impl->wake();
}

void Engine::request_immediate_stop() noexcept {
  if (m_pool) {
    for (auto& worker : m_pool->workers) {
      raise_level(worker->stop_level, 2);
      worker->wake();
    }
    return;
  }
  raise_level(m_impl->stop_level, 2);
  m_impl->wake();
}

EngineStats Engine::stats() const {
  if (!m_pool) {
    std::lock_guard lock(m_impl->stats_mutex);
    return m_impl->published;
  }
  EngineStats total;
  for (const auto& worker : m_pool->workers) {
    std::lock_guard lock(worker->stats_mutex);
    merge_stats(total, worker->published);
  }
  return total;
}

bool Engine::target_open(std::size_t target) const {
  return (m_pool ? m_pool->config : m_impl->config).circuits->open(target);
}

}  // namespace tf::engine
