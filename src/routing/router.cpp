#include "routing/router.hpp"

#include <algorithm>

#include "util/error.hpp"
#include "util/random.hpp"

namespace tf::routing {

Router::Router(const config::TargetsConfig& config, const HealthView* health)
  : m_strategy(config.strategy), m_health(health), m_configured(config.targets.size()) {
  double total = 0;
  for (std::size_t i = 0; i < config.targets.size(); ++i) {
    const auto& target = config.targets[i];
    if (!target.enabled) {
      continue;
    }
    if (m_strategy == Strategy::weighted && target.weight < 1) {
      throw Error("target '" + target.name + "': weighted routing needs weight >= 1");
    }
    m_enabled.push_back(i);
    total += static_cast<double>(std::max(target.weight, 1));
    m_cumulative.push_back(total);
  }
  if (m_enabled.empty()) {
    throw Error("at least one target must be enabled");
  }
  for (auto& c : m_cumulative) {
    c /= total;
  }
}

std::size_t Router::home(std::uint64_t visitor_key) const {
  const std::size_t n = m_enabled.size();
  switch (m_strategy) {
    case Strategy::round_robin: return m_enabled[visitor_key % n];
    case Strategy::weighted: {
      const double u = static_cast<double>(mix_keys(visitor_key, 0x7765696768746564ULL) >> 11U) * 0x1.0p-53;
      const auto it = std::upper_bound(m_cumulative.begin(), m_cumulative.end(), u);
      const auto pos = static_cast<std::size_t>(it - m_cumulative.begin());
      return m_enabled[std::min(pos, n - 1)];
    }
    case Strategy::random: return m_enabled[mix_keys(visitor_key, 0x72616e646f6dULL) % n];
    case Strategy::mirror: return m_enabled.front();
  }
  return m_enabled.front();
}

std::vector<double> Router::shares() const {
  std::vector<double> out(m_configured, 0.0);
  const double equal = 1.0 / static_cast<double>(m_enabled.size());
  double previous = 0;
  for (std::size_t i = 0; i < m_enabled.size(); ++i) {
    out[m_enabled[i]] = m_strategy == Strategy::weighted ? m_cumulative[i] - previous : equal;
    previous = m_cumulative[i];
  }
  return out;
}

std::vector<std::size_t> Router::route(std::uint64_t visitor_key) const {
  if (m_strategy == Strategy::mirror) {
    return m_enabled;
  }
  const std::size_t chosen = home(visitor_key);
  const auto is_open = [this](std::size_t t) { return m_health->open(t); };
  if (m_health == nullptr || !is_open(chosen)) {
    return {chosen};
  }
  const auto at = std::find(m_enabled.begin(), m_enabled.end(), chosen) - m_enabled.begin();
  for (std::size_t step = 1; step < m_enabled.size(); ++step) {
    const std::size_t candidate = m_enabled[(static_cast<std::size_t>(at) + step) % m_enabled.size()];
    if (!is_open(candidate)) {
      return {candidate};
    }
  }
  return {chosen};
}

}  // namespace tf::routing
