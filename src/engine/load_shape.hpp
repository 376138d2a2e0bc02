#pragma once
// Load shapes: a visit rate that changes over the run (k6-style stages, a daily curve). The
// arrival schedule draws a non-homogeneous Poisson process from one by thinning.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/stages.hpp"

namespace tf::engine {

/// A time-varying arrival rate, in arrivals per second of run time.
class RateShape {
public:
  virtual ~RateShape() = default;
  /// The rate `seconds` after the start: 0 ≤ rate ≤ peak().
  virtual double rate(double seconds) const = 0;
  /// The highest rate the shape reaches (> 0): the thinning envelope.
  virtual double peak() const = 0;
  /// Seconds after which the rate stays 0 (the schedule draws no arrival past it); nullopt: never.
  virtual std::optional<double> end() const { return std::nullopt; }
};

using tf::Stage;

/// k6-style stages (`30s:10,5m:100,30s:0`): linear ramps, then the rate stays 0 (or, with
/// `hold_last`, at the last target for as long as the run lasts: --ramp-up).
class Stages final : public RateShape {
public:
  explicit Stages(std::vector<Stage> stages, bool hold_last = false);
  double rate(double seconds) const override;
  double peak() const override { return m_peak; }
  std::optional<double> end() const override { return m_hold ? std::nullopt : std::optional<double>(m_total); }
  bool holds_last() const { return m_hold; }
  /// The rate stage i ramps from (the previous target; 0 for the first).
  double from_rate(std::size_t i) const { return i == 0 ? 0.0 : m_stages[i - 1].target; }
  /// The stage running `seconds` after the start (the last one past the end).
  std::size_t stage_at(double seconds) const;
  /// Seconds from the start to stage i's start.
  double start_of(std::size_t i) const { return m_starts[i]; }
  /// The expected arrivals of stage i (the integral of its ramp).
  double expected(std::size_t i) const;
  double total_seconds() const { return m_total; }
  const std::vector<Stage>& stages() const { return m_stages; }
  /// Each stage's rate target in the `DURATION:RATE` form of --stages.
  std::string describe(std::size_t i) const;

private:
  std::vector<Stage> m_stages;
  std::vector<double> m_starts;
  double m_total = 0, m_peak = 0;
  bool m_hold = false;
};

using tf::parse_stages;

}  // namespace tf::engine
