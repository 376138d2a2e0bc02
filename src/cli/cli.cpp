#include "cli/cli.hpp"

#include <csignal>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/subcommands.hpp"
#include "cli/suggest.hpp"
#include "delivery/console.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace tf::cli {
namespace {

/// `trafficinator help [COMMAND]`: the same text as `--help` of the program or of COMMAND.
void add_help(CLI::App& app, Action& action) {
  auto command = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand("help", "Print this help, or the help of COMMAND");
  sub->add_option("COMMAND", *command, "A command (run, generate, validate, replay, presets, merge)");
  sub->callback([&app, command, &action] {
    action = [&app, command] {
      if (command->empty()) {
        std::cout << app.help();
        return 0;
      }
      if (const auto unknown = unknown_command(app, {*command})) {
        throw Error("help: " + *unknown);
      }
      std::cout << app.get_subcommand(*command)->help();
      return 0;
    };
  });
}

/// `trafficinator: error: MESSAGE` (a JSON record with --log-format json); returns `code`.
int report_error(const std::string& message, ExitCode code) {
  logging::diagnostic(logging::Level::error, std::chrono::system_clock::now(), "error: " + message,
                      {{"exit_code", std::to_string(static_cast<int>(code)), true}}, message);
  return static_cast<int>(code);
}

int usage_error(const std::string& message) { return report_error(message, ExitCode::usage); }

}  // namespace

int main(int argc, char** argv) {
  // A closed pipe is a failed write (EPIPE) that each output handles, never a silent death.
  std::signal(SIGPIPE, SIG_IGN);
  delivery::guard_standard_streams();
  CLI::App app{"trafficinator: realistic Matomo traffic generator", "trafficinator"};
  app.set_version_flag("--version", "trafficinator " TF_VERSION);
  app.require_subcommand(1, 1);
  app.footer("See trafficinator(1) for settings, files, exit codes and examples. "
             "First run: trafficinator run --url URL --site-id N --visits 50");
  Action action;
  add_run(app, action);
  add_generate(app, action);
  add_validate(app, action);
  add_replay(app, action);
  add_find_capacity(app, action);
  add_presets(app, action);
  add_merge(app, action);
  add_report(app, action);
  add_verify(app, action);
  add_help(app, action);
  add_completion(app, action);
  const std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
  if (const auto unknown = unknown_command(app, args)) {
    return usage_error(*unknown);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ExtrasError& e) {
    if (const auto unknown = unknown_option(app, args)) {
      return usage_error(*unknown);
    }
    return app.exit(e) == 0 ? 0 : static_cast<int>(ExitCode::usage);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : static_cast<int>(ExitCode::usage);
  }
  try {
    return action ? action() : 0;
  } catch (const Error& e) {
    return report_error(e.what(), e.code());
  }
}

}  // namespace tf::cli
