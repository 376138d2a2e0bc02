#include "metrics/outcome.hpp"

#include <array>

namespace tf::metrics {
namespace {

constexpr std::array<std::string_view, k_outcome_count> k_outcome_names = {"acked", "rejected", "failed", "unconfirmed",
                                                                           "not_sent"};
constexpr std::array<std::string_view, k_error_kind_count> k_error_names = {
  "none", "timeout", "connect", "dns", "tls", "reset", "redirect", "http_4xx", "http_5xx", "bulk_invalid", "other"};

}  // namespace

std::string_view to_string(Outcome outcome) noexcept { return k_outcome_names[static_cast<std::size_t>(outcome)]; }

std::string_view to_string(ErrorKind kind) noexcept { return k_error_names[static_cast<std::size_t>(kind)]; }

std::optional<ErrorKind> error_kind_from_string(std::string_view name) noexcept {
  for (std::size_t i = 0; i < k_error_kind_count; ++i) {
    if (k_error_names[i] == name) {
      return static_cast<ErrorKind>(i);
    }
  }
  return std::nullopt;
}

std::string_view to_string(BreakerState state) noexcept {
  switch (state) {
    case BreakerState::closed: return "closed";
    case BreakerState::half_open: return "half-open";
    case BreakerState::open: return "open";
  }
  return "closed";
}

std::optional<BreakerState> breaker_state_from_string(std::string_view name) noexcept {
  for (auto state : {BreakerState::closed, BreakerState::half_open, BreakerState::open}) {
    if (to_string(state) == name) {
      return state;
    }
  }
  return std::nullopt;
}

}  // namespace tf::metrics
