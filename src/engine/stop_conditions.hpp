#pragma once
// When a run stops taking arrivals: its duration (or the load shape's end), the arrival limit,
// a stop request. One object, read by the one pacing loop (threads == 1: the engine loop; the
// pool: its first worker's loop), so every mode stops alike and runs on a FakeClock.
#include <optional>

#include "engine/engine.hpp"

namespace tf::engine {

class StopConditions {
public:
  StopConditions(const EngineConfig& config, SteadyTime start);
  /// When arrivals stop by time: the duration or the shape's end, whichever comes first.
  std::optional<SteadyTime> deadline() const { return m_deadline; }
  /// The reason a deadline stop carries.
  StopReason deadline_reason() const { return StopReason::duration; }
  /// True once `arrivals` reached the arrival limit (max_arrivals).
  bool max_reached(long long arrivals) const { return m_max && arrivals >= *m_max; }
  /// The reason a stop request at `level` (1 stop and drain, 2 abandon now) carries, `hint`
  /// being the reason a pacing loop passed on (stop_requested for a signal).
  static StopReason requested(int level, StopReason hint) { return level >= 2 ? StopReason::immediate_stop : hint; }

private:
  std::optional<SteadyTime> m_deadline;
  std::optional<long long> m_max;
};

}  // namespace tf::engine
