#include "metrics/target_metrics.hpp"

#include <algorithm>

namespace tf::metrics {
std::string_view to_string(Health health) noexcept {
  switch (health) {
    case Health::unknown: return "unknown";
    case Health::healthy: return "healthy";
    case Health::degraded: return "degraded";
    case Health::failing: return "failing";
  }
  return "unknown";
}

Health classify_health(std::uint64_t acked, std::uint64_t finished) noexcept {
  if (finished == 0) {
    return Health::unknown;
  }
  const std::uint64_t not_acked = finished - std::min(acked, finished);
  if (not_acked * 100 <= finished) {
    return Health::healthy;
  }
  if (not_acked * 10 <= finished) {
    return Health::degraded;
  }
  return Health::failing;
}

void TargetMetrics::record_status(int code) { ++status_codes[code]; }

void TargetMetrics::record_error(ErrorKind kind, std::string text, SysTime when, std::string_view detail) {
  const auto before = top_error();
  ++errors[static_cast<std::size_t>(kind)];
  if (top_error() == kind && (!detail.empty() || before != kind)) {
    top_error_detail = detail;  // the detail of the top error's kind, never another kind's
  }
  last_error = std::move(text);
  last_error_at = when;
}

void TargetMetrics::count(Outcome outcome) noexcept {
  switch (outcome) {
    case Outcome::acked: ++acked; break;
    case Outcome::rejected: ++rejected; break;
    case Outcome::failed: ++failed; break;
    case Outcome::unconfirmed: ++unconfirmed; break;
    case Outcome::not_sent: ++not_sent; break;
  }
}

std::optional<ErrorKind> TargetMetrics::top_error() const noexcept {
  const auto top =
    std::max_element(errors.begin(), errors.end(), [](std::uint64_t a, std::uint64_t b) { return a < b; });
  if (*top == 0) {
    return std::nullopt;
  }
  return static_cast<ErrorKind>(top - errors.begin());
}

void TargetMetrics::merge(const TargetMetrics& other) {
  const auto own_top = top_error();
  const auto other_top = other.top_error();
  visits_started += other.visits_started;
  visits_completed += other.visits_completed;
  hits_generated += other.hits_generated;
  requests += other.requests;
  visits_not_started += other.visits_not_started;
  acked += other.acked;
  rejected += other.rejected;
  failed += other.failed;
  unconfirmed += other.unconfirmed;
  not_sent += other.not_sent;
  possible_duplicates += other.possible_duplicates;
  unidentified_rejections += other.unidentified_rejections;
  bulk_answers_without_counts += other.bulk_answers_without_counts;
  failed_attempts += other.failed_attempts;
  retries += other.retries;
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
  // the detail goes with its kind: the merged top error's, from whichever side it came
  const auto top = top_error();
  if (top && top == other_top && !other.top_error_detail.empty() && (top != own_top || top_error_detail.empty())) {
    top_error_detail = other.top_error_detail;
  } else if (top != own_top) {
    top_error_detail.clear();
  }
  breaker = std::max(breaker, other.breaker);
  breaker_transitions += other.breaker_transitions;
  breaker_open_time += other.breaker_open_time;
}

std::optional<double> success_rate(const TargetMetrics& target) noexcept {
  const std::uint64_t finished = target.finished();
  if (finished == 0) {
    return std::nullopt;
  }
  return static_cast<double>(target.acked) / static_cast<double>(finished);
}

double failure_rate(const TargetMetrics& target) noexcept {
  const std::uint64_t generated = std::max(target.hits_generated, target.finished());
  if (generated == 0) {
    return 0.0;
  }
  return static_cast<double>(generated - std::min(target.acked, generated)) / static_cast<double>(generated);
}

Health health_of(const TargetMetrics& target) noexcept {
  if (target.breaker != BreakerState::closed) {
    return Health::failing;  // its circuit is open now: it takes no traffic, whatever it did before
  }
  return total_health_of(target);
}

Health total_health_of(const TargetMetrics& target) noexcept {
  if (target.finished() == 0 && target.failed_attempts > 0) {
    return Health::failing;  // every request failed and no hit got an outcome yet
  }
  return classify_health(target.acked, target.finished());
}

}  // namespace tf::metrics
