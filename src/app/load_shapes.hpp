#pragma once
// The realtime run's load shape from STAGES, RAMP_UP or DAILY_PROFILE (engine/load_shape.hpp),
// and the per-stage metrics rows it reports.
#include <memory>
#include <optional>
#include <vector>

#include "config/settings.hpp"
#include "engine/load_shape.hpp"
#include "metrics/stage_metrics.hpp"
#include "util/clock.hpp"

namespace date {
class time_zone;
}

namespace tf::app {

/// The day of a site (DAILY_PROFILE): the flat rate × 24 × the hourly profile's share of the
/// local hour × the weekday factor (model/backfill.hpp), in the site's time zone, the day's clock
/// running SPEED times faster than the run's from `start` (wall time).
class DailyShape final : public engine::RateShape {
public:
  /// `flat`: visits/s of the whole run (TARGET_VISITS_PER_DAY / 86400 × SPEED / shards);
  /// `profile`: 24 weights (empty: the built-in profile). Throws tf::Error for a bad profile.
  DailyShape(double flat, std::vector<double> profile, const date::time_zone* zone, SysTime start, double speed);
  double rate(double seconds) const override;
  double peak() const override { return m_peak; }
  /// The factor of the local hour and weekday at wall time `t` (1 = the flat rate).
  double factor(SysTime t) const;

private:
  double m_flat;
  std::vector<double> m_hour_factor;  ///< 24 × weight / Σ weights
  const date::time_zone* m_zone;
  SysTime m_start;
  double m_speed;
  double m_peak = 0;
};

/// The shape of a realtime run (nullptr: the flat rate `flat`, visits/s). Stage rates are divided
/// by `shards` (each shard sends its share). `start`: wall time of the run's start.
std::shared_ptr<const engine::RateShape> load_shape(const config::Settings& s, double flat, int shards,
                                                    const date::time_zone* zone, SysTime start);

/// The metrics rows of `shape`'s stages (empty unless it is engine::Stages).
std::vector<metrics::StageMetrics> stage_rows(const engine::RateShape* shape);

/// visits/s a shaped run asks for on average: its stages' expected visits over their length
/// (nullopt: an open shape, whose average is the flat rate).
std::optional<double> shaped_average(const engine::RateShape* shape);

}  // namespace tf::app
