// A flow's life in a slot (taken, started, ended, abandoned) and its visitor's order key: one
// flow of a key at a time, the next one when it ends, or a grace period later when it ended with
// a hit Matomo may still be processing.
#include "engine/engine_impl.hpp"

namespace tf::engine {

void Engine::Impl::enqueue(std::unique_ptr<Flow> flow, SteadyTime intended) {
  std::uint32_t slot = 0;
  if (free_slots.empty()) {
    slot = static_cast<std::uint32_t>(slots.size());
    slots.emplace_back();
  } else {
    slot = free_slots.back();
    free_slots.pop_back();
  }
  FlowSlot& s = slots[slot];
  const std::uint64_t key = flow->order_key();
  const std::size_t lane = lane_of(*flow);
  s.flow = std::move(flow);
  s.to(SlotState::waiting);
  s.step = 0;
  s.attempts = 0;
  s.maybe_recorded = false;
  s.intended_arrival = intended;
  ++live_flows;
  ++result.flows;
  auto [it, free_key] = key_waiters.try_emplace(key);
  if (!free_key) {
    it->second.push_back(slot);  // behind the visitor's flow in progress (or its held key)
    return;
  }
  if (!may_start(lane)) {
    ++waited_total;
  }
  ready.push(lane, slot);
}

void Engine::Impl::start_flow(std::uint32_t slot, SteadyTime now) {
  FlowSlot& s = slots[slot];
  s.to(SlotState::due);  // its first step is due now
  if (shared != nullptr) {
    shared->queued.fetch_sub(1);
  }
  ++result.flows_started;
  const auto lag = std::chrono::duration_cast<Micros>(now - s.intended_arrival);
  start_lag.record(lag);
  observer.on_flow_started(*s.flow, lag);
  s.intended_send = s.intended_arrival;
  if (s.flow->step_count() == 0) {
    finish_flow(slot, now);
    return;
  }
  step_due(slot, now);
}

void Engine::Impl::finish_flow(std::uint32_t slot, SteadyTime now, bool late_hit) {
  FlowSlot& s = slots[slot];
  observer.on_flow_done(*s.flow);
  const std::uint64_t key = s.flow->order_key();
  const std::size_t lane = lane_of(*s.flow);
  s.to(SlotState::idle);
  s.flow.reset();
  ++s.gen;
  free_slots.push_back(slot);
  release_slot(lane);
  --live_flows;
  if (late_hit) {
    held_keys.push_back(key);
    push(now + key_hold(), DueKind::key_release);
  } else {
    release_key(key);
  }
  admit(now);
}

void Engine::Impl::release_key(std::uint64_t key) {
  auto it = key_waiters.find(key);
  if (it == key_waiters.end()) {
    return;  // cut by abandon_all
  }
  if (it->second.empty()) {
    key_waiters.erase(it);
    return;
  }
  const std::uint32_t next = it->second.front();
  it->second.erase(it->second.begin());
  const std::size_t successor_lane = lane_of(*slots[next].flow);
  if (!may_start(successor_lane)) {
    ++waited_total;
  }
  ready.push(successor_lane, next);
}

void Engine::Impl::release_held_key() {
  // every hold lasts key_hold(): the items come due in the order the keys were held
  const std::uint64_t key = held_keys.front();
  held_keys.pop_front();
  release_key(key);
}

void Engine::Impl::abandon_flow(std::uint32_t slot, std::string_view reason) {
  FlowSlot& s = slots[slot];
  for (std::size_t step = s.step; step < s.flow->step_count(); ++step) {
    // a step in flight (or whose earlier attempt may have been recorded) may reach Matomo
    const bool maybe = step == s.step && (s.state == SlotState::in_flight || s.maybe_recorded);
    const StepOutcome outcome = maybe ? StepOutcome::unconfirmed : StepOutcome::not_sent;
    observer.on_step_done(*s.flow, step, outcome, reason, "", step == s.step ? s.attempts : 0);
    result.count(outcome);
  }
  observer.on_flow_done(*s.flow);
  const std::size_t lane = lane_of(*s.flow);
  const bool started = s.started();
  s.to(SlotState::idle);
  s.flow.reset();
  ++s.gen;
  free_slots.push_back(slot);
  if (started) {
    release_slot(lane);
  } else if (shared != nullptr) {
    shared->queued.fetch_sub(1);
  }
  --live_flows;
}

}  // namespace tf::engine
