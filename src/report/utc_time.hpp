#pragma once
// System times as text in ISO 8601 UTC, for the JSON summary and log lines.
#include <optional>
#include <string>

#include "util/clock.hpp"

namespace tf::report {

/// "2026-11-23T17:43:46.123Z" (milliseconds, truncated).
std::string format_utc(SysTime time);
/// "2026-11-23T17:43:46Z" (whole seconds, truncated), for log lines.
std::string format_utc_seconds(SysTime time);
/// Parses "YYYY-MM-DDTHH:MM:SS[.fff]Z"; nullopt if malformed or out of range.
std::optional<SysTime> parse_utc(const std::string& text);

}  // namespace tf::report
