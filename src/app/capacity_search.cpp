#include "app/capacity_search.hpp"

#include <algorithm>

namespace tf::app {

CapacitySearch::CapacitySearch(double start, double factor, double max_rate, double precision)
  : m_start(start), m_factor(factor), m_max(max_rate), m_precision(precision) {}

std::optional<double> CapacitySearch::next() const {
  if (!m_last) {
    return std::min(m_start, m_max);
  }
  if (!m_broke) {
    if (!m_held || *m_held >= m_max) {
      return std::nullopt;  // held up to the ceiling
    }
    return std::min(*m_held * m_factor, m_max);
  }
  if (!m_held || *m_broke <= *m_held * (1.0 + m_precision)) {
    return std::nullopt;  // the first step broke, or the bracket is narrow enough
  }
  return (*m_held + *m_broke) / 2.0;
}

void CapacitySearch::record(double rate, bool held) {
  m_last = rate;
  if (held) {
    m_held = std::max(m_held.value_or(rate), rate);
  } else {
    m_broke = std::min(m_broke.value_or(rate), rate);
  }
}

}  // namespace tf::app
