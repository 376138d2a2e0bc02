#pragma once
// The arrival schedule: a seeded Poisson process at the configured rate (or, with a load shape,
// a non-homogeneous one drawn by thinning), the rolling 24 h cap and the arrival count limit.
// Pure: time is passed in. One schedule paces a run, on one thread or for the whole pool.
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
  /// `seed`: the arrival stream's seed (the run's, also for the pool's pacing loop).
  ArrivalSchedule(const EngineConfig& config, SteadyTime start, std::uint64_t seed);
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

private:
  long long second_of(SteadyTime t) const;
  /// The first arrival after `from`: exponential gaps at the rate, or at the shape's peak with
  /// each candidate kept with probability rate(t) / peak (thinning).
  SteadyTime draw_after(SteadyTime from);
  /// arrivals/s now: the configured rate (or the shape's peak) times the live scale
  /// (EngineConfig::rate_scale, POST /speed).
  double rate() const;
  /// The live scale alone (1 without one).
  double scale() const;
  double m_rate;
  std::shared_ptr<const RateShape> m_shape;
  std::shared_ptr<const std::atomic<double>> m_scale;
  bool m_even;  ///< EngineConfig::even_arrivals
  long long m_cap;
  SteadyTime m_start, m_next;
  Rng m_rng;
  std::deque<std::pair<long long, long long>> m_seconds;  ///< (second since start, arrivals)
  long long m_cap_count = 0, m_count = 0;
};

}  // namespace tf::engine
