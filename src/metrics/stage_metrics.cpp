#include "metrics/stage_metrics.hpp"

#include <algorithm>

namespace tf::metrics {

double StageMetrics::ran_s(double elapsed) const noexcept {
  const double ran = elapsed - start_s;
  return std::max(0.0, open ? ran : std::min(ran, seconds));
}

double StageMetrics::achieved_rate(double elapsed) const noexcept {
  const double ran = ran_s(elapsed);
  return ran > 0 ? static_cast<double>(visits_started) / ran : 0.0;
}

void StageMetrics::merge(const StageMetrics& other) {
  visits_started += other.visits_started;
  start_lag.merge(other.start_lag);
  from_rate += other.from_rate;  // shards split the rate
  to_rate += other.to_rate;
}

std::optional<std::size_t> current_stage(const std::vector<StageMetrics>& stages, double elapsed) noexcept {
  for (std::size_t i = 0; i < stages.size(); ++i) {
    if (elapsed >= stages[i].start_s && (stages[i].open || elapsed < stages[i].start_s + stages[i].seconds)) {
      return i;
    }
  }
  return std::nullopt;
}

}  // namespace tf::metrics
