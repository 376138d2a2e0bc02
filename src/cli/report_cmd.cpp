// `trafficinator report SUMMARY.json... -o FILE`.
#include <memory>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "cli/subcommands.hpp"

namespace tf::cli {

namespace {
struct ReportState {
  std::vector<std::string> files;
  std::string output;
};
}  // namespace

void add_report(CLI::App& app, Action& action) {
  auto state = std::make_shared<ReportState>();
  CLI::App* sub = app.add_subcommand(
    "report", "Render an HTML report (one file, works offline) of JSON summaries; several are merged as shards");
  sub->add_option("FILE", state->files, "JSON summaries written by run/replay --summary-json or merge")->required();
  sub->add_option("-o,--output", state->output, "Write the HTML report to FILE")
    ->type_name("FILE")
    ->required()
    ->group("Output");
  sub->callback([state, &action] { action = [state] { return app::report_command(state->files, state->output); }; });
}

}  // namespace tf::cli
