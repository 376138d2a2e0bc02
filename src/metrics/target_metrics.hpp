#pragma once
// Counters of one delivery target (h2load's Stats vocabulary: the unit is above every field).
// Plain data: the owner updates it under its own lock; renderers see copies (Snapshot).
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "metrics/histogram.hpp"
#include "metrics/outcome.hpp"
#include "util/clock.hpp"

namespace tf::metrics {

/// Health of a target from the share of its hits that are not acked (see classify_health()).
enum class Health : std::uint8_t { unknown, healthy, degraded, failing };
/// "unknown", "healthy", "degraded", "failing".
std::string_view to_string(Health health) noexcept;

/// Classifies `acked` of `finished` hits (finished: hits with an outcome): `unknown` when
/// finished == 0, else `healthy` when at most 1 % are not acked, `degraded` up to 10 %, `failing`
/// above. Exact integer comparison, no rounding: 99/100 is healthy, 90/100 degraded, 89/100 failing.
Health classify_health(std::uint64_t acked, std::uint64_t finished) noexcept;

struct TargetMetrics {
  /// target name as configured ("default" for the single-target mode)
  std::string name;

  /// visits: visits routed to this target whose first hit was admitted
  std::uint64_t visits_started = 0;
  /// visits: visits whose every hit ended with an outcome other than not_sent at a stop
  std::uint64_t visits_completed = 0;
  /// visits: visits built but cut at a stop before their first hit was sent (their hits are
  /// not counted as generated)
  std::uint64_t visits_not_started = 0;
  /// hits: hits of the visits routed here that started (all hits of a started visit count)
  std::uint64_t hits_generated = 0;
  /// requests: HTTP request attempts sent, first tries and retries (a bulk POST counts once)
  std::uint64_t requests = 0;
  /// hits: the server said it recorded them (2xx, or counted `tracked` in a bulk answer)
  std::uint64_t acked = 0;
  /// hits: the server said no (4xx, or counted `invalid` in a bulk answer)
  std::uint64_t rejected = 0;
  /// hits: certainly not recorded (connect/DNS/TLS errors, redirects, 5xx/429 after the retries)
  std::uint64_t failed = 0;
  /// hits: may have been recorded (timeout or reset after sending, in flight at a cut-off,
  /// tracked + invalid != sent in a bulk answer)
  std::uint64_t unconfirmed = 0;
  /// hits: never sent (stop, open circuit, an earlier hit of the visit rejected or failed)
  std::uint64_t not_sent = 0;
  /// hits: sent again although an earlier attempt may have been recorded (--retry-unconfirmed)
  std::uint64_t possible_duplicates = 0;
  /// hits: counted `invalid` by a bulk answer that did not say which (no invalid_indices)
  std::uint64_t unidentified_rejections = 0;
  /// requests: 2xx bulk answers without tracked/invalid counts (hits counted acked unconfirmed)
  std::uint64_t bulk_answers_without_counts = 0;
  /// requests: attempts that ended in an error or an unsuccessful status
  std::uint64_t failed_attempts = 0;
  /// requests: retries actually sent (a bulk retry counts once per hit it carries again)
  std::uint64_t retries = 0;
  /// requests: gauge, requests currently in flight
  std::int64_t in_flight = 0;

  /// requests: answers by HTTP status code
  std::map<int, std::uint64_t> status_codes;
  /// requests: failed attempts by kind, indexed by ErrorKind
  std::array<std::uint64_t, k_error_kind_count> errors{};

  /// microseconds: request sent → answer received, per attempt
  Histogram service_time;
  /// microseconds: intended send time → answer received (coordinated-omission corrected)
  Histogram intended_time;

  /// the server's reason for the top error kind (first 200 bytes of the answer, tags stripped,
  /// tokens redacted, or a bulk answer's message); "" when none
  std::string top_error_detail;
  /// text of the most recent failed attempt ("" when none)
  std::string last_error;
  /// system time of the most recent failed attempt
  std::optional<SysTime> last_error_at;

  /// circuit breaker state now
  BreakerState breaker = BreakerState::closed;
  /// count: breaker state changes
  std::uint64_t breaker_transitions = 0;
  /// microseconds: total time the breaker spent open
  std::chrono::microseconds breaker_open_time{0};

  /// Counts one answer with HTTP status `code`.
  void record_status(int code);
  /// Counts one failed attempt of `kind` and remembers its text and time as the last error
  /// (and `detail` as the top error's detail when `kind` is, or becomes, the top error).
  void record_error(ErrorKind kind, std::string text, SysTime when, std::string_view detail = {});
  /// Counts one hit's final outcome.
  void count(Outcome outcome) noexcept;
  /// hits with an outcome: acked + rejected + failed + unconfirmed + not_sent
  std::uint64_t finished() const noexcept { return acked + rejected + failed + unconfirmed + not_sent; }
  /// Count of failed attempts of `kind`.
  std::uint64_t error_count(ErrorKind kind) const noexcept { return errors[static_cast<std::size_t>(kind)]; }
  /// The most frequent error kind (the first in enum order on ties); nullopt with no errors.
  std::optional<ErrorKind> top_error() const noexcept;

  /// Adds `other` into this: counters, codes, errors and histograms add; the in-flight gauge
  /// adds; the later last error wins; breaker state becomes the more severe one
  /// (open > half-open > closed) and transitions and open time add. The name is kept.
  void merge(const TargetMetrics& other);
};

/// Success rate of a target: acked / finished(); nullopt when no hit has an outcome.
std::optional<double> success_rate(const TargetMetrics& target) noexcept;
/// Failure rate: everything not acked over generated hits (0 with none generated).
double failure_rate(const TargetMetrics& target) noexcept;
/// classify_health(acked, finished()); `failing` whenever the breaker is open or half-open (the
/// target takes no traffic now), and when no hit finished but attempts failed.
Health health_of(const TargetMetrics& target) noexcept;
/// The TOTAL of several targets: by outcomes only (one target's open circuit says nothing
/// about the others).
Health total_health_of(const TargetMetrics& total) noexcept;

}  // namespace tf::metrics
