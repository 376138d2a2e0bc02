// `trafficinator report SUMMARY.json... -o FILE`: the HTML report of one summary, or of the sum
// of several (shards of one run, checked as `merge` checks them).
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "app/commands.hpp"
#include "report/html_report.hpp"
#include "report/merge.hpp"
#include "util/error.hpp"

namespace tf::app {

int report_command(const std::vector<std::string>& files, const std::string& output) {
  const report::MergedSummary merged = report::merge_summary_files(files);
  nlohmann::json summary = report::merged_summary_json(merged);
  if (files.size() == 1) {
    // One summary as written, with its thresholds' verdicts (a merge does not judge them again).
    std::ifstream in(files.front());
    summary = nlohmann::json::parse(in, nullptr, false);
  }
  report::write_html_report(output, summary);
  if (!merged.missing_shards.empty()) {
    std::cerr << fmt::format("trafficinator: warning: missing shard(s) {}: the report covers {} of {} shards\n",
                             fmt::join(merged.missing_shards, ", "), merged.shard_count,
                             merged.shard_count + merged.missing_shards.size());
  }
  std::cout << fmt::format("report: {} ({} summar{})\n", output, files.size(), files.size() == 1 ? "y" : "ies");
  return static_cast<int>(ExitCode::success);
}

}  // namespace tf::app
