#pragma once
// One function per subcommand: each adds its CLI11 subcommand to `app` and, when the
// subcommand is parsed, stores in `action` the call that runs it (after parsing, outside CLI11).
#include <functional>

#include <CLI/CLI.hpp>

namespace tf::cli {

using Action = std::function<int()>;

void add_run(CLI::App& app, Action& action);
void add_generate(CLI::App& app, Action& action);
void add_validate(CLI::App& app, Action& action);
void add_replay(CLI::App& app, Action& action);
void add_presets(CLI::App& app, Action& action);
void add_merge(CLI::App& app, Action& action);
void add_find_capacity(CLI::App& app, Action& action);
void add_report(CLI::App& app, Action& action);
void add_verify(CLI::App& app, Action& action);
/// Hidden: `completion bash`, generated from the subcommands and options added to `app` before it.
void add_completion(CLI::App& app, Action& action);

}  // namespace tf::cli
