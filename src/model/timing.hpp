#pragma once
// Dating hits in realtime runs (run without backfill). The model gives each hit an offset from
// its visit's start (Hit::offset_ms, the simulated dwell); the engine sends them after real
// pauses (PAUSE_BETWEEN_PVS_*), which may be much shorter. The rule, per hit:
// - the first hit of a visit is dated at its send time: never before the run started;
// - a later hit is dated at the model's time (first hit + offset) when the real pause was long
//   enough, else at its send time ("clipped"): never in the future;
// - every hit is dated strictly after the visitor's previous hit (by 1 ms if need be), across
//   visits too: the engine sends one visitor's hits one at a time, in order.
#include <algorithm>
#include <cstdint>

namespace tf::model {

struct HitTime {
  std::int64_t ms = 0;   ///< UNIX ms
  bool clipped = false;  ///< dated at the send time, earlier than the model's offset
};

/// The first hit of a visit: `now_ms` (its send time), strictly after `previous_ms` (the
/// visitor's previous hit, or any value ≤ now_ms − 1 when there is none).
inline HitTime realtime_first_hit(std::int64_t now_ms, std::int64_t previous_ms) {
  return {std::max(now_ms, previous_ms + 1), false};
}

/// A later hit: min(first_ms + offset_ms, now_ms), strictly after `previous_ms`.
inline HitTime realtime_later_hit(std::int64_t first_ms, std::int64_t offset_ms, std::int64_t previous_ms,
                                  std::int64_t now_ms) {
  const std::int64_t model = first_ms + offset_ms;
  HitTime t{std::min(model, now_ms), model > now_ms};
  t.ms = std::max(t.ms, previous_ms + 1);
  return t;
}

} // namespace tf::model
