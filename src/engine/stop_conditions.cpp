#include "engine/stop_conditions.hpp"

#include <algorithm>

namespace tf::engine {

StopConditions::StopConditions(const EngineConfig& config, SteadyTime start) : m_max(config.max_arrivals) {
  if (config.duration) {
    m_deadline = start + *config.duration;
  }
  if (config.shape && config.shape->end()) {
    const auto end =
      start + std::chrono::duration_cast<SteadyTime::duration>(std::chrono::duration<double>(*config.shape->end()));
    m_deadline = m_deadline ? std::min(*m_deadline, end) : end;
  }
}

}  // namespace tf::engine
