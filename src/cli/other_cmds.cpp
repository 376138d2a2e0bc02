// `validate`, `replay`, `presets` and `merge`: subcommands with few options.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "app/presets_command.hpp"
#include "app/validate_command.hpp"
#include "config/loader.hpp"
#include "cli/config_options.hpp"
#include "cli/subcommands.hpp"
#include "util/error.hpp"
#include "util/units.hpp"

namespace tf::cli {
namespace {

struct ValidateState {
  ConfigOptions config;  ///< the targets of --probe without FILE
  std::vector<std::string> files;
  bool probe = false;
  std::string probe_timeout = "5s";
};

struct ReplayState {
  ConfigOptions config;
  std::string file;
  std::string summary_json;
  std::string report_html;
  bool force = false;
  bool include_unconfirmed = false;
};

struct MergeState {
  std::vector<std::string> files;
  std::string summary_json;
  bool allow_partial = false;
  bool from_logs = false;
};

int validate(const ValidateState& state) {
  app::ValidateOptions options;
  options.files = state.files;
  options.probe = state.probe;
  const auto timeout = parse_duration(state.probe_timeout);
  if (!timeout || timeout->count() == 0) {
    throw Error(
      fmt::format("--probe-timeout: expected a duration such as 500ms or 5s, found \"{}\"", state.probe_timeout));
  }
  options.probe_timeout = *timeout;
  if (state.files.empty()) {
    if (!state.probe) {
      throw Error("validate: expected FILE... to check, or --probe to probe the targets of the environment and flags");
    }
    config::LoadRequest request = state.config.request();
    request.check_files = false;
    request.generates_visits = false;
    const auto settings = config::load(request);
    options.targets = config::effective_targets(settings).targets;
    options.user_agent = settings.user_agent_header;
    options.insecure = settings.insecure;
  } else if (!state.config.values.empty() || !state.config.targets.empty()) {
    throw Error("validate: --url, --site-id, --token-file and --targets name the targets to probe without FILE; "
                "with FILE, the file names them");
  }
  return app::validate_command(options, std::cout);
}

int replay(const ReplayState& state) {
  app::ReplayOptions options;
  auto settings = load_settings(state.config);
  if (!settings) {
    return 0;
  }
  options.settings = std::move(*settings);
  options.file = state.file;
  options.summary_json = state.summary_json;
  options.report_html = state.report_html;
  options.force = state.force;
  options.include_unconfirmed = state.include_unconfirmed;
  return app::replay_command(options);
}

}  // namespace

void add_validate(CLI::App& app, Action& action) {
  auto state = std::make_shared<ValidateState>();
  CLI::App* sub = app.add_subcommand(
    "validate", "Check .env files, targets JSON, funnels JSON and URL catalogues; exit 0 valid, 1 invalid");
  sub->add_option(
    "FILE", state->files,
    "Files to check (the kind is told by content); none with --probe: the targets of the environment and flags");
  sub
    ->add_flag("--probe", state->probe,
               "Ask each target whether its site and token are accepted (a bot hit: Matomo records nothing)")
    ->group("Validate");
  sub->add_option("--probe-timeout", state->probe_timeout, "Timeout of each probe (default 5s)")
    ->type_name("DURATION")
    ->group("Validate");
  add_target_options(*sub, state->config);
  sub->callback([state, &action] { action = [state] { return validate(*state); }; });
}

void add_replay(CLI::App& app, Action& action) {
  auto state = std::make_shared<ReplayState>();
  CLI::App* sub = app.add_subcommand("replay", "Resend the hits of a dead-letter file, visit by visit, in order");
  sub->add_option("FILE", state->file, "Dead-letter file (NDJSON) written by run --dead-letter")->required();
  state->config.replay = true;
  add_config_options(*sub, state->config, OptionSet{.visits = false});
  sub->add_option("--summary-json", state->summary_json, "Write the JSON summary to FILE at exit")
    ->type_name("FILE")
    ->group("Output");
  sub->add_option("--report-html", state->report_html, "Write an HTML report (works offline) to FILE at exit")
    ->type_name("FILE")
    ->group("Output");
  sub->add_flag("--force", state->force, "Replay a file that was replayed before (Matomo records its hits again)")
    ->group("Replay");
  sub
    ->add_flag("--include-unconfirmed", state->include_unconfirmed,
               "Also resend hits marked maybe_recorded (Matomo may count them twice)")
    ->group("Replay");
  sub->callback([state, &action] { action = [state] { return replay(*state); }; });
}

void add_presets(CLI::App& app, Action& action) {
  auto name = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand(
    "presets", "List the built-in presets (purpose, visits/day, visits/s); with NAME, every value it sets");
  sub->add_option("NAME", *name, "A built-in preset: print every value it sets");
  sub->callback([name, &action] { action = [name] { return app::presets_command(std::cout, *name); }; });
}

void add_merge(CLI::App& app, Action& action) {
  auto state = std::make_shared<MergeState>();
  CLI::App* sub = app.add_subcommand("merge", "Add up JSON summaries of shards into one table and one JSON summary");
  sub->add_option("FILE", state->files, "JSON summaries written by run --summary-json")->required();
  sub->add_option("--summary-json", state->summary_json, "Write the merged JSON summary to FILE")
    ->type_name("FILE")
    ->group("Output");
  sub
    ->add_flag("--from-logs", state->from_logs,
               "FILEs are logs (kubectl logs of the Job's pods): merge every summary printed between the marker lines")
    ->group("Merge");
  sub->add_flag("--allow-partial", state->allow_partial, "Exit 0 when shards are missing (they are still listed)")
    ->group("Merge");
  sub->callback([state, &action] {
    action = [state] {
      return app::merge_command(state->files, state->summary_json, state->from_logs, state->allow_partial);
    };
  });
}

}  // namespace tf::cli
