#pragma once
// `trafficinator replay FILE`: resends the hits of a dead-letter file, visit by visit and in
// order, to the targets named in it, with the retry policy of `run`; writes what still fails to
// a new dead-letter file and refuses to replay one file twice without --force.
#include <cstdio>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "delivery/dead_letter.hpp"
#include "delivery/visit_flow.hpp"
#include "engine/engine.hpp"
#include "util/clock.hpp"

namespace tf::app {

/// The seams of replay; replay_command(options) uses the system clock, libcurl and signals.
struct ReplaySeams {
  const Clock& clock;
  engine::TransportFactory transport;  ///< empty: libcurl
  bool interactive = true;  ///< signal handlers and the live status/log reporter
  std::FILE* table_out = stdout;  ///< where the health table goes
};

int replay_command(const ReplayOptions& options, const ReplaySeams& seams);

/// Where hits that still fail go: DEAD_LETTER_FILE when given on the command line
/// (--dead-letter), else "FILE.failed". A value from a preset, .env file or the environment is
/// ignored: it names the output of `run`, often the very file being replayed.
std::string replay_output_path(const ReplayOptions& options);

/// The replay plan: the configured targets the file names (configuration order) and the engine
/// target index of each visit of `file`.
struct ReplayTargets {
  std::vector<delivery::TargetContext> contexts;
  std::vector<std::size_t> visit_targets;
};

/// Looks up every target named in `file` in the current configuration. Throws tf::Error
/// (usage) listing every unknown or disabled target, and every target without token_auth that
/// has hits Matomo accepts only with a token (cdt 24 h or more before `now`, or cip).
ReplayTargets resolve_replay_targets(const config::Settings& settings, const delivery::DeadLetterFile& file,
                                     SysTime now);

}  // namespace tf::app
