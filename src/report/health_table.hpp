#pragma once
// Human-readable renderings of a metrics snapshot: the health table (on exit and on SIGUSR1),
// the one-line live status for a terminal and the periodic log line. Pure functions of
// snapshots; colour only when the caller asks (the caller handles NO_COLOR and isatty).
#include <chrono>
#include <cstdint>
#include <string>

#include "metrics/run_metrics.hpp"
#include "util/clock.hpp"

namespace tf::report {

/// Loop lag p99 above which the generator is called the bottleneck.
inline constexpr std::chrono::milliseconds k_loop_lag_warning{50};
/// Runs shorter than this never get the bottleneck warning (start-up CPU would dominate).
inline constexpr std::chrono::seconds k_min_elapsed_for_warning{1};
/// Generator CPU, in percent of one core per thread, at or above which it is the bottleneck.
inline constexpr double k_cpu_warning_percent = 90.0;

/// Formats microseconds as milliseconds with sensible precision: "0.42", "4.25", "12.3",
/// "245", "1532". "-" when `empty`.
std::string format_ms(std::uint64_t micros, bool empty = false);

/// The health table: one row per target plus TOTAL (target, status, breaker, visits,
/// generated, acked, rejected, failed, unconfirmed, not_sent, retries (sent), in-flight,
/// p50/p90/p99/p99.9/max service time in ms, top error with the server's reason), then notes
/// (breakers, last and top errors, unidentified rejections, bulk answers without counts,
/// possible duplicates, visits not started), the run lines: seed, elapsed, achieved/requested
/// visit rate, start lag p99, generator CPU, a WARNING line when the generator is the
/// bottleneck, and the accounting line. Ends with '\n'.
std::string render_health_table(const metrics::Snapshot& snapshot, bool color);

/// The thresholds section: "thresholds: ✓ EXPR (VALUE) · ✗ EXPR (VALUE)\n"; "" with none.
std::string render_thresholds(const metrics::Snapshot& snapshot, bool color);

/// True when the generator, not the targets, limits the run: CPU ≥ 90% of one core per thread
/// or loop lag p99 > 50 ms.
bool generator_is_bottleneck(const metrics::Snapshot& snapshot) noexcept;

/// The accounting line: "generated N = acked A + rejected R + failed F + unconfirmed U +
/// not_sent S ✓", or ending
/// in "✗ (unbalanced: name, ...)". No trailing newline.
std::string render_accounting_line(const metrics::AccountingCheck& check, bool color);

/// Rates between two snapshots of one run (previous taken earlier).
struct Rates {
  double visits_per_s = 0;  ///< visits started per second
  double hits_per_s = 0;    ///< hits finished (acked + dead-lettered) per second
};
/// Rates over the interval between `previous` and `now` (their elapsed times); when the
/// interval is empty, the averages over the whole run.
Rates rates_between(const metrics::Snapshot& previous, const metrics::Snapshot& now) noexcept;

/// The one-line live status for a terminal, without newline or carriage return:
/// "elapsed 1m05s | 12.3 visits/s | 85.0 hits/s | in flight 12 | acked 5321 | failed 3 | p99 45.2 ms".
std::string render_status_line(const metrics::Snapshot& previous, const metrics::Snapshot& now,
                               bool color);

/// The periodic log line (same numbers, plain), prefixed with the UTC time `when`
/// ("2026-11-23T17:43:46Z elapsed=65s visits/s=12.3 ..."). No trailing newline.
std::string render_log_line(const metrics::Snapshot& previous, const metrics::Snapshot& now,
                            SysTime when);

} // namespace tf::report
