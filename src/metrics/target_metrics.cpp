#include "metrics/target_metrics.hpp"

#include <algorithm>

namespace tf::metrics {
namespace {

constexpr std::array<std::string_view, k_error_kind_count> k_error_names = {
    "timeout", "connect", "dns", "tls", "reset", "http_4xx", "http_5xx", "other"};

} // namespace

std::string_view to_string(ErrorKind kind) noexcept {
  return k_error_names[static_cast<std::size_t>(kind)];
}

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

std::string_view to_string(Health health) noexcept {
  switch (health) {
    case Health::unknown: return "unknown";
    case Health::healthy: return "healthy";
    case Health::degraded: return "degraded";
    case Health::failed: return "failed";
  }
  return "unknown";
}

Health classify_health(std::uint64_t succeeded, std::uint64_t finished) noexcept {
  if (finished == 0) {
    return Health::unknown;
  }
  // Integer forms of succeeded/finished >= 0.95 and >= 0.70, free of rounding.
  if (succeeded * 100 >= finished * 95) {
    return Health::healthy;
  }
  if (succeeded * 100 >= finished * 70) {
    return Health::degraded;
  }
  return Health::failed;
}

void TargetMetrics::record_status(int code) { ++status_codes[code]; }

void TargetMetrics::record_error(ErrorKind kind, std::string text, SysTime when) {
  ++errors[static_cast<std::size_t>(kind)];
  last_error = std::move(text);
  last_error_at = when;
}

std::optional<ErrorKind> TargetMetrics::top_error() const noexcept {
  const auto top = std::max_element(errors.begin(), errors.end(),
                                    [](std::uint64_t a, std::uint64_t b) { return a < b; });
  if (*top == 0) {
    return std::nullopt;
  }
  return static_cast<ErrorKind>(top - errors.begin());
}

void TargetMetrics::merge(const TargetMetrics& other) {
  visits_started += other.visits_started;
  visits_completed += other.visits_completed;
  hits_generated += other.hits_generated;
  requests += other.requests;
  acked += other.acked;
  failed_attempts += other.failed_attempts;
  retries += other.retries;
  dead_lettered += other.dead_lettered;
  abandoned += other.abandoned;
  in_flight += other.in_flight;
  for (const auto& [code, count] : other.status_codes) {
    status_codes[code] += count;
  }
  for (std::size_t i = 0; i < k_error_kind_count; ++i) {
    errors[i] += other.errors[i];
  }
  service_time.merge(other.service_time);
  intended_time.merge(other.intended_time);
  if (other.last_error_at && (!last_error_at || *other.last_error_at > *last_error_at)) {
    last_error = other.last_error;
    last_error_at = other.last_error_at;
  }
  breaker = std::max(breaker, other.breaker);
  breaker_transitions += other.breaker_transitions;
  breaker_open_time += other.breaker_open_time;
}

std::optional<double> success_rate(const TargetMetrics& target) noexcept {
  const std::uint64_t finished = target.acked + target.dead_lettered;
  if (finished == 0) {
    return std::nullopt;
  }
  return static_cast<double>(target.acked) / static_cast<double>(finished);
}

Health health_of(const TargetMetrics& target) noexcept {
  if (target.breaker != BreakerState::closed) {
    return Health::failed;  // its circuit is open now: it takes no traffic, whatever it did before
  }
  return total_health_of(target);
}

Health total_health_of(const TargetMetrics& target) noexcept {
  if (target.acked + target.dead_lettered == 0 && target.failed_attempts > 0) {
    return Health::failed;  // every request failed and no hit got an outcome yet (e.g. abandoned)
  }
  return classify_health(target.acked, target.acked + target.dead_lettered);
}

} // namespace tf::metrics
