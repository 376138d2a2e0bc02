// `trafficinator find-capacity`: step the visit rate up until a threshold breaks.
#include <memory>

#include "app/commands.hpp"
#include "cli/config_options.hpp"
#include "cli/subcommands.hpp"

namespace tf::cli {
namespace {

struct CapacityState {
  ConfigOptions config;
  std::string summary_json;
  /// --start-rate, --step, --step-factor, --warmup, --max-rate: flag → value (CAPACITY_* keys)
  std::map<std::string, std::string> values;
};

struct CapacityFlag {
  const char* flag;
  const char* key;
  const char* type;
  const char* help;
};

constexpr CapacityFlag k_capacity_flags[] = {
  {"--start-rate", "CAPACITY_START_RATE", "VISITS/s",
   "Visits per second of the first step and the warm-up (CAPACITY_START_RATE, default 10)"},
  {"--step", "CAPACITY_STEP", "DURATION", "Length of each step (CAPACITY_STEP, default 30s)"},
  {"--step-factor", "CAPACITY_STEP_FACTOR", "X",
   "Multiply the rate by X after each step that held (CAPACITY_STEP_FACTOR, default 1.5)"},
  {"--warmup", "CAPACITY_WARMUP", "DURATION",
   "An unjudged first step at the start rate; 0: none (CAPACITY_WARMUP, default 10s)"},
  {"--max-rate", "CAPACITY_MAX_RATE", "VISITS/s", "Never step above this rate (CAPACITY_MAX_RATE, default 10000)"},
};

int find_capacity(CapacityState& state) {
  for (const auto& f : k_capacity_flags) {
    if (const auto it = state.values.find(f.flag); it != state.values.end()) {
      state.config.extra.push_back({f.key, it->second, f.flag});
    }
  }
  auto settings = load_settings(state.config);
  if (!settings) {
    return 0;
  }
  app::CapacityOptions options;
  options.settings = std::move(*settings);
  options.summary_json = state.summary_json;
  return app::find_capacity_command(options);
}

}  // namespace

void add_find_capacity(CLI::App& app, Action& action) {
  auto state = std::make_shared<CapacityState>();
  CLI::App* sub = app.add_subcommand(
    "find-capacity",
    "Step the visit rate up (then bisect) until a threshold breaks; report the highest rate that held");
  add_config_options(*sub, state->config);
  for (const auto& f : k_capacity_flags) {
    const std::string name = f.flag;
    sub
      ->add_option_function<std::string>(
        name, [state, name](const std::string& v) { state->values[name] = v; }, f.help)
      ->type_name(f.type)
      ->group("Capacity");
  }
  sub
    ->add_option("--summary-json", state->summary_json,
                 "Write the capacity, where it broke and every step as JSON to FILE")
    ->type_name("FILE")
    ->group("Output");
  sub->callback([state, &action] { action = [state] { return find_capacity(*state); }; });
}

}  // namespace tf::cli
