#pragma once
// START_AT / --start-at: every shard of a split run waits for the same instant, so the combined
// rate is right from the first second.
#include <optional>

#include "config/settings.hpp"
#include "util/clock.hpp"

namespace tf::app {

/// The instant of START_AT ("+DURATION" counts from `clock`'s now); nullopt when it is empty.
/// Throws tf::Error (usage) for a malformed value (the config rules report it first).
std::optional<SysTime> start_instant(const config::Settings& settings, const Clock& clock);

/// Waits until `instant` on the system clock, logging the wait when it begins and every
/// `report_interval` after. Returns how late the wait ended, in milliseconds (≥ 0; a start after
/// the instant begins at once and logs a warning with its lateness), or nullopt when SIGINT or
/// SIGTERM arrived during the wait.
std::optional<double> wait_for_start_at(SysTime instant, Millis report_interval, const Clock& clock);

}  // namespace tf::app
