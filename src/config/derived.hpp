#pragma once
// Values derived from other values by documented rules, applied after every layer. A derived
// value has origin Layer::rule (its text says the rule), so --show-config prints what will run.
// A value the user set (any layer but the defaults) is never changed by a rule.
#include "config/diagnostic.hpp"
#include "config/settings.hpp"

namespace tf::config {

/// BULK of a backfill when the user left it unset.
inline constexpr int k_backfill_bulk = 100;
/// With BULK set, CONCURRENCY unset: visits in progress = this many × BULK. A visit has one hit in
/// flight at a time, so 5 × BULK visits fill five batches at once (the bench's tuned line).
inline constexpr int k_bulk_concurrency_factor = 5;
/// With BULK set, MAX_IN_FLIGHT unset: POSTs in flight per target at least this many (and at
/// least 2 per batch CONCURRENCY can fill), at most MAX_IN_FLIGHT's default.
inline constexpr int k_bulk_min_in_flight = 50;

/// True when `key` was set by the user: a preset, a file, the environment or a flag (not the
/// defaults, not a rule).
bool set_by_user(const Settings& settings, const std::string& key);

/// Applies the rules (backfill BULK; CONCURRENCY and MAX_IN_FLIGHT for BULK) and warns, with the
/// numbers, when the user's own CONCURRENCY cannot fill a batch.
void apply_derived(Settings& settings, Diagnostics& diags);

}  // namespace tf::config
