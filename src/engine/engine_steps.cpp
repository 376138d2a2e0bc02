// Sending steps (single requests or bulk batches), completions, the retry policy, breaker and
// bulkhead gating.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/engine_impl.hpp"
#include "engine/retry.hpp"

namespace tf::engine {

namespace {

std::string reason_of(const AttemptResult& r) {
  if (r.status >= 300) {
    return fmt::format("http-{}", r.status);
  }
  return std::string(to_string(r.error));
}

}  // namespace

bool Engine::Impl::can_send(TargetState& t, SteadyTime now) {
  return t.in_flight < std::max(1, t.limits.max_in_flight) && t.breaker.allow(now);
}

void Engine::Impl::note_breaker(std::size_t target, SteadyTime now) {
  TargetState& t = targets[target];
  const BreakerState state = t.breaker.state(now);
  if (state != t.logged) {
    observer.on_log(fmt::format("target {}: circuit {} -> {}", target, to_string(t.logged), to_string(state)));
    if ((state != BreakerState::closed) != (t.logged != BreakerState::closed)) {
      config.circuits->set(target, state != BreakerState::closed);
    }
    t.logged = state;
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
  out->retried = 0;
  out->duplicates = 0;
  return (static_cast<std::uint64_t>(out->gen) << 32U) | index;
}

void Engine::Impl::step_due(std::uint32_t slot, SteadyTime now) {
  FlowSlot& s = slots[slot];
  const std::size_t target = s.flow->target();
  if (target >= targets.size()) {
    end_step(slot, StepOutcome::failed, "no-such-target", "", now);
    return;
  }
  TargetState& t = targets[target];
  const bool held = config.bulk > 0 ? t.breaker.state(now) == BreakerState::open : !can_send(t, now);
  if (held) {
    s.to(SlotState::held);
    t.blocked.push_back(slot);
    note_breaker(target, now);
    return;
  }
  if (config.bulk > 0) {
    add_to_batch(slot, target, now);
  } else {
    send_single(slot, target, now);
  }
}

void Engine::Impl::send_single(std::uint32_t slot, std::size_t target, SteadyTime now) {
  FlowSlot& s = slots[slot];
  TargetState& t = targets[target];
  ++s.attempts;
  scratch.clear();
  s.flow->build_request(s.step, now, scratch);
  scratch.target = target;
  InFlight* request = nullptr;
  const std::uint64_t token = new_request(target, request);
  request->flows.push_back(slot);
  request->intended = s.intended_send;
  note_send(s, *request);
  ++t.in_flight;
  t.breaker.on_sent(now);
  t.budget.on_request(now, 1);
  ++result.requests;
  transport->start(token, scratch);
}

void Engine::Impl::add_to_batch(std::uint32_t slot, std::size_t target, SteadyTime now) {
  FlowSlot& s = slots[slot];
  TargetState& t = targets[target];
  ++s.attempts;
  s.to(SlotState::batched);
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
      note_send(slots[slot], *request);
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
  return engine::retry_delay(config.retry, attempts, result_, jitter_rng);
}

bool Engine::Impl::retry_allowed(std::size_t target, SteadyTime now) {
  TargetState& t = targets[target];
  if (!t.budget.try_retry(now)) {
    ++t.budget_rejections;
    return false;
  }
  return true;
}

void Engine::Impl::note_send(FlowSlot& s, InFlight& request) {
  s.to(SlotState::in_flight);
  if (s.attempts > 1) {
    ++request.retried;
    ++result.retries;
    request.duplicates += s.maybe_recorded ? 1U : 0U;
  }
}

bool Engine::Impl::decide(std::size_t target, const AttemptResult& r, bool answered, SteadyTime now) {
  const auto& flows = completed_flows;
  decisions.assign(flows.size(), static_cast<std::uint8_t>(Decision::ack));
  bool any_retry = false;
  for (std::size_t i = 0; i < flows.size(); ++i) {
    Decision d = Decision::fail;
    if (answered && item_outcomes[i] != StepOutcome::not_sent) {
      d = item_outcomes[i] == StepOutcome::acked    ? Decision::ack
        : item_outcomes[i] == StepOutcome::rejected ? Decision::reject
                                                    : Decision::unconfirm;
    } else {
      d = decide_attempt(r, config.retry, slots[flows[i]].attempts);
      if (d == Decision::retry && !retry_allowed(target, now)) {
        d = Decision::over_budget;
      }
    }
    decisions[i] = static_cast<std::uint8_t>(d);
    any_retry = any_retry || d == Decision::retry;
  }
  return any_retry;
}

bool Engine::Impl::read_batch_answer(std::size_t target, AttemptResult& r, std::size_t items) {
  if (codec == nullptr || config.bulk <= 0 || r.status == 0) {
    return false;
  }
  item_outcomes.clear();
  if (!codec->read_answer(target, r, items, item_outcomes) || item_outcomes.size() != items) {
    return false;
  }
  std::size_t acked = 0, rejected = 0;
  for (StepOutcome& o : item_outcomes) {
    if (r.resends > 0 && o == StepOutcome::rejected) {
      o = StepOutcome::unconfirmed;  // the answer is to libcurl's resend: the first may be recorded
    }
    acked += o == StepOutcome::acked ? 1 : 0;
    rejected += o == StepOutcome::rejected ? 1 : 0;
  }
  if (acked < items && r.error == ErrorKind::none) {
    r.error = rejected > 0 ? ErrorKind::bulk_invalid : ErrorKind::other;
    r.error_text = fmt::format("bulk answer: {} of {} tracked, {} invalid", acked, items, rejected);
  }
  return true;
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
  const std::size_t done_duplicates = done.duplicates;
  AttemptResult& r = completion.result;
  r.retried = done.retried;
  std::vector<std::uint32_t>& flows = completed_flows;
  flows.swap(done.flows);
  done.flows.clear();
  done.active = false;
  ++done.gen;
  free_requests.push_back(index);
  TargetState& t = targets[target];
  --t.in_flight;
  r.since_intended = std::chrono::duration_cast<Micros>(now - intended);
  r.items = flows.size();
  r.possible_duplicates = done_duplicates + static_cast<std::size_t>(std::max(0, r.resends)) * flows.size();
  const bool answered = read_batch_answer(target, r, flows.size());
  // a batch that is all invalid is a 4xx storm: it counts against the breaker
  const bool all_rejected = answered && !flows.empty() &&
    std::all_of(item_outcomes.begin(), item_outcomes.end(), [](StepOutcome o) { return o == StepOutcome::rejected; });
  t.breaker.record(is_failure(r) || all_rejected, now);
  note_breaker(target, now);

  const bool any_retry = decide(target, r, answered, now);
  observer.on_attempt(target, r, any_retry);
  std::string reason;
  if (r.error != ErrorKind::none) {
    reason = answered && r.status < 300 ? "bulk-invalid" : reason_of(r);
    if (answered && r.unidentified_rejections > 0 && r.unidentified_rejections < flows.size()) {
      reason = "bulk-invalid-unidentified";  // which of the batch were recorded is unknown
    }
  }
  for (std::size_t i = 0; i < flows.size(); ++i) {
    const std::uint32_t slot = flows[i];
    switch (static_cast<Decision>(decisions[i])) {
      case Decision::ack: step_acked(slot, now); break;
      case Decision::retry: {
        FlowSlot& s = slots[slot];
        s.to(SlotState::backoff);
        s.maybe_recorded = s.maybe_recorded || may_be_recorded(r);
        s.intended_send = now + retry_delay(s.attempts, r);
        push(s.intended_send, DueKind::step, slot, s.gen);
        break;
      }
      case Decision::reject: end_step(slot, StepOutcome::rejected, reason, r.detail, now); break;
      case Decision::fail: end_step(slot, StepOutcome::failed, reason, r.detail, now); break;
      case Decision::unconfirm:
        end_step(slot, StepOutcome::unconfirmed, answered ? "bulk-unconfirmed" : reason, r.detail, now);
        break;
      case Decision::over_budget: end_step(slot, StepOutcome::failed, "retry-budget", r.detail, now); break;
    }
  }
  release_blocked(target, now);
}

void Engine::Impl::step_acked(std::uint32_t slot, SteadyTime now) {
  FlowSlot& s = slots[slot];
  observer.on_step_done(*s.flow, s.step, StepOutcome::acked, "", "", s.attempts);
  ++result.steps_acked;
  advance(slot, now);
}

void Engine::Impl::advance(std::uint32_t slot, SteadyTime now) {
  FlowSlot& s = slots[slot];
  ++s.step;
  s.attempts = 0;
  s.maybe_recorded = false;
  if (s.step >= s.flow->step_count()) {
    finish_flow(slot, now);
    return;
  }
  s.to(SlotState::due);
  const Millis pause = s.flow->pause_before(s.step);
  s.intended_send = now + pause;
  if (pause <= Millis{0}) {
    due_now.push_back(DueStep{slot, s.gen, now});
    return;
  }
  push(s.intended_send, DueKind::step, slot, s.gen);
}

void Engine::Impl::run_due_now(SteadyTime now) {
  due_work.swap(due_now);
  for (const DueStep& d : due_work) {
    loop_lag.record(std::chrono::duration_cast<Micros>(now - d.due));
    if (slots[d.slot].timer_current(d.gen)) {
      step_due(d.slot, now);
    }
  }
  due_work.clear();
}

void Engine::Impl::end_step(std::uint32_t slot, StepOutcome outcome, std::string_view reason, std::string_view detail,
                            SteadyTime now) {
  FlowSlot& s = slots[slot];
  if (outcome == StepOutcome::failed && s.maybe_recorded) {
    outcome = StepOutcome::unconfirmed;  // an earlier attempt may have reached Matomo
  }
  observer.on_step_done(*s.flow, s.step, outcome, reason, detail, s.attempts);
  result.count(outcome);
  if (outcome == StepOutcome::unconfirmed && reason == "bulk-unconfirmed") {
    advance(slot, now);  // Matomo answered the batch: done with it, whatever it recorded
    return;
  }
  // After any other unconfirmed hit Matomo may still be processing it: a next hit sent now could
  // reach it first (a ping before its page view) or at the same time (two visits). Hits of a
  // visitor go in order, one at a time, so the rest of the visit is not sent.
  const std::string_view rest =
    outcome == StepOutcome::unconfirmed ? "previous-hit-unconfirmed" : "previous-hit-failed";
  for (std::size_t step = s.step + 1; step < s.flow->step_count(); ++step) {
    observer.on_step_done(*s.flow, step, StepOutcome::not_sent, rest, "", 0);
    result.count(StepOutcome::not_sent);
  }
  finish_flow(slot, now, outcome == StepOutcome::unconfirmed);
}

}  // namespace tf::engine
