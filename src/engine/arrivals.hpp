#pragma once
// The arrival schedule: a seeded Poisson process at the configured rate, the rolling 24 h cap
// and the arrival count limit. Pure: time is passed in.
#include <atomic>
#include <deque>
#include <memory>
#include <optional>
#include <utility>

#include "engine/engine.hpp"
#include "util/random.hpp"

namespace tf::engine {

class ArrivalSchedule {
public:
  ArrivalSchedule(const EngineConfig& config, SteadyTime start);
  /// The intended time of the next arrival.
  SteadyTime next() const { return m_next; }
  /// nullopt when the next arrival fits the rolling cap; otherwise when arrivals may resume.
  std::optional<SteadyTime> cap_blocks();
  /// Arrivals counted in the last 24 h (for the pause message).
  long long in_last_day() const { return m_cap_count; }
  /// The arrival at next() was taken: count it and draw the next one.
  void taken();
  /// After a cap pause: the next arrival is drawn from `now` (the paused ones are skipped).
  void resume(SteadyTime now);
  long long count() const { return m_count; }
  bool max_reached() const { return m_max && m_count >= *m_max; }

private:
  long long second_of(SteadyTime t) const;
  /// arrivals/s now: the configured rate times the live scale (EngineConfig::rate_scale).
  double rate() const;
  double m_rate;
  std::shared_ptr<const std::atomic<double>> m_scale;
  long long m_cap;
  std::optional<long long> m_max;
  SteadyTime m_start, m_next;
  Rng m_rng;
  std::deque<std::pair<long long, long long>> m_seconds;  ///< (second since start, arrivals)
  long long m_cap_count = 0, m_count = 0;
};

} // namespace tf::engine
