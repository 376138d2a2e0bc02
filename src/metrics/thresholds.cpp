#include "metrics/thresholds.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <utility>

namespace tf::metrics {
namespace {

constexpr std::array<std::pair<std::string_view, ThresholdMetric>, 11> k_metrics = {{
  {"failure_rate", ThresholdMetric::failure_rate},
  {"rejected", ThresholdMetric::rejected},
  {"unconfirmed", ThresholdMetric::unconfirmed},
  {"p50", ThresholdMetric::p50},
  {"p90", ThresholdMetric::p90},
  {"p95", ThresholdMetric::p95},
  {"p99", ThresholdMetric::p99},
  {"p999", ThresholdMetric::p999},
  {"max", ThresholdMetric::max},
  {"achieved_rate", ThresholdMetric::achieved_rate},
  {"hits_per_s", ThresholdMetric::hits_per_s},
}};

/// Longest operators first, so "<=" is not read as "<".
constexpr std::array<std::pair<std::string_view, Comparison>, 5> k_operators = {{
  {"<=", Comparison::less_equal},
  {">=", Comparison::greater_equal},
  {"==", Comparison::equal},
  {"<", Comparison::less},
  {">", Comparison::greater},
}};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

std::optional<double> parse_number(std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

bool holds(double value, Comparison op, double limit) {
  switch (op) {
    case Comparison::less: return value < limit;
    case Comparison::less_equal: return value <= limit;
    case Comparison::greater: return value > limit;
    case Comparison::greater_equal: return value >= limit;
    case Comparison::equal: return value == limit;
  }
  return false;
}

std::optional<double> latency_ms(const Histogram& h, double percent) {
  if (h.empty()) {
    return std::nullopt;
  }
  return static_cast<double>(percent >= 100.0 ? h.max() : h.percentile(percent)) / 1000.0;
}

double in_seconds(std::chrono::microseconds d) { return std::chrono::duration<double>(d).count(); }

std::optional<double> value_of(ThresholdMetric metric, const TargetMetrics& t, const RunMetrics& run) {
  switch (metric) {
    case ThresholdMetric::failure_rate: return failure_rate(t);
    case ThresholdMetric::rejected: return static_cast<double>(t.rejected);
    case ThresholdMetric::unconfirmed: return static_cast<double>(t.unconfirmed);
    case ThresholdMetric::p50: return latency_ms(t.service_time, 50);
    case ThresholdMetric::p90: return latency_ms(t.service_time, 90);
    case ThresholdMetric::p95: return latency_ms(t.service_time, 95);
    case ThresholdMetric::p99: return latency_ms(t.service_time, 99);
    case ThresholdMetric::p999: return latency_ms(t.service_time, 99.9);
    case ThresholdMetric::max: return latency_ms(t.service_time, 100);
    case ThresholdMetric::achieved_rate:
      return run.requested_visit_rate > 0 ? run.achieved_visit_rate() / run.requested_visit_rate : 1.0;
    case ThresholdMetric::hits_per_s:
      return run.elapsed.count() > 0 ? std::optional<double>(static_cast<double>(t.acked) / in_seconds(run.elapsed))
                                     : std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::string threshold_metric_names() {
  std::string names;
  for (const auto& [name, metric] : k_metrics) {
    names += names.empty() ? "" : ", ";
    names += name;
  }
  return names;
}

std::vector<std::string> split_thresholds(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto semicolon = text.find(';');
    const auto part = trim(text.substr(0, semicolon));
    if (!part.empty()) {
      out.emplace_back(part);
    }
    text = semicolon == std::string_view::npos ? std::string_view{} : text.substr(semicolon + 1);
  }
  return out;
}

std::optional<Threshold> parse_threshold(std::string_view text, std::string& error) {
  Threshold t;
  text = trim(text);
  t.expr = std::string(text);
  std::size_t at = std::string_view::npos;
  Comparison op = Comparison::less;
  std::string_view op_text;
  for (const auto& [symbol, comparison] : k_operators) {
    const auto found = text.find(symbol);
    if (found != std::string_view::npos &&
        (at == std::string_view::npos || found < at || (found == at && symbol.size() > op_text.size()))) {
      at = found;
      op = comparison;
      op_text = symbol;
    }
  }
  if (at == std::string_view::npos) {
    error = "expected METRIC OP NUMBER with OP one of < <= > >= ==, found \"" + t.expr + "\"";
    return std::nullopt;
  }
  std::string_view left = trim(text.substr(0, at));
  const std::string_view right = trim(text.substr(at + op_text.size()));
  if (const auto colon = left.find(':'); colon != std::string_view::npos) {
    t.target = std::string(trim(left.substr(0, colon)));
    left = trim(left.substr(colon + 1));
    if (t.target.empty()) {
      error = "expected a target name before ':', found \"" + t.expr + "\"";
      return std::nullopt;
    }
  }
  const auto* metric = std::find_if(k_metrics.begin(), k_metrics.end(), [&](const auto& m) { return m.first == left; });
  if (metric == k_metrics.end()) {
    error = "expected a metric (" + threshold_metric_names() + "), found \"" + std::string(left) + "\"";
    return std::nullopt;
  }
  const auto limit = parse_number(right);
  if (!limit) {
    error = "expected a number after " + std::string(op_text) + ", found \"" + std::string(right) + "\"";
    return std::nullopt;
  }
  t.metric = metric->second;
  t.op = op;
  t.limit = *limit;
  return t;
}

ThresholdResult evaluate(const Threshold& threshold, const RunMetrics& run) {
  ThresholdResult result;
  result.expr = threshold.expr;
  if (threshold.target.empty()) {
    result.value = value_of(threshold.metric, run.totals(), run);
  } else if (const TargetMetrics* t = run.find_target(threshold.target)) {
    result.value = value_of(threshold.metric, *t, run);
  }
  result.ok = result.value && holds(*result.value, threshold.op, threshold.limit);
  return result;
}

bool can_no_longer_pass(const Threshold& threshold, const ThresholdResult& result) {
  const bool grows = threshold.metric == ThresholdMetric::rejected || threshold.metric == ThresholdMetric::unconfirmed;
  const bool upper_bound = threshold.op == Comparison::less || threshold.op == Comparison::less_equal ||
    (threshold.op == Comparison::equal && result.value && *result.value > threshold.limit);
  return grows && upper_bound && !result.ok && result.value.has_value();
}

}  // namespace tf::metrics
