#pragma once
// `--show-config`: every key of the settings table with its value and origin.
#include <ostream>

#include "config/settings.hpp"

namespace tf::app {

/// Prints one aligned `KEY  VALUE  ORIGIN` row per key, then one row per target when a
/// targets list is configured. Secrets print as *** unless `show_secrets`.
void print_settings(std::ostream& out, const config::Settings& settings, bool show_secrets);

}  // namespace tf::app
