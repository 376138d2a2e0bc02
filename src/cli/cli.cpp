#include "cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "util/error.hpp"

namespace tf::cli {

int main(int argc, char** argv) {
  CLI::App app{"trafficinator: realistic Matomo traffic generator", "trafficinator"};
  app.set_version_flag("--version", "trafficinator 0.1.0");
  app.require_subcommand(0, 1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : static_cast<int>(ExitCode::usage);
  }
  return 0;
}

} // namespace tf::cli
