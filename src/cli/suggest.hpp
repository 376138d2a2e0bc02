#pragma once
// "Did you mean": unknown subcommands and options are answered with the closest known name.
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace tf::cli {

/// When `args` (without the program name) name no known subcommand first, the error text for
/// it, e.g. `unknown command "rn"; did you mean run?`. nullopt when the first word is known
/// or is an option.
std::optional<std::string> unknown_command(const CLI::App& app, const std::vector<std::string>& args);

/// For a parse that left arguments over: the first `--option` in `args` the subcommand does not
/// know, with the closest known option, e.g. `run: unknown option --visit; did you mean --visits?`.
/// nullopt when every option is known (the extras are then positional).
std::optional<std::string> unknown_option(const CLI::App& app, const std::vector<std::string>& args);

}  // namespace tf::cli
