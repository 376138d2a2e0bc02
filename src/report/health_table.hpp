#pragma once
// Human-readable renderings of a metrics snapshot: the health table (on exit and on SIGUSR1),
// the one-line live status for a terminal and the periodic log line. Pure functions of
// snapshots; colour only when the caller asks (the caller handles NO_COLOR and isatty).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "metrics/run_metrics.hpp"
#include "util/clock.hpp"
#include "util/log.hpp"

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
///
/// With `width` > 0 (a terminal's columns) the table fits it: the wide layout above when it is
/// at most `width` columns wide, else the compact one (target, status, acked, rejected, failed,
/// unconfirmed, not_sent, p99 ms, target names cut short if need be; the other columns follow
/// as two lines per target), and lines below the table longer than `width` are wrapped.
/// `width` 0 (not a terminal): the wide layout, no line wrapped.
std::string render_health_table(const metrics::Snapshot& snapshot, bool color, std::size_t width = 0);

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
  double hits_per_s = 0;  ///< hits finished (acked + dead-lettered) per second
};
/// Rates over the interval between `previous` and `now` (their elapsed times); when the
/// interval is empty, the averages over the whole run. An interval without a new visit shows
/// the run's average visit rate (a slow rate starts none in most intervals).
Rates rates_between(const metrics::Snapshot& previous, const metrics::Snapshot& now) noexcept;

/// What bounds a run, for % done and ETA; 0 = no such bound.
struct RunBound {
  std::uint64_t visits = 0;  ///< --visits, or a backfill's planned visits
  std::chrono::milliseconds duration{0};  ///< --duration or AUTO_STOP_AFTER_HOURS
};

/// Share of the run done (0..1) and the time left, from the visits started and the elapsed time
/// (the nearer bound wins); nullopt without a bound.
struct Progress {
  double done = 0;
  std::optional<std::chrono::milliseconds> eta;  ///< nullopt until a rate is known
};
std::optional<Progress> progress(const metrics::Snapshot& now, const RunBound& bound) noexcept;

/// Visits or hits per second with enough digits for slow rates: "12.3", "2.0", "0.12", "0.0012".
std::string format_rate(double per_second);

/// The one-line live status for a terminal, without newline or carriage return:
/// "elapsed 1m05s | 37% eta 1m50s | 12.3 visits/s | 85.0 hits/s | in flight 12 | acked 5321 |
/// failed 3 | p99 45.2 ms" (the progress field only with a bound). With `width` > 0, fields are
/// dropped from the right until the visible text is shorter than `width` (a line exactly as wide
/// as the terminal would wrap on some); the first field is always kept.
std::string render_status_line(const metrics::Snapshot& previous, const metrics::Snapshot& now, bool color,
                               std::size_t width = 0, const RunBound& bound = {});

/// The periodic log record's fields, in order: elapsed, [done_pct, eta], visits_per_s,
/// hits_per_s, in_flight, acked, failed, dead_lettered, p99_ms (numbers marked for JSON).
std::vector<logging::Field> status_fields(const metrics::Snapshot& previous, const metrics::Snapshot& now,
                                          const RunBound& bound = {});

/// The periodic log line (same numbers, plain), prefixed with the UTC time `when`
/// ("2026-11-23T17:43:46Z elapsed=65s visits/s=12.3 ..."). No trailing newline.
std::string render_log_line(const metrics::Snapshot& previous, const metrics::Snapshot& now, SysTime when,
                            const RunBound& bound = {});

}  // namespace tf::report
