#pragma once
// find-capacity's search: step the visit rate up by a factor until a step breaks a threshold,
// then bisect between the highest rate that held and the lowest that broke. Pure.
#include <optional>

namespace tf::app {

class CapacitySearch {
public:
  /// `start` visits/s first; × `factor` (> 1) while steps hold, up to `max_rate`; after a break,
  /// bisects until broke / held ≤ 1 + `precision`.
  CapacitySearch(double start, double factor, double max_rate, double precision);
  /// The next rate to try; nullopt when the search is over.
  std::optional<double> next() const;
  void record(double rate, bool held);
  /// The highest rate that held / the lowest that broke, if any.
  std::optional<double> held() const { return m_held; }
  std::optional<double> broke() const { return m_broke; }

private:
  double m_start, m_factor, m_max, m_precision;
  std::optional<double> m_held, m_broke, m_last;
};

}  // namespace tf::app
