#pragma once
// The summary's "series" (metrics/time_series.hpp), compact so that a 24 h run stays under
// about 1 MB: {"interval_s":10,"le_ms":[1,2.5,…,10000],"columns":["t","acked",…,"latency"],
// "points":[[t,acked,rejected,failed,unconfirmed,not_sent,visits,requests,requested_rate,
// in_flight,[per-le counts…, >10 s]],…]}.
#include <string>

#include <nlohmann/json.hpp>

#include "metrics/time_series.hpp"

namespace tf::report {

nlohmann::json series_to_json(const metrics::TimeSeries& series);

/// Reads series_to_json's output. Throws tf::Error (ExitCode::usage) naming `source` and the
/// point when it is malformed, or when its interval or buckets differ from this build's.
metrics::TimeSeries series_from_json(const nlohmann::json& series, const std::string& source);

}  // namespace tf::report
