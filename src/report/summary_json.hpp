#pragma once
// The JSON summary (`--summary-json FILE`), schema_version 1, documented in the man page:
// {"schema_version":1,"seed","started","elapsed_s","stop_reason","config":{…redacted},
//  "totals":{…},"targets":[{"name","status","success_rate","failure_rate","visits",
//  "visits_completed","visits_not_started","hits","generated","acked","rejected","failed",
//  "unconfirmed","not_sent","possible_duplicates","unidentified_rejections",
//  "bulk_answers_without_counts","requests","failed_attempts","retries","in_flight",
//  "latency_ms":{"p50","p90","p99","p999","max"},"status_codes":{…},"errors":{…},
//  "top_error":{"kind","count","detail"}|null,"breaker":{…},"last_error":{…},"histograms":{…}}],
//  "start_lag_ms":{…},"generator":{…},"visit_rate":{…},"histograms":{…},"accounting":{…},
//  "thresholds":[{"expr","value","ok"}]}
// The raw histogram buckets let `merge` combine shard percentiles exactly.
#include <string>

#include <nlohmann/json.hpp>

#include "metrics/run_metrics.hpp"
#include "report/utc_time.hpp"

namespace tf::report {

inline constexpr int k_summary_schema_version = 1;

/// The summary of `snapshot`. `redacted_config` is copied as is under "config" (the caller
/// has removed secrets).
nlohmann::json summary_to_json(const metrics::Snapshot& snapshot, const nlohmann::json& redacted_config);

/// Rebuilds run metrics from a summary written by summary_to_json. Throws tf::Error
/// (ExitCode::usage) naming `source` ("FILE: summary: ...") when the JSON is not such a summary.
metrics::RunMetrics summary_from_json(const nlohmann::json& summary, const std::string& source);

/// Writes `summary` (pretty, 2 spaces, trailing newline) to `path` atomically. Throws tf::Error
/// (ExitCode::runtime) naming the file when it cannot be written.
void write_summary_file(const std::string& path, const nlohmann::json& summary);

}  // namespace tf::report
