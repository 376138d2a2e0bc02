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
#include "util/clock.hpp"

namespace tf::metrics {

/// Why one request attempt failed.
enum class ErrorKind : std::uint8_t { timeout, connect, dns, tls, reset, http_4xx, http_5xx, other };
inline constexpr std::size_t k_error_kind_count = 8;
/// "timeout", "connect", "dns", "tls", "reset", "http_4xx", "http_5xx", "other".
std::string_view to_string(ErrorKind kind) noexcept;
/// Inverse of to_string(ErrorKind); nullopt for an unknown name.
std::optional<ErrorKind> error_kind_from_string(std::string_view name) noexcept;

/// Circuit breaker state of a target.
enum class BreakerState : std::uint8_t { closed, half_open, open };
/// "closed", "half-open", "open".
std::string_view to_string(BreakerState state) noexcept;
std::optional<BreakerState> breaker_state_from_string(std::string_view name) noexcept;

/// Health of a target from its success rate (see success_rate()).
enum class Health : std::uint8_t { unknown, healthy, degraded, failed };
/// "unknown", "healthy", "degraded", "failed".
std::string_view to_string(Health health) noexcept;

/// Success rate at or above which a target is `healthy`.
inline constexpr double k_healthy_rate = 0.95;
/// Success rate at or above which a target is `degraded` (below: `failed`).
inline constexpr double k_degraded_rate = 0.70;

/// Classifies `succeeded` of `finished` hits: `unknown` when finished == 0, else `healthy`
/// (rate ≥ 95%), `degraded` (≥ 70%) or `failed`. Exact integer comparison, no rounding:
/// 19/20 is healthy, 19/25 degraded, 19/35 failed.
Health classify_health(std::uint64_t succeeded, std::uint64_t finished) noexcept;

struct TargetMetrics {
  /// target name as configured ("default" for the single-target mode)
  std::string name;

  /// visits: visits routed to this target whose first hit was admitted
  std::uint64_t visits_started = 0;
  /// visits: visits whose every hit ended acked or dead-lettered
  std::uint64_t visits_completed = 0;
  /// hits: hits of the visits routed here (all hits of a visit count when it is routed)
  std::uint64_t hits_generated = 0;
  /// requests: HTTP request attempts sent, first tries and retries (a bulk POST counts once)
  std::uint64_t requests = 0;
  /// hits: hits the target confirmed (2xx, or counted as tracked in a bulk answer)
  std::uint64_t acked = 0;
  /// requests: attempts that ended in an error or an unsuccessful status
  std::uint64_t failed_attempts = 0;
  /// requests: attempts that were retries of an earlier failed attempt
  std::uint64_t retries = 0;
  /// hits: hits given up after the retry policy (with the rest of their visit)
  std::uint64_t dead_lettered = 0;
  /// hits: hits of visits cut by the drain timeout at exit (also in the dead-letter file)
  std::uint64_t abandoned = 0;
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
  /// Counts one failed attempt of `kind` and remembers its text and time as the last error.
  void record_error(ErrorKind kind, std::string text, SysTime when);
  /// Count of failed attempts of `kind`.
  std::uint64_t error_count(ErrorKind kind) const noexcept { return errors[static_cast<std::size_t>(kind)]; }
  /// The most frequent error kind (the first in enum order on ties); nullopt with no errors.
  std::optional<ErrorKind> top_error() const noexcept;

  /// Adds `other` into this: counters, codes, errors and histograms add; the in-flight gauge
  /// adds; the later last error wins; breaker state becomes the more severe one
  /// (open > half-open > closed) and transitions and open time add. The name is kept.
  void merge(const TargetMetrics& other);
};

/// Success rate of a target, defined on finished hits:
///   acked / (acked + dead_lettered).
/// Abandoned hits (cut by the drain timeout) and hits still in progress do not count: they say
/// nothing about the target. Retried attempts that later succeed count as success. nullopt
/// when no hit has finished.
std::optional<double> success_rate(const TargetMetrics& target) noexcept;
/// classify_health(acked, acked + dead_lettered); `failed` when no hit finished but attempts failed,
/// and whenever the circuit breaker is open or half-open (the target takes no traffic now).
Health health_of(const TargetMetrics& target) noexcept;
/// The TOTAL of several targets: by success rate only (one target's open circuit says nothing
/// about the others).
Health total_health_of(const TargetMetrics& total) noexcept;

} // namespace tf::metrics
