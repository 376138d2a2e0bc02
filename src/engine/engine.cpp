// The engine loop: due-time heap, Poisson arrivals, CONCURRENCY admission (per-key FIFO, a
// ready FIFO and a reserved share per target), rolling 24 h cap, stop conditions and drain.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/engine_impl.hpp"
#include "util/error.hpp"
#include "util/units.hpp"

namespace tf::engine {

namespace {
constexpr std::uint64_t k_jitter_stream = 0x717;
constexpr std::size_t k_items_per_turn = 4096;  ///< due items run before polling the transport

Micros to_micros(std::chrono::nanoseconds d) { return std::chrono::duration_cast<Micros>(d); }

}  // namespace

Engine::Impl::Impl(EngineConfig config_, FlowSource& source_, Observer& observer_, BatchCodec* codec_,
                   const Clock& clock_, TransportFactory factory_)
  : config(std::move(config_)), source(source_), observer(observer_), codec(codec_), clock(clock_),
    factory(std::move(factory_)), jitter_rng(Rng::stream(config.seed, k_jitter_stream)), arrival_seed(config.seed) {
  if (config.targets.empty()) {
    throw Error("the engine needs at least one target", ExitCode::usage);
  }
  if (!(config.arrivals_per_second > 0.0)) {
    throw Error("the arrival rate must be above 0 per second", ExitCode::usage);
  }
  if (config.bulk > 0 && codec == nullptr) {
    throw Error("bulk mode needs a batch codec", ExitCode::usage);
  }
  config.max_flows_in_progress = std::max(1, config.max_flows_in_progress);
  for (const auto& limits : config.targets) {
    targets.emplace_back(config, limits);
  }
  if (!config.circuits) {
    config.circuits = std::make_shared<CircuitBoard>(targets.size());
  }
  admission = FlowAdmission(config.max_flows_in_progress, config.targets);
  ready.fifo.resize(admission.lanes());
  published.targets.resize(targets.size());
}

Engine::Impl::~Impl() {
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (targets[i].logged != BreakerState::closed) {
      config.circuits->set(i, false);
    }
  }
}

void Engine::Impl::push(SteadyTime due, DueKind kind, std::uint32_t index, std::uint32_t gen) {
  heap.push(DueItem{due, seq++, kind, index, gen});
}

RunResult Engine::Impl::run() {
  transport = factory(config);
  wake_target.store(transport.get());
  started_at = clock.steady_now();
  last_publish = started_at;
  schedule.emplace(config, started_at, arrival_seed);
  stops.emplace(config, started_at);
  if (!paces) {
    // fed by the pool's pacing loop, which also owns the duration and arrival limits
  } else if (stops->max_reached(0)) {
    stop_arrivals(StopReason::max_arrivals, false, started_at);
  } else {
    push(schedule->next(), DueKind::arrival);
  }
  if (paces && stops->deadline()) {
    push(*stops->deadline(), DueKind::deadline);
  }
  try {
    while (!done()) {
      SteadyTime now = clock.steady_now();
      check_signals(now);
      if (shared != nullptr) {
        take_inbox(now);
      }
      run_due(now);
      if (drain_idle()) {
        observer.on_log("drain: no request in flight and no hit due before the drain timeout; stopping now");
        abandon_all("drain-timeout", now);
      }
      if (done()) {
        break;
      }
      bool more_due = !due_now.empty() || (!heap.empty() && heap.top().due <= now);
      if (shared != nullptr) {
        polling.store(true);
        // A flow ended since admit() refused a ready one: a slot may be free, do not block.
        more_due = more_due || (!ready.empty() && shared->releases.load() != releases_seen);
      }
      const SteadyTime deadline = more_due ? now : heap.empty() ? now + Millis{1000} : heap.top().due;
      completions.clear();
      transport->wait(deadline, completions);
      if (shared != nullptr) {
        polling.store(false);
      }
      now = clock.steady_now();
      for (auto& completion : completions) {
        on_completion(completion, now);
      }
      publish(now, false);
    }
  } catch (const std::exception& e) {
    result.reason = StopReason::error;
    result.error_text = e.what();
    abandon_all("engine-error", clock.steady_now());
  }
  assert(std::all_of(slots.begin(), slots.end(), [](const FlowSlot& s) { return s.state == SlotState::idle; }));
  publish(clock.steady_now(), true);
  wake_target.store(nullptr);
  transport->close();
  return result;
}

void Engine::Impl::run_due(SteadyTime now) {
  if (!due_now.empty()) {
    run_due_now(now);
  }
  for (std::size_t n = 0; n < k_items_per_turn && !heap.empty() && heap.top().due <= now; ++n) {
    const DueItem item = heap.top();
    heap.pop();
    if (item.kind != DueKind::arrival) {
      loop_lag.record(to_micros(now - item.due));
    }
    switch (item.kind) {
      case DueKind::arrival: on_arrival(now); break;
      case DueKind::step:
        if (slots[item.index].timer_current(item.gen)) {
          step_due(item.index, now);
        }
        break;
      case DueKind::breaker:
        targets[item.index].breaker_timer = false;
        note_breaker(item.index, now);
        release_blocked(item.index, now);
        admit(now);  // the target's reservation may be back (or lent)
        break;
      case DueKind::flush:
        targets[item.index].flush_scheduled = false;
        flush(item.index, now);
        break;
      case DueKind::deadline: stop_arrivals(stops->deadline_reason(), true, now); break;
      case DueKind::drain: abandon_all("drain-timeout", now); break;
      case DueKind::key_release:
        release_held_key();
        admit(now);
        break;
      case DueKind::cap_resume:
        arrivals_paused = false;
        if (!arrivals_stopped) {
          observer.on_log("arrivals resumed: the rolling 24 h cap has room again");
          schedule->resume(now);
          push(schedule->next(), DueKind::arrival);
        }
        break;
    }
  }
}

void Engine::Impl::on_arrival(SteadyTime now) {
  if (arrivals_stopped) {
    return;
  }
  if (ready.longest() >= ready_limit()) {
    arrival_parked = true;  // resumed by admit(); its intended time stays, so the lag is kept
    return;
  }
  if (shared != nullptr && shared->queued.load() >= shared->backlog_limit) {
    push(now + Millis{1}, DueKind::arrival);  // the pool's backlog is full: look again (its lag is kept)
    return;
  }
  if (const auto resume = schedule->cap_blocks()) {
    arrivals_paused = true;
    observer.on_log(fmt::format("arrivals paused: {} visits in the last 24 h reached the cap; resuming in {}",
                                schedule->in_last_day(), format_duration(std::chrono::ceil<Millis>(*resume - now))));
    push(*resume, DueKind::cap_resume);
    return;
  }
  take_arrival(now);
}

void Engine::Impl::take_arrival(SteadyTime now) {
  const SteadyTime intended = schedule->next();
  auto flows = source.next_arrival(intended);
  if (!flows) {
    stop_arrivals(StopReason::arrivals_exhausted, false, now);
    return;
  }
  ++result.arrivals;
  schedule->taken();
  for (auto& flow : *flows) {
    dispatch(std::move(flow), intended);
  }
  admit(now);
  if (stops->max_reached(result.arrivals)) {
    stop_arrivals(StopReason::max_arrivals, false, now);
    return;
  }
  push(schedule->next(), DueKind::arrival);
}

std::size_t Engine::Impl::next_lane() {
  const std::size_t none = ready.fifo.size();
  std::size_t best = none;
  for (std::size_t lane = 0; lane < ready.fifo.size(); ++lane) {
    const auto& fifo = ready.fifo[lane];
    if (fifo.empty() ||
        (best != none && slots[ready.fifo[best].front()].intended_arrival <= slots[fifo.front()].intended_arrival)) {
      continue;
    }
    if (may_start(lane)) {
      best = lane;
    }
  }
  return best;
}

void Engine::Impl::admit(SteadyTime now) {
  if (shared != nullptr) {
    releases_seen = shared->releases.load();
    ready_published.store(ready.size());
  }
  while (!ready.empty()) {
    const std::size_t lane = next_lane();
    if (lane == ready.fifo.size() || !try_start_slot(lane)) {
      break;
    }
    start_flow(ready.pop(lane), now);
  }
  if (shared != nullptr) {
    ready_published.store(ready.size());
  }
  if (arrival_parked && ready.longest() < ready_limit()) {
    arrival_parked = false;
    push(schedule->next(), DueKind::arrival);
  }
}

void Engine::Impl::stop_arrivals(StopReason reason, bool drain, SteadyTime now) {
  if (!arrivals_stopped) {
    arrivals_stopped = true;
    result.reason = reason;
    if (paces && shared != nullptr) {
      close_arrivals(reason, drain || reason == StopReason::error);
    }
  }
  if (!drain || draining) {
    return;
  }
  result.reason = reason;
  draining = true;
  std::vector<std::uint32_t> cut;
  for (const auto& fifo : ready.fifo) {
    for (const std::uint32_t slot : fifo) {
      cut.push_back(slot);
      // the visitor's later visits waiting behind this one are cut with it, in order
      if (auto it = key_waiters.find(slots[slot].flow->order_key()); it != key_waiters.end()) {
        cut.insert(cut.end(), it->second.begin(), it->second.end());
        key_waiters.erase(it);
      }
    }
  }
  ready.clear();
  for (auto& [key, waiters] : key_waiters) {
    cut.insert(cut.end(), waiters.begin(), waiters.end());
    waiters.clear();
  }
  for (const std::uint32_t slot : cut) {
    abandon_flow(slot, "not-started");
  }
  if (live_flows > 0) {
    observer.on_log(
      fmt::format("draining {} visits in progress for up to {}", live_flows, format_duration(config.drain_timeout)));
  }
  push(now + config.drain_timeout, DueKind::drain);
}

bool Engine::Impl::drain_idle() {
  if (!draining || live_flows == 0) {  // nothing in progress: the loop ends by itself
    return false;
  }
  // items that do nothing once arrivals have stopped (the next arrival, the deadline, a cap
  // resume, a step of a flow that has ended, a held key's release) are dropped, so that they do not hold the drain
  while (!heap.empty()) {
    const DueItem top = heap.top();
    const bool stale_step = top.kind == DueKind::step && !slots[top.index].timer_current(top.gen);
    const bool no_op = top.kind == DueKind::arrival || top.kind == DueKind::deadline || top.kind == DueKind::cap_resume;
    // a held order key keeps nothing from being sent while draining: its waiting flows were cut
    const bool held_key = top.kind == DueKind::key_release;
    if (!stale_step && !(no_op && arrivals_stopped) && !held_key) {
      break;
    }
    arrivals_paused = arrivals_paused && top.kind != DueKind::cap_resume;
    heap.pop();
    if (held_key) {
      release_held_key();
    }
  }
  // the drain's own deadline is the next thing due: every other item (a visit's next hit after
  // its pause, a retry, a breaker probe, a flush) comes at or after it, so nothing more can be sent
  if (!due_now.empty() || heap.empty() || heap.top().kind != DueKind::drain ||
      free_requests.size() != requests.size()) {
    return false;
  }
  return std::all_of(targets.begin(), targets.end(),
                     [](const TargetState& t) { return t.batch.empty() && t.blocked.empty(); });
}

void Engine::Impl::abandon_all(std::string_view reason, SteadyTime now) {
  stop_arrivals(result.reason, false, now);
  if (transport) {
    transport->cancel_all();
  }
  free_requests.clear();
  for (std::uint32_t i = 0; i < requests.size(); ++i) {
    requests[i].active = false;
    ++requests[i].gen;
    free_requests.push_back(i);
  }
  for (auto& t : targets) {
    t.in_flight = 0;
    t.blocked.clear();
    t.batch.clear();
  }
  ready.clear();
  key_waiters.clear();
  for (std::uint32_t slot = 0; slot < slots.size(); ++slot) {
    if (slots[slot].state != SlotState::idle) {
      abandon_flow(slot, slots[slot].started() ? reason : std::string_view{"not-started"});
    }
  }
}

void Engine::Impl::check_signals(SteadyTime now) {
  const int level = stop_level.load();
  if (level == handled_stop_level) {
    return;
  }
  handled_stop_level = level;
  if (level >= 2) {
    observer.on_log("immediate stop: abandoning every visit in progress");
    result.reason = StopReason::immediate_stop;
    abandon_all("immediate-stop", now);
    return;
  }
  const auto reason = StopConditions::requested(level, static_cast<StopReason>(stop_reason_hint.load()));
  if (reason == StopReason::stop_requested) {
    observer.on_log("stop requested: no new visits");
  }
  stop_arrivals(reason, true, now);
  result.reason = reason;
}

}  // namespace tf::engine
