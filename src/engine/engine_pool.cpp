// threads > 1: the first worker loop runs on the thread that calls run() and paces the arrivals
// of all, exactly as one thread does (ArrivalSchedule, StopConditions, due-time heap: no second
// pacing loop, no naps, so the pool runs on a FakeClock too); it keeps the flows whose order_key
// it owns and hands every other flow to the worker loop that owns its key; every worker runs its
// own multi handle. CONCURRENCY and the per-target reserved shares are one FlowAdmission shared by the
// workers (under a mutex), so the share rule holds over all of them; each worker keeps its own
// ready FIFO per target and admits its earliest eligible flow. A worker whose flow is refused
// retries when any other worker ends a flow: woken if it is polling, else before it next blocks
// (Impl::polling). Backlog: the pacing loop holds arrivals back while
// 1024 × targets flows are handed over and not yet started (in an inbox, a ready FIFO or behind an
// earlier visit of their visitor), so memory stays bounded however far the rate outruns delivery.
#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "engine/engine_pool.hpp"

namespace tf::engine {

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

void Engine::Impl::dispatch(std::unique_ptr<Flow> flow, SteadyTime intended) {
  if (shared == nullptr) {
    enqueue(std::move(flow), intended);
    return;
  }
  const std::uint64_t key = mix_keys(flow->order_key(), 0x0de7);
  Impl& worker = *shared->workers[key % shared->workers.size()];
  shared->queued.fetch_add(1);
  if (&worker == this) {
    enqueue(std::move(flow), intended);
  } else {
    worker.hand_over(std::move(flow), intended);
  }
}

void Engine::Impl::close_arrivals(StopReason reason, bool drain) {
  shared->arrivals_done.store(true);
  for (Impl* worker : shared->workers) {
    if (worker == this) {
      continue;
    }
    if (drain) {
      worker->stop_reason_hint.store(static_cast<int>(reason));
      int expected = 0;
      worker->stop_level.compare_exchange_strong(expected, 1);
    }
    worker->wake();  // it sees arrivals_done (and the stop) on its next turn
  }
}

Engine::Pool::Pool(EngineConfig config_, FlowSource& source, Observer& observer, BatchCodec* codec, const Clock& clock,
                   const TransportFactory& factory)
  : config(std::move(config_)) {
  const auto n = static_cast<std::size_t>(std::max(1, config.threads));
  for (std::size_t i = 0; i < n; ++i) {
    EngineConfig worker_config = config;
    worker_config.seed = mix_keys(config.seed, 0x7e, i);
    workers.push_back(std::make_unique<Impl>(worker_config, source, observer, codec, clock, factory));
    workers.back()->feed_from(shared, i == 0);
    shared.workers.push_back(workers.back().get());
  }
  workers.front()->arrival_seed = config.seed;  // the arrivals of one thread, whatever the pool
  shared.admission = FlowAdmission(config.max_flows_in_progress, config.targets);
  shared.backlog_limit = static_cast<long long>(k_ready_per_target * config.targets.size());
}

RunResult Engine::Pool::run() {
  std::vector<RunResult> results(workers.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < workers.size(); ++i) {
    threads.emplace_back([this, &results, i] { results[i] = workers[i]->run(); });
  }
  results[0] = workers[0]->run();  // paces; FlowSource is called on this thread
  for (auto& thread : threads) {
    thread.join();
  }
  return merge(results);
}

RunResult Engine::Pool::merge(const std::vector<RunResult>& results) const {
  RunResult total;
  total.reason = results.front().reason;
  total.error_text = results.front().error_text;
  for (const auto& r : results) {
    if (r.reason == StopReason::immediate_stop || r.reason == StopReason::error) {
      total.reason = r.reason;
      total.error_text = total.error_text.empty() ? r.error_text : total.error_text;
    }
    total.arrivals += r.arrivals;
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

}  // namespace tf::engine
