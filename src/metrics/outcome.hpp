#pragma once
// The one outcome vocabulary of the tool, shared by the engine, the metrics and the reports
// (DESIGN.md, "Words"): what became of a hit, why an attempt failed, and a target's breaker.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tf::metrics {

/// What became of one generated hit; exactly one per hit.
enum class Outcome : std::uint8_t {
  acked,  ///< the server said it recorded the hit (2xx; `tracked` in a bulk answer)
  rejected,  ///< the server said no (4xx; `invalid` in a bulk answer)
  failed,  ///< certainly not recorded (connect, DNS, TLS, redirect, 5xx/429 after retries)
  unconfirmed,  ///< may have been recorded (timeout/reset after sending; in flight at a cut-off)
  not_sent,  ///< never sent (stop, open circuit, an earlier hit of the visit rejected/failed)
};
inline constexpr std::size_t k_outcome_count = 5;
/// "acked", "rejected", "failed", "unconfirmed", "not_sent" (the summary's field names).
std::string_view to_string(Outcome outcome) noexcept;

/// Why one request attempt did not succeed (none: it did).
enum class ErrorKind : std::uint8_t {
  none,
  timeout,
  connect,
  dns,
  tls,
  reset,
  redirect,
  http_4xx,
  http_5xx,
  bulk_invalid,
  other
};
inline constexpr std::size_t k_error_kind_count = 11;
/// "none", "timeout", "connect", "dns", "tls", "reset", "redirect", "http_4xx", "http_5xx",
/// "bulk_invalid", "other".
std::string_view to_string(ErrorKind kind) noexcept;
/// Inverse of to_string(ErrorKind); nullopt for an unknown name.
std::optional<ErrorKind> error_kind_from_string(std::string_view name) noexcept;

/// Circuit breaker state of a target, least to most severe.
enum class BreakerState : std::uint8_t { closed, half_open, open };
/// "closed", "half-open", "open".
std::string_view to_string(BreakerState state) noexcept;
std::optional<BreakerState> breaker_state_from_string(std::string_view name) noexcept;

}  // namespace tf::metrics
