// Temporary: entry points whose implementation is in progress in this session. Each file that
// implements one for real removes its definition from here. This file must be gone before
// the issue that owns the command is called resolved.
#include "app/commands.hpp"
#include "util/error.hpp"

namespace tf::app {

int replay_command(const ReplayOptions&) { throw Error("replay: not available in this build", ExitCode::runtime); }

} // namespace tf::app
