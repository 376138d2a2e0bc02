#pragma once
// The run over time, for the HTML report and the live page: per-interval counts of the hits'
// outcomes, visits, requests and service-time answers in the fixed `le` buckets, plus two gauges.
// Intervals are k_interval_s long and aligned on Unix time, so the series of shards that ran at
// the same time add up point by point. A 24 h run has 8640 points (about 0.7 MB of JSON).
#include <array>
#include <cstdint>
#include <vector>

#include "metrics/le_buckets.hpp"
#include "metrics/outcome.hpp"
#include "util/clock.hpp"

namespace tf::metrics {

struct RunMetrics;

struct SeriesPoint {
  /// Unix seconds: start of the interval (a multiple of TimeSeries::k_interval_s)
  std::int64_t t = 0;
  /// hits: outcomes counted in the interval, indexed by Outcome
  std::array<std::uint64_t, k_outcome_count> outcomes{};
  /// visits: visits started in the interval
  std::uint64_t visits = 0;
  /// requests: request attempts sent in the interval
  std::uint64_t requests = 0;
  /// answers: service times recorded in the interval, per le bucket (not cumulative)
  LeCounts latency{};
  /// visits/s: requested visit rate at the interval's last sample (shards add)
  double requested_rate = 0;
  /// requests: in flight at the interval's last sample (shards add)
  std::int64_t in_flight = 0;

  /// Adds `other`'s counts and gauges (same t).
  void add(const SeriesPoint& other);
};

struct TimeSeries {
  /// seconds: the fixed interval of every point
  static constexpr std::int64_t k_interval_s = 10;
  /// ascending t, no two points with the same t; intervals without a sample have no point
  std::vector<SeriesPoint> points;

  /// Adds `other` point by point (same t add; others are inserted in order).
  void merge(const TimeSeries& other);
  bool empty() const noexcept { return points.empty(); }
};

/// Builds a TimeSeries from successive snapshots of a run (one about each second): each sample
/// adds what changed since the previous one to the point of its interval.
class SeriesRecorder {
public:
  /// Adds the changes from the previous sample (from zero for the first) at system time `at`.
  void sample(const RunMetrics& now, SysTime at);
  const TimeSeries& series() const noexcept { return m_series; }

private:
  TimeSeries m_series;
  SeriesPoint m_last_totals;  ///< cumulative values at the previous sample (t unused)
};

}  // namespace tf::metrics
