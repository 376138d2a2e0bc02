#pragma once
// Load stages in the reports: the summary JSON's "stages" and "current_stage", the health
// table's lines per stage, and the live line's "stage N/M TARGET".
#include <nlohmann/json.hpp>

#include <string>

#include "metrics/run_metrics.hpp"

namespace tf::report {

/// [{stage, start_s, duration_s (null: open), from_rate, to_rate, requested_rate, achieved_rate,
///   visits_started, start_lag_ms{p50,p99,max}}], one per stage.
nlohmann::json stages_json(const metrics::Snapshot& s);
/// "stage 2/3 5m:100" while a stage runs; "" without stages or past the last.
std::string current_stage_text(const metrics::Snapshot& s);
/// One line per stage for the health table ("" without stages).
std::string stage_lines(const metrics::Snapshot& s);

}  // namespace tf::report
