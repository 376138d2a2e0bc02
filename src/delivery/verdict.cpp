#include "delivery/verdict.hpp"

#include <fmt/format.h>

#include "delivery/run_observer.hpp"
#include "util/error.hpp"

namespace tf::delivery {

namespace {

/// Where THRESHOLDS was set, for messages: "FILE:LINE" or the flag or "environment".
std::string origin_of(const config::Settings& settings) {
  const auto it = settings.origins.find("THRESHOLDS");
  if (it == settings.origins.end()) {
    return "THRESHOLDS";
  }
  const auto& o = it->second;
  return o.line > 0 ? fmt::format("{}:{}", o.source, o.line) : o.source;
}

std::string value_text(const metrics::ThresholdResult& r) {
  return r.value ? fmt::format("{:.4g}", *r.value) : "no data";
}

}  // namespace

std::vector<metrics::Threshold> user_thresholds(const config::Settings& settings) {
  std::vector<metrics::Threshold> out;
  std::vector<std::string> errors;
  for (const auto& expr : metrics::split_thresholds(settings.thresholds)) {
    std::string error;
    if (auto t = metrics::parse_threshold(expr, error)) {
      out.push_back(std::move(*t));
    } else {
      errors.push_back(fmt::format("{}: THRESHOLDS: {}", origin_of(settings), error));
    }
  }
  if (!errors.empty()) {
    throw Error(fmt::format("{}", fmt::join(errors, "\n")), ExitCode::usage);
  }
  return out;
}

void check_thresholds(const config::Settings& settings, config::Diagnostics& diags) {
  const auto it = settings.origins.find("THRESHOLDS");
  const std::string file = it != settings.origins.end() ? it->second.source : std::string{};
  const int line = it != settings.origins.end() ? it->second.line : 0;
  for (const auto& expr : metrics::split_thresholds(settings.thresholds)) {
    std::string error;
    if (!metrics::parse_threshold(expr, error)) {
      diags.error(file, line, 0, "THRESHOLDS", error);
    }
  }
}

std::vector<metrics::ThresholdResult> judge(const metrics::Snapshot& snapshot, double max_failure_rate,
                                            const std::vector<metrics::Threshold>& user) {
  std::vector<metrics::ThresholdResult> results;
  const auto totals = snapshot.totals();
  results.push_back({"acked>0", static_cast<double>(totals.acked), totals.acked > 0});
  const double rate = metrics::failure_rate(totals);
  results.push_back({fmt::format("failure_rate<={}", max_failure_rate), rate, rate <= max_failure_rate});
  for (const auto& t : user) {
    results.push_back(metrics::evaluate(t, snapshot));
  }
  return results;
}

bool abort_check(const std::vector<metrics::Threshold>& user, const metrics::Snapshot& snapshot, const Clock& clock) {
  for (const auto& t : user) {
    const auto result = metrics::evaluate(t, snapshot);
    if (metrics::can_no_longer_pass(t, result)) {
      log_line(fmt::format("abort-on-fail: {} can no longer pass ({}): stopping", t.expr, value_text(result)), clock);
      return true;
    }
  }
  return false;
}

bool report_failures(const std::vector<metrics::ThresholdResult>& results, const Clock& clock) {
  bool ok = true;
  for (const auto& r : results) {
    if (!r.ok) {
      log_line(fmt::format("threshold failed: {} ({})", r.expr, value_text(r)), clock);
      ok = false;
    }
  }
  return ok;
}

}  // namespace tf::delivery
