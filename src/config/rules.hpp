#pragma once
// Rules that involve more than one key (min ≤ max, the backfill window, tokens), checked after
// all layers are applied. Each problem is reported where the offending key was set.
#include <optional>
#include <string>

#include <date/date.h>

#include "config/diagnostic.hpp"
#include "config/settings.hpp"

namespace tf::config {

/// Longest backfill window, in days (inclusive count).
inline constexpr int k_max_backfill_days = 180;

/// Checks the cross-field rules. `today` is the current date in TIMEZONE (nullopt: computed).
/// Problems of keys left at their defaults are reported against `fallback_file`.
/// `generates_visits` false (replay): the visit model's rules (cip without a token) are skipped.
void check_rules(const Settings& settings, Diagnostics& diags, std::optional<date::sys_days> today,
                 const std::string& fallback_file = "defaults", bool generates_visits = true);

/// Today's date in the IANA time zone `tz` (UTC when the zone is unknown).
date::sys_days today_in(const std::string& tz);

}  // namespace tf::config
