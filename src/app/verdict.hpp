#pragma once
// The run's verdict: the thresholds the user gave (--threshold, THRESHOLDS) and the default ones
// (something acked; failure_rate <= MAX_FAILURE_RATE), evaluated on the final snapshot.
#include <vector>

#include "config/diagnostic.hpp"
#include "config/settings.hpp"
#include "metrics/run_metrics.hpp"
#include "metrics/thresholds.hpp"
#include "util/clock.hpp"

namespace tf::app {

/// The user's thresholds. Throws tf::Error (usage) naming where THRESHOLDS was set (file:line,
/// or the flag) and what is wrong with each bad expression.
std::vector<metrics::Threshold> user_thresholds(const config::Settings& settings);

/// validate: every bad expression of THRESHOLDS as an error located where it was set.
void check_thresholds(const config::Settings& settings, config::Diagnostics& diags);

/// The default thresholds ("acked>0", "failure_rate<=MAX_FAILURE_RATE"), then `user`'s, on
/// `snapshot`.
std::vector<metrics::ThresholdResult> judge(const metrics::Snapshot& snapshot, double max_failure_rate,
                                            const std::vector<metrics::Threshold>& user);

/// Logs "threshold failed: EXPR (VALUE)" for each failed one; true when all passed.
bool report_failures(const std::vector<metrics::ThresholdResult>& results, const Clock& clock);

} // namespace tf::app
