#pragma once
// Load shapes: a visit rate that changes over the run (k6-style stages, a daily curve). The
// arrival schedule draws a non-homogeneous Poisson process from one by thinning.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

/// One stage: a linear ramp from the previous stage's target (0 before the first) to `target`
/// over `seconds` (0: a jump).
struct Stage {
  double seconds = 0;
  double target = 0;  ///< visits per second
};

/// k6-style stages (`30s:10,5m:100,30s:0`): linear ramps, then the rate stays 0.
class Stages final : public RateShape {
public:
  explicit Stages(std::vector<Stage> stages);
  double rate(double seconds) const override;
  double peak() const override { return m_peak; }
  std::optional<double> end() const override { return m_total; }
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
  double from_rate(std::size_t i) const { return i == 0 ? 0.0 : m_stages[i - 1].target; }
  std::vector<Stage> m_stages;
  std::vector<double> m_starts;
  double m_total = 0, m_peak = 0;
};

/// Parses `DURATION:RATE[,DURATION:RATE…]` (durations as `90s`, `5m`, `2h`; RATE visits/s ≥ 0).
/// On error returns nullopt and sets `error` to what was expected and found, naming the stage.
std::optional<std::vector<Stage>> parse_stages(std::string_view text, std::string& error);

} // namespace tf::engine
