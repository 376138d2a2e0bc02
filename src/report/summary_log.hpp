#pragma once
// JSON summaries printed in a log between two marker lines, as the pods of the Kubernetes Job
// (deploy/kubernetes/job.yaml) print them on stdout, for `merge --from-logs`.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace tf::report {

inline constexpr std::string_view k_summary_begin = "==== trafficinator summary begin ====";
inline constexpr std::string_view k_summary_end = "==== trafficinator summary end ====";

struct LoggedSummary {
  std::string source;  ///< "FILE:LINE" of the begin marker
  nlohmann::json summary;  ///< the parsed JSON between the markers
  std::size_t begin_line = 0;  ///< line number of the begin marker
};

/// Every summary of the log `file`, in the order of their begin markers. A block starts at a line
/// that ends with k_summary_begin; whatever precedes the marker on that line (e.g. `kubectl logs
/// --prefix`'s "[pod/NAME/CONTAINER] ") is the block's prefix: the following lines with that
/// prefix (the longest, when several blocks are open) belong to it, without the prefix, until
/// prefix + k_summary_end; other lines are other pods' output, so blocks may interleave.
/// Throws tf::Error (usage) naming the file and line: "FILE: cannot read: ...", "FILE:LINE:
/// summary without an end marker", "FILE:LINE: invalid JSON: ...", or, when the log holds no
/// block, "FILE: no summary between the marker lines ...".
std::vector<LoggedSummary> read_summary_log(const std::string& file);

struct MergedSummary;
/// `merge --from-logs`: merges every summary of every log (read_summary_log), in order.
MergedSummary merge_summary_logs(const std::vector<std::string>& files);

}  // namespace tf::report
