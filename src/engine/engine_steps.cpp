// Sending steps (single requests or bulk batches), completions, the retry policy, breaker and
// bulkhead gating.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/engine_impl.hpp"

namespace tf::engine {

namespace {

std::string reason_of(const AttemptResult& r) {
  if (r.status >= 400) {
    return fmt::format("http-{}", r.status);
  }
  return to_string(r.error);
}

enum class Decision : std::uint8_t { ack, retry, fail, over_budget };

} // namespace

bool Engine::Impl::can_send(TargetState& t, SteadyTime now) {
  return t.in_flight < std::max(1, t.limits.max_in_flight) && t.breaker.allow(now);
}

void Engine::Impl::note_breaker(std::size_t target, SteadyTime now) {
  TargetState& t = targets[target];
  const BreakerState state = t.breaker.state(now);
  if (state != t.logged) {
    observer.on_log(fmt::format("target {}: circuit {} -> {}", target, to_string(t.logged), to_string(state)));
    t.logged = state;
    open_flags[target].store(state != BreakerState::closed);
  }
  if (state == BreakerState::open && !t.breaker_timer) {
    t.breaker_timer = true;
    push(t.breaker.reopen_at(), DueKind::breaker, static_cast<std::uint32_t>(target));
  }
}

std::uint64_t Engine::Impl::new_request(std::size_t target, InFlight*& out) {
  std::uint32_t index = 0;
  if (free_requests.empty()) {
    index = static_cast<std::uint32_t>(requests.size());
    requests.emplace_back();
  } else {
    index = free_requests.back();
    free_requests.pop_back();
  }
  out = &requests[index];
  out->active = true;
  out->target = target;
  out->flows.clear();
  return (static_cast<std::uint64_t>(out->gen) << 32U) | index;
}

void Engine::Impl::step_due(std::uint32_t slot, SteadyTime now) {
  FlowSlot& s = slots[slot];
  const std::size_t target = s.flow->target();
  if (target >= targets.size()) {
    step_failed(slot, "no-such-target", now);
    return;
  }
  TargetState& t = targets[target];
  const bool held = config.bulk > 0 ? t.breaker.state(now) == BreakerState::open : !can_send(t, now);
  if (held) {
    t.blocked.push_back(slot);
    note_breaker(target, now);
    return;
  }
  if (config.bulk > 0) {
    add_to_batch(slot, now);
  } else {
    send_single(slot, now);
  }
}

void Engine::Impl::send_single(std::uint32_t slot, SteadyTime now) {
  FlowSlot& s = slots[slot];
  const std::size_t target = s.flow->target();
  TargetState& t = targets[target];
  ++s.attempts;
  scratch.clear();
  s.flow->build_request(s.step, now, scratch);
  scratch.target = target;
  InFlight* request = nullptr;
  const std::uint64_t token = new_request(target, request);
  request->flows.push_back(slot);
  request->intended = s.intended_send;
  ++t.in_flight;
  t.breaker.on_sent(now);
  t.budget.on_request(now, 1);
  ++result.requests;
  transport->start(token, scratch);
}

void Engine::Impl::add_to_batch(std::uint32_t slot, SteadyTime now) {
  FlowSlot& s = slots[slot];
  const std::size_t target = s.flow->target();
  TargetState& t = targets[target];
  ++s.attempts;
  t.batch.push_back(slot);
  if (t.batch.size() >= static_cast<std::size_t>(config.bulk)) {
    flush(target, now);
  } else if (!t.flush_scheduled) {
    t.flush_scheduled = true;
    push(now + config.bulk_linger, DueKind::flush, static_cast<std::uint32_t>(target));
  }
}

void Engine::Impl::flush(std::size_t target, SteadyTime now) {
  TargetState& t = targets[target];
  while (!t.batch.empty()) {
    if (!can_send(t, now)) {
      note_breaker(target, now);  // resumed by a completion or the breaker timer
      return;
    }
    const std::size_t n = std::min(t.batch.size(), static_cast<std::size_t>(config.bulk));
    InFlight* request = nullptr;
    const std::uint64_t token = new_request(target, request);
    request->flows.assign(t.batch.begin(), t.batch.begin() + static_cast<std::ptrdiff_t>(n));
    request->intended = now;
    batch_items.clear();
    for (const std::uint32_t slot : request->flows) {
      batch_items.push_back({slots[slot].flow.get(), slots[slot].step});
      request->intended = std::min(request->intended, slots[slot].intended_send);
    }
    t.batch.erase(t.batch.begin(), t.batch.begin() + static_cast<std::ptrdiff_t>(n));
    scratch.clear();
    codec->build_batch(target, batch_items, now, scratch);
    scratch.target = target;
    ++t.in_flight;
    t.breaker.on_sent(now);
    t.budget.on_request(now, static_cast<long long>(n));
    ++result.requests;
    transport->start(token, scratch);
  }
}

void Engine::Impl::release_blocked(std::size_t target, SteadyTime now) {
  TargetState& t = targets[target];
  while (!t.blocked.empty()) {
    const bool held = config.bulk > 0 ? t.breaker.state(now) == BreakerState::open : !can_send(t, now);
    if (held) {
      break;
    }
    const std::uint32_t slot = t.blocked.front();
    t.blocked.pop_front();
    step_due(slot, now);
  }
  if (config.bulk > 0 && !t.batch.empty() && !t.flush_scheduled) {
    flush(target, now);
  }
}

Millis Engine::Impl::retry_delay(int attempts, const AttemptResult& result_) {
  if (result_.retry_after && result_.retry_after->count() > 0) {
    return std::min(*result_.retry_after, config.retry.retry_after_cap);
  }
  const double base = static_cast<double>(config.retry.backoff.count()) * std::ldexp(1.0, std::max(0, attempts - 1));
  const double jitter = std::clamp(config.retry.jitter, 0.0, 1.0);
  const double factor = 1.0 + (jitter > 0.0 ? jitter_rng.uniform(-jitter, jitter) : 0.0);
  return Millis{static_cast<long long>(std::llround(base * factor))};
}

bool Engine::Impl::retry_allowed(std::size_t target, SteadyTime now) {
  TargetState& t = targets[target];
  if (!t.budget.try_retry(now)) {
    ++t.budget_rejections;
    return false;
  }
  return true;
}

bool Engine::Impl::decide(std::size_t target, const AttemptResult& r, std::size_t recorded, SteadyTime now) {
  const auto& flows = completed_flows;
  decisions.assign(flows.size(), static_cast<std::uint8_t>(Decision::ack));
  bool any_retry = false;
  for (std::size_t i = recorded; i < flows.size(); ++i) {
    Decision d = Decision::fail;
    if (is_retryable(r) && slots[flows[i]].attempts <= config.retry.max_retries) {
      d = retry_allowed(target, now) ? Decision::retry : Decision::over_budget;
    }
    decisions[i] = static_cast<std::uint8_t>(d);
    any_retry = any_retry || d == Decision::retry;
  }
  return any_retry;
}

void Engine::Impl::on_completion(Completion& completion, SteadyTime now) {
  const auto index = static_cast<std::uint32_t>(completion.token & 0xffffffffU);
  if (index >= requests.size() || !requests[index].active ||
      requests[index].gen != static_cast<std::uint32_t>(completion.token >> 32U)) {
    return;
  }
  InFlight& done = requests[index];
  const std::size_t target = done.target;
  const SteadyTime intended = done.intended;
  std::vector<std::uint32_t>& flows = completed_flows;
  flows.swap(done.flows);
  done.flows.clear();
  done.active = false;
  ++done.gen;
  free_requests.push_back(index);
  TargetState& t = targets[target];
  --t.in_flight;
  AttemptResult& r = completion.result;
  r.since_intended = std::chrono::duration_cast<Micros>(now - intended);
  r.items = flows.size();
  t.breaker.record(is_failure(r), now);
  note_breaker(target, now);

  std::size_t recorded = r.error == ErrorKind::none ? flows.size() : 0;
  if (config.bulk > 0) {
    recorded = std::min(codec->recorded(target, r, flows.size()), flows.size());
    if (recorded < flows.size() && r.error == ErrorKind::none) {
      r.error = ErrorKind::bulk_partial;
      r.error_text = fmt::format("bulk recorded {} of {}", recorded, flows.size());
    }
  }
  const bool any_retry = decide(target, r, recorded, now);
  observer.on_attempt(target, r, any_retry);
  const std::string reason = recorded < flows.size() ? reason_of(r) : std::string{};
  for (std::size_t i = 0; i < flows.size(); ++i) {
    const std::uint32_t slot = flows[i];
    switch (static_cast<Decision>(decisions[i])) {
    case Decision::ack: step_acked(slot, now); break;
    case Decision::retry: {
      FlowSlot& s = slots[slot];
      s.intended_send = now + retry_delay(s.attempts, r);
      ++result.retries;
      push(s.intended_send, DueKind::step, slot, s.gen);
      break;
    }
    case Decision::fail: step_failed(slot, reason, now); break;
    case Decision::over_budget: step_failed(slot, "retry-budget", now); break;
    }
  }
  release_blocked(target, now);
}

void Engine::Impl::step_acked(std::uint32_t slot, SteadyTime now) {
  FlowSlot& s = slots[slot];
  observer.on_step_done(*s.flow, s.step, StepOutcome::acked, "", s.attempts);
  ++result.steps_acked;
  ++s.step;
  s.attempts = 0;
  if (s.step >= s.flow->step_count()) {
    finish_flow(slot, now);
    return;
  }
  s.intended_send = now + s.flow->pause_before(s.step);
  push(s.intended_send, DueKind::step, slot, s.gen);
}

void Engine::Impl::step_failed(std::uint32_t slot, std::string_view reason, SteadyTime now) {
  FlowSlot& s = slots[slot];
  observer.on_step_done(*s.flow, s.step, StepOutcome::dead_lettered, reason, s.attempts);
  ++result.steps_dead_lettered;
  for (std::size_t step = s.step + 1; step < s.flow->step_count(); ++step) {
    observer.on_step_done(*s.flow, step, StepOutcome::dead_lettered, "previous-hit-failed", 0);
    ++result.steps_dead_lettered;
  }
  finish_flow(slot, now);
}

} // namespace tf::engine
