// `trafficinator run`: generate visits and deliver them.
#include <cstdlib>
#include <memory>

#include <fmt/format.h>

#include "cli/config_options.hpp"
#include "cli/subcommands.hpp"
#include "util/error.hpp"
#include "util/units.hpp"

namespace tf::cli {
namespace {

struct RunState {
  ConfigOptions config;
  long long visits = 0;
  std::string duration;
  VisitScope scope;
  std::string checkpoint;
  std::string summary_json;
  std::string metrics_file;
  std::string report_html;
  std::string start_at;
  std::string stages, ramp_up;
  bool dry_run = false;
  bool quiet = false;
};

int run(RunState& state) {
  app::RunOptions options;
  options.shard = apply_scope(state.scope, state.config);
  options.backfill_range = state.scope.backfill;
  if (!state.start_at.empty()) {
    state.config.extra.push_back({"START_AT", state.start_at, "--start-at"});
  }
  if (!state.stages.empty()) {
    state.config.extra.push_back({"STAGES", state.stages, "--stages"});
  }
  if (!state.ramp_up.empty()) {
    state.config.extra.push_back({"RAMP_UP", state.ramp_up, "--ramp-up"});
  }
  if (!state.duration.empty()) {
    options.duration = parse_duration(state.duration);
    if (!options.duration || options.duration->count() == 0) {
      throw Error(fmt::format("--duration: expected a duration such as 90s, 5m or 2h, found \"{}\"", state.duration));
    }
  }
  auto settings = load_settings(state.config);
  if (!settings) {
    return 0;
  }
  options.settings = std::move(*settings);
  if (state.visits > 0) {
    options.visits = state.visits;
  }
  options.checkpoint_file = state.checkpoint;
  options.summary_json = state.summary_json;
  options.metrics_file = state.metrics_file;
  options.report_html = state.report_html;
  options.dry_run = state.dry_run;
  options.show_secrets = state.config.show_secrets;
  options.quiet = state.quiet;
  return app::run_command(options);
}

}  // namespace

void add_run(CLI::App& app, Action& action) {
  auto state = std::make_shared<RunState>();
  CLI::App* sub = app.add_subcommand("run", "Generate visits and deliver them to the targets until a stop condition");
  add_config_options(*sub, state->config);
  sub->add_option("--visits", state->visits, "Stop after N visits have started")
    ->type_name("N")
    ->transform(decimal_integer())
    ->check(CLI::Range(1LL, 1'000'000'000'000LL))
    ->group("Run");
  sub->add_option("--duration", state->duration, "Stop after this long (90s, 5m, 2h)")
    ->type_name("DURATION")
    ->group("Run");
  sub->add_option("--backfill", state->scope.backfill, "Backfill the days FROM..TO (YYYY-MM-DD..YYYY-MM-DD)")
    ->type_name("FROM..TO")
    ->group("Run");
  sub->add_option("--checkpoint", state->checkpoint, "Backfill progress file, to resume an interrupted backfill")
    ->type_name("FILE")
    ->group("Run");
  sub->add_option("--summary-json", state->summary_json, "Write the JSON summary to FILE at exit")
    ->type_name("FILE")
    ->group("Output");
  sub
    ->add_option("--metrics-file", state->metrics_file,
                 "Write Prometheus text metrics to FILE (node_exporter textfile)")
    ->type_name("FILE")
    ->group("Output");
  sub
    ->add_option("--report-html", state->report_html,
                 "Write an HTML report (charts, targets, thresholds, config; works offline) to FILE at exit")
    ->type_name("FILE")
    ->group("Output");
  sub->add_option("--shard", state->scope.shard, "Run shard K of N (0-based): visits i ≡ K (mod N) at 1/N of the rate")
    ->type_name("K/N")
    ->group("Run");
  sub
    ->add_option("--shard-count", state->scope.shard_count,
                 "N shards; K comes from JOB_COMPLETION_INDEX (Kubernetes Indexed Job)")
    ->type_name("N")
    ->transform(decimal_integer())
    ->check(CLI::Range(1, 100000))
    ->group("Run");
  sub
    ->add_option("--start-at", state->start_at,
                 "Start sending at TIME: RFC 3339 (2026-12-03T08:00:00Z) or +DURATION (+30s) (START_AT)")
    ->type_name("TIME")
    ->group("Run");
  sub
    ->add_option("--stages", state->stages,
                 "Load stages DURATION:RATE,… in visits/s (30s:10,5m:100,30s:0): a linear ramp to each rate; ends "
                 "after the last (STAGES)")
    ->type_name("STAGES")
    ->group("Run");
  sub
    ->add_option("--ramp-up", state->ramp_up,
                 "Ramp the visit rate from 0 to the configured rate over DURATION (RAMP_UP)")
    ->type_name("DURATION")
    ->group("Run");
  sub->add_flag("--dry-run", state->dry_run, "Build visits and print what would be sent; send nothing")->group("Run");
  sub->add_flag("--quiet", state->quiet, "No live status line")->group("Output");
  sub->callback([state, &action] { action = [state] { return run(*state); }; });
}

}  // namespace tf::cli
