#include "app/load_shapes.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "model/backfill.hpp"
#include "util/error.hpp"
#include "util/stages.hpp"

namespace tf::app {

namespace {

std::vector<double> hour_factors(std::vector<double> profile) {
  if (profile.empty()) {
    const auto builtin = model::builtin_hourly_profile();
    profile.assign(builtin.begin(), builtin.end());
  }
  const double sum = std::accumulate(profile.begin(), profile.end(), 0.0);
  if (profile.size() != 24 || !(sum > 0) ||
      std::any_of(profile.begin(), profile.end(), [](double w) { return w < 0; })) {
    throw Error(fmt::format("HOURLY_PROFILE: expected 24 non-negative weights with a sum above 0, found {} weights",
                            profile.size()),
                ExitCode::usage);
  }
  for (double& w : profile) {
    w = w * 24.0 / sum;
  }
  return profile;
}

}  // namespace

DailyShape::DailyShape(double flat, std::vector<double> profile, const date::time_zone* zone, SysTime start,
                       double speed)
  : m_flat(flat), m_hour_factor(hour_factors(std::move(profile))), m_zone(zone), m_start(start), m_speed(speed) {
  // the largest weekday factor is 1.0 (model::weekday_factor)
  m_peak = m_flat * *std::max_element(m_hour_factor.begin(), m_hour_factor.end());
}

double DailyShape::factor(SysTime t) const {
  const auto local = m_zone != nullptr ? date::make_zoned(m_zone, date::floor<std::chrono::seconds>(t)).get_local_time()
                                       : date::local_seconds{date::floor<std::chrono::seconds>(t).time_since_epoch()};
  const auto day = date::floor<date::days>(local);
  const auto hour = std::chrono::duration_cast<std::chrono::hours>(local - day).count();
  return m_hour_factor[static_cast<std::size_t>(hour)] * model::weekday_factor(date::weekday{day});
}

double DailyShape::rate(double seconds) const {
  const auto day_time = std::chrono::duration_cast<SysTime::duration>(std::chrono::duration<double>(seconds * m_speed));
  return m_flat * factor(m_start + day_time);
}

std::shared_ptr<const engine::RateShape> load_shape(const config::Settings& s, double flat, int shards,
                                                    const date::time_zone* zone, SysTime start) {
  if (!s.stages.empty()) {
    std::string why;
    auto stages = parse_stages(s.stages, why);
    if (!stages) {
      throw Error("STAGES: " + why, ExitCode::usage);
    }
    for (auto& stage : *stages) {
      stage.target /= std::max(1, shards);
    }
    return std::make_shared<engine::Stages>(std::move(*stages));
  }
  if (s.ramp_up.count() > 0) {
    const double ramp = std::chrono::duration<double>(s.ramp_up).count();
    return std::make_shared<engine::Stages>(std::vector<Stage>{{ramp, flat}, {0.0, flat}}, true);
  }
  if (s.daily_profile) {
    return std::make_shared<DailyShape>(flat, s.hourly_profile, zone, start, s.speed);
  }
  return nullptr;
}

std::vector<metrics::StageMetrics> stage_rows(const engine::RateShape* shape) {
  const auto* stages = dynamic_cast<const engine::Stages*>(shape);
  std::vector<metrics::StageMetrics> rows;
  if (stages == nullptr) {
    return rows;
  }
  for (std::size_t i = 0; i < stages->stages().size(); ++i) {
    metrics::StageMetrics row;
    const bool hold = stages->holds_last() && i + 1 == stages->stages().size();
    row.spec = hold ? fmt::format("hold:{:g}", stages->stages()[i].target) : stages->describe(i);
    row.start_s = stages->start_of(i);
    row.seconds = stages->stages()[i].seconds;
    row.open = hold;
    row.from_rate = hold ? stages->stages()[i].target : stages->from_rate(i);
    row.to_rate = stages->stages()[i].target;
    rows.push_back(std::move(row));
  }
  return rows;
}

std::optional<double> shaped_average(const engine::RateShape* shape) {
  const auto* stages = dynamic_cast<const engine::Stages*>(shape);
  if (stages == nullptr || stages->holds_last() || stages->total_seconds() <= 0) {
    return std::nullopt;
  }
  double expected = 0;
  for (std::size_t i = 0; i < stages->stages().size(); ++i) {
    expected += stages->expected(i);
  }
  return expected / stages->total_seconds();
}

}  // namespace tf::app
