#pragma once
// START_AT / --start-at: an instant given as an RFC 3339 time or as a delay from now.
#include <chrono>
#include <optional>
#include <string_view>

#include "util/clock.hpp"

namespace tf {

/// A parsed START_AT: either an absolute instant or a delay from the moment it is resolved.
struct StartAt {
  std::optional<SysTime> absolute;  ///< set for an RFC 3339 time
  Millis delay{0};  ///< "+DURATION": from the moment of resolve()

  /// The instant: `absolute`, or `now + delay`.
  SysTime resolve(SysTime now) const { return absolute ? *absolute : now + delay; }
};

/// Parses "+DURATION" (any parse_duration text after a '+': "+30s", "+1.5m", "+250ms") or an
/// RFC 3339 date-time "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)" ('T' or 't' or ' ', 'Z'
/// or 'z'; leap seconds refused). nullopt if malformed or out of range.
std::optional<StartAt> parse_start_at(std::string_view text);

}  // namespace tf
