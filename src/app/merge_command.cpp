#include "app/merge_command.hpp"

#include <cstdlib>
#include <iostream>

#include <unistd.h>

#include "app/commands.hpp"
#include "report/health_table.hpp"
#include "report/merge.hpp"
#include "report/summary_log.hpp"
#include "report/summary_json.hpp"
#include "util/error.hpp"

namespace tf::app {

int merge_summaries(const std::vector<std::string>& files, const std::string& summary_json,
                    std::ostream& out, bool color, bool from_logs) {
  const report::MergedSummary merged =
      from_logs ? report::merge_summary_logs(files) : report::merge_summary_files(files);
  out << report::render_health_table(merged.run, color);
  if (merged.seeds.size() > 1) {
    out << "note: the shards ran with different seeds; \"seed\" in the summary lists them all\n";
  }
  if (!summary_json.empty()) {
    report::write_summary_file(summary_json, report::merged_summary_json(merged));
  }
  return static_cast<int>(ExitCode::success);
}

int merge_command(const std::vector<std::string>& files, const std::string& summary_json, bool from_logs) {
  const char* no_color = std::getenv("NO_COLOR");
  const bool color = ::isatty(STDOUT_FILENO) == 1 && (no_color == nullptr || *no_color == '\0');
  return merge_summaries(files, summary_json, std::cout, color, from_logs);
}

} // namespace tf::app
