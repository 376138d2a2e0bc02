#include "app/merge_command.hpp"

#include <cstdlib>
#include <iostream>

#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "app/commands.hpp"
#include "delivery/console.hpp"
#include "delivery/verdict.hpp"
#include "report/health_table.hpp"
#include "report/merge.hpp"
#include "report/summary_json.hpp"
#include "report/summary_log.hpp"
#include "util/error.hpp"

namespace tf::app {

int merge_summaries(const std::vector<std::string>& files, const std::string& summary_json, std::ostream& out,
                    bool color, bool from_logs, bool allow_partial) {
  const report::MergedSummary merged =
    from_logs ? report::merge_summary_logs(files) : report::merge_summary_files(files);
  out << report::render_health_table(merged.run, color, &out == &std::cout ? delivery::table_width() : 0);
  if (!summary_json.empty()) {
    report::write_summary_file(summary_json, report::merged_summary_json(merged));
  }
  const SystemClock clock;
  const bool thresholds_ok =
    delivery::report_failures(merged.run.thresholds, clock);  // "threshold failed: EXPR (VALUE)"
  if (merged.missing_shards.empty()) {
    return static_cast<int>(thresholds_ok ? ExitCode::success : ExitCode::thresholds_failed);
  }
  std::cerr << fmt::format("trafficinator: {}: missing shard(s) {}: the merged figures cover {} of {} shards{}\n",
                           allow_partial ? "warning" : "error", fmt::join(merged.missing_shards, ", "),
                           merged.shard_count, merged.shard_count + merged.missing_shards.size(),
                           allow_partial ? "" : " (--allow-partial accepts that)");
  return static_cast<int>(allow_partial && thresholds_ok ? ExitCode::success : ExitCode::thresholds_failed);
}

int merge_command(const std::vector<std::string>& files, const std::string& summary_json, bool from_logs,
                  bool allow_partial) {
  const char* no_color = std::getenv("NO_COLOR");
  const bool color = ::isatty(STDOUT_FILENO) == 1 && (no_color == nullptr || *no_color == '\0');
  return merge_summaries(files, summary_json, std::cout, color, from_logs, allow_partial);
}

}  // namespace tf::app
