#pragma once

namespace tf::cli {

/// Parses the command line, runs the subcommand, prints `trafficinator: error: …` for a
/// tf::Error and returns the documented exit code.
int main(int argc, char** argv);

}  // namespace tf::cli
