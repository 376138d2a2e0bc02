// `trafficinator generate`: the visits of `run` as NDJSON or URL lines, no network.
#include <cstdlib>
#include <memory>

#include "cli/config_options.hpp"
#include "cli/subcommands.hpp"
#include "util/error.hpp"

namespace tf::cli {
namespace {

struct GenerateState {
  ConfigOptions config;
  long long visits = 100;
  std::string format = "ndjson";
  std::string output;
  VisitScope scope;
};

int generate(GenerateState& state) {
  app::GenerateOptions options;
  options.shard = apply_scope(state.scope, state.config);
  options.backfill_range = state.scope.backfill;
  auto settings = load_settings(state.config);
  if (!settings) {
    return 0;
  }
  options.settings = std::move(*settings);
  options.visits = state.visits;
  options.format = state.format;
  options.output = state.output;
  options.show_secrets = state.config.show_secrets;
  return app::generate_command(options);
}

}  // namespace

void add_generate(CLI::App& app, Action& action) {
  auto state = std::make_shared<GenerateState>();
  CLI::App* sub =
    app.add_subcommand("generate", "Write the visits `run` would send (same seed, same visits) without any network");
  add_config_options(*sub, state->config, OptionSet{.delivery = false});
  sub->add_option("--visits", state->visits, "Number of visits to generate (default 100)")
    ->type_name("N")
    ->transform(decimal_integer())
    ->check(CLI::Range(1LL, 1'000'000'000'000LL))
    ->group("Generate");
  sub->add_option("--format", state->format, "Output format: ndjson (one hit a line) or urls (one tracking URL a line)")
    ->check(CLI::IsMember({"ndjson", "urls"}))
    ->type_name("ndjson|urls")
    ->group("Generate");
  sub->add_option("--output", state->output, "Output file (default: standard output)")
    ->type_name("FILE")
    ->group("Generate");
  sub->add_option("--backfill", state->scope.backfill, "Generate for the days FROM..TO (YYYY-MM-DD..YYYY-MM-DD)")
    ->type_name("FROM..TO")
    ->group("Generate");
  sub->add_option("--shard", state->scope.shard, "Generate shard K of N (0-based)")
    ->type_name("K/N")
    ->group("Generate");
  sub->add_option("--shard-count", state->scope.shard_count, "N shards; K comes from JOB_COMPLETION_INDEX")
    ->type_name("N")
    ->transform(decimal_integer())
    ->check(CLI::Range(1, 100000))
    ->group("Generate");
  sub->callback([state, &action] { action = [state] { return generate(*state); }; });
}

}  // namespace tf::cli
