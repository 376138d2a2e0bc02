#pragma once
// Per load stage (--stages, --ramp-up): the rate asked for and what was achieved, and the visit
// start lag, so a shaped run is as honest about its pacing as a flat one.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "metrics/histogram.hpp"

namespace tf::metrics {

struct StageMetrics {
  /// the stage as given ("30s:10"; "hold:10" for the rate a ramp-up holds)
  std::string spec;
  /// seconds: from the run's start to the stage's start
  double start_s = 0;
  /// seconds: the stage's length; an open stage (a ramp-up's hold) lasts until the run stops
  double seconds = 0;
  bool open = false;
  /// visits/s: the rate at the stage's start and end (a linear ramp between them)
  double from_rate = 0, to_rate = 0;
  /// visits started while the stage ran
  std::uint64_t visits_started = 0;
  /// microseconds: intended → actual start of those visits
  Histogram start_lag;

  /// visits/s asked for: the mean of the ramp
  double requested_rate() const noexcept { return (from_rate + to_rate) / 2.0; }
  /// seconds the stage has run after `elapsed` seconds of the run
  double ran_s(double elapsed) const noexcept;
  /// visits/s: visits started over the seconds it ran; 0 before it began
  double achieved_rate(double elapsed) const noexcept;
  /// Adds a shard's counts (same stages).
  void merge(const StageMetrics& other);
};

/// The stage running `elapsed` seconds after the start, or nullopt (no stages, or past the end).
std::optional<std::size_t> current_stage(const std::vector<StageMetrics>& stages, double elapsed) noexcept;

}  // namespace tf::metrics
