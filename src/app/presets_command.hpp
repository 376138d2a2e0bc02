#pragma once
// `trafficinator presets [NAME]`: what each built-in preset is for, its rate, and its values.
#include <ostream>
#include <string>

namespace tf::app {

/// Without `name`: one row per preset (name, visits/day, visits/s, one-line purpose). With a
/// preset's name: its purpose and every KEY=VALUE it sets, in file order. Returns 0; throws
/// tf::Error (usage) for an unknown name, with the closest one.
int presets_command(std::ostream& out, const std::string& name = "");

}  // namespace tf::app
