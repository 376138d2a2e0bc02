#pragma once
// Dating hits in realtime runs (run without backfill). The model gives each hit an offset from
// its visit's start (Hit::offset_ms, the simulated dwell); the engine sends them after real
// pauses (PAUSE_BETWEEN_PVS_*), which may be much shorter. The rule, per hit:
// - the first hit of a visit is dated at its send time: never before the run started;
// - a later hit is dated at the model's time (first hit + offset) when the real pause was long
//   enough, else at its send time ("clipped"): never in the future;
// - every hit is dated strictly after the visitor's previous hit, across visits too: the engine
//   sends one visitor's hits one at a time, each after the previous one's answer, so a send time
//   in microseconds is already later; the rule adds 1 µs only if the clock has not moved.
// Times are UNIX microseconds; Matomo gets whole seconds (cdt), never later than the send time.
#include <algorithm>
#include <cstdint>

namespace tf::model {

struct HitTime {
  std::int64_t us = 0;  ///< UNIX µs
  bool clipped = false;  ///< dated at the send time, earlier than the model's offset
};

/// The first hit of a visit: `now_us` (its send time), strictly after `previous_us` (the
/// visitor's previous hit, or any value < now_us when there is none).
inline HitTime realtime_first_hit(std::int64_t now_us, std::int64_t previous_us) {
  return {std::max(now_us, previous_us + 1), false};
}

/// A later hit: min(first_us + offset_ms, now_us), strictly after `previous_us`.
inline HitTime realtime_later_hit(std::int64_t first_us, std::int64_t offset_ms, std::int64_t previous_us,
                                  std::int64_t now_us) {
  const std::int64_t model = first_us + offset_ms * 1000;
  HitTime t{std::min(model, now_us), model > now_us};
  t.us = std::max(t.us, previous_us + 1);
  return t;
}

}  // namespace tf::model
