#pragma once
// The explicit state of one flow slot (one visit in an event loop) and the edges it may take:
// every step of the engine moves a slot through FlowSlot::to(), which asserts the edge in debug
// builds (model: mamba's downloader, an explicit state per attempt).
#include <cassert>
#include <cstdint>

namespace tf::engine {

enum class SlotState : std::uint8_t {
  idle,  ///< free: no flow
  waiting,  ///< a flow taken, not started: behind its visitor's earlier flow, or in a ready FIFO
  due,  ///< started; its current step is due now or after the pause before it (a step timer)
  backoff,  ///< started; its current step waits for its retry (a step timer)
  held,  ///< its step is due but held by the breaker or the bulkhead (TargetState::blocked)
  batched,  ///< bulk: its step waits in its target's batch for a flush (TargetState::batch)
  in_flight,  ///< its step is in a request sent and not yet answered
};

/// The allowed edges. A flow is taken (idle → waiting), started (waiting → due), its step sent
/// (due/backoff → in_flight, or through held and batched), answered (in_flight → due for the next
/// step, → backoff for a retry, → idle when the flow ends); a stop abandons it from any state
/// (→ idle).
constexpr bool slot_edge_allowed(SlotState from, SlotState to) {
  using S = SlotState;
  switch (from) {
    case S::idle: return to == S::waiting;
    case S::waiting: return to == S::due || to == S::idle;
    case S::due:
    case S::backoff: return to == S::held || to == S::batched || to == S::in_flight || to == S::idle;
    case S::held: return to == S::batched || to == S::in_flight || to == S::idle;
    case S::batched: return to == S::in_flight || to == S::idle;
    case S::in_flight: return to == S::due || to == S::backoff || to == S::idle;
  }
  return false;
}

/// A step timer of this slot may fire: the slot waits for it (due or backoff).
constexpr bool slot_timer_armed(SlotState state) { return state == SlotState::due || state == SlotState::backoff; }

}  // namespace tf::engine
