// threads > 1: a coordinator (the thread that calls run()) paces the global Poisson arrivals and
// hands each flow to the worker loop that owns its order_key; every worker runs its own multi
// handle. CONCURRENCY and the per-target reserved shares are one FlowAdmission shared by the
// workers (under a mutex), so the share rule holds over all of them; each worker keeps its own
// ready FIFO per target and admits its earliest eligible flow. A worker whose flow is refused
// retries when any other worker ends a flow: woken if it is polling, else before it next blocks
// (Impl::polling). Backlog: the coordinator holds arrivals back while
// 1024 × targets flows are handed over and not yet started (in an inbox, a ready FIFO or behind an
// earlier visit of their visitor), so memory stays bounded however far the rate outruns delivery.
#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "engine/engine_pool.hpp"
#include "util/units.hpp"

namespace tf::engine {

namespace {
constexpr Millis k_coordinator_tick{20};  ///< longest coordinator sleep between stop checks
} // namespace

bool Engine::Impl::target_lent(std::size_t lane) const {
  // the router fails over while any loop's circuit is open (config.circuits, shared by the loops)
  return lane < targets.size() && config.circuits->open(lane);
}

bool Engine::Impl::may_start(std::size_t lane) {
  const auto lent = [this](std::size_t u) { return target_lent(u); };
  if (shared == nullptr) {
    return admission.may_start(lane, lent);
  }
  std::lock_guard lock(shared->admission_mutex);
  return shared->admission.may_start(lane, lent);
}

bool Engine::Impl::try_start_slot(std::size_t lane) {
  const auto lent = [this](std::size_t u) { return target_lent(u); };
  if (shared == nullptr) {
    if (!admission.may_start(lane, lent)) {
      return false;
    }
    admission.start(lane);
    ++in_progress;
    return true;
  }
  {
    std::lock_guard lock(shared->admission_mutex);
    if (!shared->admission.may_start(lane, lent)) {
      return false;
    }
    shared->admission.start(lane);
  }
  shared->in_progress.fetch_add(1);
  ++in_progress;
  return true;
}

void Engine::Impl::release_slot(std::size_t lane) {
  --in_progress;
  if (shared == nullptr) {
    admission.finish(lane);
    return;
  }
  {
    std::lock_guard lock(shared->admission_mutex);
    shared->admission.finish(lane);
  }
  shared->in_progress.fetch_sub(1);
  shared->releases.fetch_add(1);
  for (Impl* worker : shared->workers) {
    if (worker != this && worker->ready_published.load() > 0 && worker->polling.load()) {
      worker->wake();  // it may start a flow now
    }
  }
}

void Engine::Impl::hand_over(std::unique_ptr<Flow> flow, SteadyTime intended) {
  bool was_empty = false;
  {
    std::lock_guard lock(inbox_mutex);
    was_empty = inbox.empty();
    inbox.emplace_back(std::move(flow), intended);
  }
  // The loop takes the whole inbox on each turn, so only the flow that makes the inbox non-empty
  // needs a wake-up (a system call); the wake-up stays pending when the loop is not polling.
  if (was_empty) {
    wake();
  }
}

void Engine::Impl::reject(Flow& flow) {
  ++result.flows;
  for (std::size_t step = 0; step < flow.step_count(); ++step) {
    observer.on_step_done(flow, step, StepOutcome::not_sent, "not-started", "", 0);
    result.count(StepOutcome::not_sent);
  }
  observer.on_flow_done(flow);
}

void Engine::Impl::take_inbox(SteadyTime now) {
  const bool final = shared->arrivals_done.load();
  {
    std::lock_guard lock(inbox_mutex);
    inbox_work.swap(inbox);
  }
  for (auto& [flow, intended] : inbox_work) {
    if (draining || arrivals_stopped) {
      shared->queued.fetch_sub(1);
      reject(*flow);
    } else {
      enqueue(std::move(flow), intended);
    }
  }
  inbox_work.clear();
  admit(now);
  if (final) {
    inbox_closed = true;
    arrivals_stopped = true;
  }
}

Engine::Pool::Pool(EngineConfig config_, FlowSource& source_, Observer& observer_, BatchCodec* codec,
                   const Clock& clock_, const TransportFactory& factory)
  : config(std::move(config_)), source(source_), observer(observer_), clock(clock_) {
  const auto n = static_cast<std::size_t>(std::max(1, config.threads));
  for (std::size_t i = 0; i < n; ++i) {
    EngineConfig worker_config = config;
    worker_config.seed = mix_keys(config.seed, 0x7e, i);
    workers.push_back(std::make_unique<Impl>(worker_config, source, observer, codec, clock, factory));
    workers.back()->feed_from(shared);
    shared.workers.push_back(workers.back().get());
  }
  shared.admission = FlowAdmission(config.max_flows_in_progress, config.targets);
}

void Engine::Pool::stop_workers(StopReason reason) {
  for (auto& worker : workers) {
    worker->stop_reason_hint.store(static_cast<int>(reason));
    int expected = 0;
    worker->stop_level.compare_exchange_strong(expected, 1);
    worker->wake();
  }
}

bool Engine::Pool::nap_until(SteadyTime until) {
  const auto left = until - clock.steady_now();
  if (left > SteadyTime::duration::zero()) {
    std::this_thread::sleep_for(std::min<SteadyTime::duration>(left, k_coordinator_tick));
  }
  return stop_level.load() == 0;
}

StopReason Engine::Pool::pace(SteadyTime start) {
  ArrivalSchedule schedule(config, start);
  const auto queue_limit = static_cast<long long>(k_ready_per_target * config.targets.size());
  const std::optional<SteadyTime> end =
    config.duration ? std::optional<SteadyTime>(start + *config.duration) : std::nullopt;
  while (true) {
    if (const int level = stop_level.load(); level > 0) {
      return level >= 2 ? StopReason::immediate_stop : StopReason::stop_requested;
    }
    const SteadyTime now = clock.steady_now();
    if (end && now >= *end) {
      stop_workers(StopReason::duration);
      return StopReason::duration;
    }
    if (schedule.max_reached()) {
      return StopReason::max_arrivals;
    }
    if (shared.queued.load() >= queue_limit) {
      nap_until(now + Millis{1});
      continue;
    }
    if (const auto resume = schedule.cap_blocks()) {
      wait_for_cap(schedule, *resume, end);
      continue;
    }
    if (now < schedule.next()) {
      nap_until(end ? std::min(schedule.next(), *end) : schedule.next());
      continue;
    }
    if (!hand_out(schedule)) {
      return StopReason::arrivals_exhausted;
    }
  }
}

void Engine::Pool::wait_for_cap(ArrivalSchedule& schedule, SteadyTime resume, std::optional<SteadyTime> end) {
  paused.store(true);
  observer.on_log(fmt::format("arrivals paused: {} visits in the last 24 h reached the cap; resuming in {}",
                              schedule.in_last_day(),
                              format_duration(std::chrono::ceil<Millis>(resume - clock.steady_now()))));
  while (clock.steady_now() < resume && (!end || clock.steady_now() < *end)) {
    if (!nap_until(resume)) {
      return;
    }
  }
  paused.store(false);
  if (clock.steady_now() >= resume) {
    observer.on_log("arrivals resumed: the rolling 24 h cap has room again");
    schedule.resume(clock.steady_now());
  }
}

bool Engine::Pool::hand_out(ArrivalSchedule& schedule) {
  const SteadyTime intended = schedule.next();
  auto flows = source.next_arrival(intended);
  if (!flows) {
    return false;
  }
  schedule.taken();
  ++arrivals;
  for (auto& flow : *flows) {
    const std::uint64_t key = mix_keys(flow->order_key(), 0x0de7);
    Impl& worker = *workers[key % workers.size()];
    shared.queued.fetch_add(1);
    worker.hand_over(std::move(flow), intended);
  }
  return true;
}

RunResult Engine::Pool::run() {
  std::vector<RunResult> results(workers.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < workers.size(); ++i) {
    threads.emplace_back([this, &results, i] { results[i] = workers[i]->run(); });
  }
  StopReason reason = StopReason::error;
  std::string error_text;
  try {
    reason = pace(clock.steady_now());
  } catch (const std::exception& e) {
    error_text = e.what();
    stop_workers(StopReason::error);
  }
  shared.arrivals_done.store(true);
  for (auto& worker : workers) {
    worker->wake();
  }
  for (auto& thread : threads) {
    thread.join();
  }
  return merge(results, reason, error_text);
}

RunResult Engine::Pool::merge(const std::vector<RunResult>& results, StopReason reason,
                              const std::string& error_text) const {
  RunResult total;
  total.reason = reason;
  total.error_text = error_text;
  total.arrivals = arrivals;
  for (const auto& r : results) {
    if (r.reason == StopReason::immediate_stop || r.reason == StopReason::error) {
      total.reason = r.reason;
      total.error_text = total.error_text.empty() ? r.error_text : total.error_text;
    }
    total.flows += r.flows;
    total.flows_started += r.flows_started;
    total.steps_acked += r.steps_acked;
    total.steps_rejected += r.steps_rejected;
    total.steps_failed += r.steps_failed;
    total.steps_unconfirmed += r.steps_unconfirmed;
    total.steps_not_sent += r.steps_not_sent;
    total.requests += r.requests;
    total.retries += r.retries;
  }
  return total;
}

} // namespace tf::engine
