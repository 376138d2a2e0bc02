#include "cli/cli.hpp"

#include <csignal>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app/console.hpp"
#include "cli/subcommands.hpp"
#include "util/error.hpp"

namespace tf::cli {

int main(int argc, char** argv) {
  // A closed pipe is a failed write (EPIPE) that each output handles, never a silent death.
  std::signal(SIGPIPE, SIG_IGN);
  app::guard_standard_streams();
  CLI::App app{"trafficinator: realistic Matomo traffic generator", "trafficinator"};
  app.set_version_flag("--version", "trafficinator " TF_VERSION);
  app.require_subcommand(1, 1);
  app.footer("See trafficinator(1) for settings, files, exit codes and examples.");
  Action action;
  add_run(app, action);
  add_generate(app, action);
  add_validate(app, action);
  add_replay(app, action);
  add_presets(app, action);
  add_merge(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : static_cast<int>(ExitCode::usage);
  }
  try {
    return action ? action() : 0;
  } catch (const Error& e) {
    std::cerr << "trafficinator: error: " << e.what() << '\n';
    return static_cast<int>(e.code());
  }
}

} // namespace tf::cli
