#pragma once
// The run's verdict: the thresholds the user gave (--threshold, THRESHOLDS) and the default ones
// (something acked; failure_rate <= MAX_FAILURE_RATE), evaluated on the final snapshot.
#include <vector>

#include "config/diagnostic.hpp"
#include "config/settings.hpp"
#include "metrics/run_metrics.hpp"
#include "metrics/thresholds.hpp"
#include "util/clock.hpp"

namespace tf::delivery {

/// The user's thresholds. Throws tf::Error (usage) naming where THRESHOLDS was set (file:line,
/// or the flag) and what is wrong with each bad expression.
std::vector<metrics::Threshold> user_thresholds(const config::Settings& settings);

/// validate: every bad expression of THRESHOLDS as an error located where it was set.
void check_thresholds(const config::Settings& settings, config::Diagnostics& diags);

/// The default thresholds ("acked>0", "failure_rate<=MAX_FAILURE_RATE"), then `user`'s, on
/// `snapshot`.
std::vector<metrics::ThresholdResult> judge(const metrics::Snapshot& snapshot, double max_failure_rate,
                                            const std::vector<metrics::Threshold>& user);

/// --abort-on-fail: true (after logging "abort-on-fail: EXPR can no longer pass (VALUE)") when a
/// threshold of `user` failed for good on `snapshot` (metrics::can_no_longer_pass).
bool abort_check(const std::vector<metrics::Threshold>& user, const metrics::Snapshot& snapshot, const Clock& clock);

/// Logs "threshold failed: EXPR (VALUE)" for each failed one; true when all passed.
bool report_failures(const std::vector<metrics::ThresholdResult>& results, const Clock& clock);

}  // namespace tf::delivery
