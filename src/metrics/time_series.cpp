#include "metrics/time_series.hpp"

#include <algorithm>

#include "metrics/run_metrics.hpp"

namespace tf::metrics {
namespace {

/// The cumulative counts of `run` as a point (t = 0).
SeriesPoint cumulative(const RunMetrics& run) {
  const TargetMetrics total = run.totals();
  SeriesPoint p;
  p.outcomes = {total.acked, total.rejected, total.failed, total.unconfirmed, total.not_sent};
  p.visits = total.visits_started;
  p.requests = total.requests;
  p.latency = le_bucket_counts(total.service_time);
  p.requested_rate = run.requested_visit_rate;
  p.in_flight = total.in_flight;
  return p;
}

/// now − before for counters that only grow (0 if a counter went back).
std::uint64_t grown(std::uint64_t now, std::uint64_t before) { return now > before ? now - before : 0; }

std::int64_t interval_start(SysTime at) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
  const auto k = TimeSeries::k_interval_s;
  return (seconds >= 0 ? seconds / k : (seconds - k + 1) / k) * k;
}

}  // namespace

void SeriesPoint::add(const SeriesPoint& other) {
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    outcomes[i] += other.outcomes[i];
  }
  visits += other.visits;
  requests += other.requests;
  for (std::size_t i = 0; i < latency.size(); ++i) {
    latency[i] += other.latency[i];
  }
  requested_rate += other.requested_rate;
  in_flight += other.in_flight;
}

void TimeSeries::merge(const TimeSeries& other) {
  std::vector<SeriesPoint> merged;
  merged.reserve(points.size() + other.points.size());
  auto a = points.begin();
  auto b = other.points.begin();
  while (a != points.end() || b != other.points.end()) {
    if (b == other.points.end() || (a != points.end() && a->t < b->t)) {
      merged.push_back(*a++);
    } else if (a == points.end() || b->t < a->t) {
      merged.push_back(*b++);
    } else {
      merged.push_back(*a++);
      merged.back().add(*b++);
    }
  }
  points = std::move(merged);
}

void SeriesRecorder::sample(const RunMetrics& now, SysTime at) {
  const SeriesPoint totals = cumulative(now);
  SeriesPoint delta;
  delta.t = interval_start(at);
  for (std::size_t i = 0; i < delta.outcomes.size(); ++i) {
    delta.outcomes[i] = grown(totals.outcomes[i], m_last_totals.outcomes[i]);
  }
  delta.visits = grown(totals.visits, m_last_totals.visits);
  delta.requests = grown(totals.requests, m_last_totals.requests);
  for (std::size_t i = 0; i < delta.latency.size(); ++i) {
    delta.latency[i] = grown(totals.latency[i], m_last_totals.latency[i]);
  }
  m_last_totals = totals;
  auto& points = m_series.points;
  if (points.empty() || points.back().t < delta.t) {
    points.push_back(delta);
  } else {
    points.back().add(delta);  // the same interval, or a clock step backwards: stay ascending
  }
  // Gauges: the latest sample's values, not a sum.
  points.back().requested_rate = totals.requested_rate;
  points.back().in_flight = totals.in_flight;
}

}  // namespace tf::metrics
