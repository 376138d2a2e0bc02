#pragma once
// The marker that guards against replaying one dead-letter file twice (Matomo would record its
// hits again).
#include <optional>
#include <string>

#include "delivery/dead_letter.hpp"
#include "util/clock.hpp"

namespace tf::app {

/// The marker path for a dead-letter file: "`path`.replayed".
std::string marker_path(const std::string& path);

/// When the marker at `marker` records a replay of content with `hash`: its UTC time text;
/// nullopt when there is no marker or it is for other content (an unreadable marker counts
/// as none).
std::optional<std::string> replayed_at(const std::string& marker, const std::string& hash);

/// Writes the marker atomically: {"file","hash","hits","replayed_at"}. Throws tf::Error
/// (runtime) when it cannot be written.
void write_marker(const std::string& marker, const delivery::DeadLetterFile& file, SysTime now);

}  // namespace tf::app
