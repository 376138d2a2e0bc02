#include "engine/admission.hpp"

#include <cmath>

namespace tf::engine {

void reserve_shares(EngineConfig& config, const std::vector<double>& shares) {
  const long long limit = std::max(1, config.max_flows_in_progress);
  const auto share_of = [&](std::size_t i) { return i < shares.size() ? std::clamp(shares[i], 0.0, 1.0) : 0.0; };
  long long receiving = 0;
  for (std::size_t i = 0; i < config.targets.size(); ++i) {
    receiving += share_of(i) > 0.0 ? 1 : 0;
  }
  for (auto& t : config.targets) {
    t.reserved_flows = 0;
  }
  if (receiving > limit) {
    return;  // not even one slot each: a target left at 0 could never start (one global CONCURRENCY)
  }
  long long reserved = 0;
  for (std::size_t i = 0; i < config.targets.size(); ++i) {
    if (share_of(i) > 0.0) {
      const auto n = static_cast<long long>(std::floor(static_cast<double>(limit) * share_of(i) + 1e-9));
      config.targets[i].reserved_flows = static_cast<int>(std::clamp<long long>(n, 1, limit));
      reserved += config.targets[i].reserved_flows;
    }
  }
  // Raising small shares to 1 may overshoot: take it back from the largest reservations.
  while (reserved > limit) {
    auto largest =
      std::max_element(config.targets.begin(), config.targets.end(), [](const TargetLimits& a, const TargetLimits& b) {
        return a.reserved_flows < b.reserved_flows;
      });
    --largest->reserved_flows;
    --reserved;
  }
}

}  // namespace tf::engine
