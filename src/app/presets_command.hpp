#pragma once
// `trafficinator presets`: the built-in presets and the values they set.
#include <ostream>

namespace tf::app {

/// Prints a table: one row per key that any preset sets, one column per preset. Returns 0.
int presets_command(std::ostream& out);

} // namespace tf::app
