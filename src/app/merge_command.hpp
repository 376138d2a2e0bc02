#pragma once
// `trafficinator merge FILE...`: adds up the JSON summaries of shards, prints the health table
// and optionally writes the merged JSON summary.
#include <ostream>
#include <string>
#include <vector>

namespace tf::app {

/// Merges the summaries in `files` (with `from_logs`: every summary printed between the marker
/// lines of each log file, report/summary_log.hpp), writes the health table to `out` (coloured when `color`)
/// and, when `summary_json` is not empty, the merged summary to that file. Returns
/// ExitCode::success, or thresholds_failed when shards are missing (listed on stderr) unless
/// `allow_partial`; throws tf::Error naming the file for unreadable or invalid input,
/// duplicated shards, different seeds or configurations.
int merge_summaries(const std::vector<std::string>& files, const std::string& summary_json, std::ostream& out,
                    bool color, bool from_logs = false, bool allow_partial = false);

}  // namespace tf::app
