#include "engine/load_shape.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/units.hpp"

namespace tf::engine {

Stages::Stages(std::vector<Stage> stages, bool hold_last) : m_stages(std::move(stages)), m_hold(hold_last) {
  for (const auto& s : m_stages) {
    m_starts.push_back(m_total);
    m_total += s.seconds;
    m_peak = std::max(m_peak, s.target);
  }
}

std::size_t Stages::stage_at(double seconds) const {
  for (std::size_t i = 0; i < m_stages.size(); ++i) {
    if (seconds < m_starts[i] + m_stages[i].seconds) {
      return i;
    }
  }
  return m_stages.empty() ? 0 : m_stages.size() - 1;
}

double Stages::rate(double seconds) const {
  if (seconds < 0 || m_stages.empty()) {
    return 0.0;
  }
  if (seconds >= m_total) {
    return m_hold ? m_stages.back().target : 0.0;
  }
  const std::size_t i = stage_at(seconds);
  const Stage& s = m_stages[i];
  if (s.seconds <= 0) {
    return s.target;
  }
  const double share = (seconds - m_starts[i]) / s.seconds;
  return from_rate(i) + (s.target - from_rate(i)) * share;
}

double Stages::expected(std::size_t i) const { return m_stages[i].seconds * (from_rate(i) + m_stages[i].target) / 2.0; }

std::string Stages::describe(std::size_t i) const {
  const auto ms = std::chrono::milliseconds{static_cast<long long>(m_stages[i].seconds * 1000.0 + 0.5)};
  return fmt::format("{}:{:g}", format_duration(ms), m_stages[i].target);
}

}  // namespace tf::engine
