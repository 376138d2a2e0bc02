#pragma once
// k6-style thresholds: "p99<500", "failure_rate<=0.01", "a:rejected==0". Parsed once, evaluated on
// a snapshot of the run's metrics (run, replay, merge).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/run_metrics.hpp"

namespace tf::metrics {

/// What a threshold measures, on the totals or on one target.
enum class ThresholdMetric : std::uint8_t {
  failure_rate,  ///< hits not acked / generated (0..1)
  rejected,  ///< hits rejected
  unconfirmed,  ///< hits unconfirmed
  p50,
  p90,
  p95,
  p99,
  p999,
  max,  ///< service time, milliseconds
  achieved_rate,  ///< visits/s achieved / requested (0..1; 1 without a requested rate)
  hits_per_s,  ///< acked hits per second of the run
};

enum class Comparison : std::uint8_t { less, less_equal, greater, greater_equal, equal };

struct Threshold {
  std::string expr;  ///< as written, trimmed
  std::string target;  ///< "" = the totals; else a target name ("a:p99<500")
  ThresholdMetric metric = ThresholdMetric::failure_rate;
  Comparison op = Comparison::less;
  double limit = 0;
};

/// Parses one expression: [TARGET:]METRIC OP NUMBER, OP one of < <= > >= ==. On error returns
/// nullopt and sets `error` to a message naming what was expected and what was found.
std::optional<Threshold> parse_threshold(std::string_view text, std::string& error);
/// Splits a THRESHOLDS value at ';' (empty parts skipped).
std::vector<std::string> split_thresholds(std::string_view text);
/// "failure_rate, rejected, unconfirmed, p50, p90, p95, p99, p999, max, achieved_rate, hits_per_s".
std::string threshold_metric_names();

/// The threshold's value on `run` and whether it holds.
ThresholdResult evaluate(const Threshold& threshold, const RunMetrics& run);

/// True when `result` (of `threshold`, taken during the run) failed for good: a count that only
/// grows (rejected, unconfirmed) already above what `<`, `<=` or `==` allows (--abort-on-fail).
bool can_no_longer_pass(const Threshold& threshold, const ThresholdResult& result);

}  // namespace tf::metrics
