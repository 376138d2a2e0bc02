#pragma once
// The backfill day plan: a window of site-local days → visits per day → a start time for every
// visit, deterministically from the seed. Pure: "now" is passed in.
//
// Contract
// - Days are calendar days in the time zone (date's tz database). A day runs from its local
//   midnight to the next local midnight (23 h or 25 h across a DST change; a midnight that does
//   not exist starts at the transition). Today ends at `now_ms`: no visit is placed after it.
// - Visits per day: nominal = cap × weekday factor (Monday … Sunday, the largest 1.0) / (1 + v),
//   varied by ± v (BACKFILL_DAILY_VARIATION) with a per-date draw, so a day never exceeds the cap
//   and the same (seed, date) always gives the same count. Today keeps the share of its profile
//   that has already passed. Then the total cap cuts the last days.
// - Visit indices cover the whole window, oldest day first: day d holds the contiguous range
//   [first_visit, first_visit + visits). Sharding and the checkpoint work on these indices.
// - Start times within a day follow the hourly profile (24 weights per local hour; each real
//   hour of the day weighs by the profile value of its local hour, so a 25 h day has its repeated
//   hour twice) and are non-decreasing in index order. A visit of simulated length D starts at
//   most at end − 1 s − D, so the whole visit ends before local midnight (before now, for today).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <date/date.h>

#include "config/settings.hpp"

namespace date {
class time_zone;
}

namespace tf::model {

/// The built-in hourly profile: relative visits in each local hour 0 … 23.
std::span<const double> builtin_hourly_profile();
/// Relative visits on a weekday; the largest factor is 1.0 (Monday to Wednesday).
double weekday_factor(date::weekday day);

/// An inclusive range of site-local calendar dates.
struct BackfillWindow {
  date::sys_days first;
  date::sys_days last;
  std::string label() const;  ///< "YYYY-MM-DD..YYYY-MM-DD"
};

/// The window of the settings: absolute (BACKFILL_START_DATE/END_DATE) or relative to `today`
/// (start = today − DAYS_BACK, DURATION_DAYS days). Throws tf::Error when there is none, when
/// a date is malformed or when start > end.
BackfillWindow backfill_window(const config::Settings& settings, date::sys_days today);

struct BackfillOptions {
  const date::time_zone* zone = nullptr;  ///< required
  BackfillWindow window;
  long long per_day_cap = 2000;  ///< ≥ 1
  long long total_cap = 0;  ///< ≤ 0: no total cap
  double daily_variation = 0.15;  ///< in [0, 1]
  std::vector<double> hourly_profile;  ///< 24 weights, empty = built-in
  std::uint64_t seed = 0;
  std::int64_t now_ms = 0;  ///< UNIX ms: nothing is placed after it
};

struct BackfillDay {
  date::sys_days date;  ///< the local calendar date
  std::int64_t start_ms = 0;  ///< local midnight, UNIX ms
  std::int64_t end_ms = 0;  ///< next local midnight (today: now), exclusive
  std::uint64_t first_visit = 0;  ///< index of the day's first visit
  std::uint64_t visits = 0;
  std::string label() const;  ///< "YYYY-MM-DD"
};

class BackfillPlan {
public:
  /// Throws tf::Error for a profile that is not 24 non-negative weights with a positive sum, an
  /// empty or reversed window, or no time zone.
  explicit BackfillPlan(BackfillOptions options);

  const std::vector<BackfillDay>& days() const { return m_days; }
  std::uint64_t total_visits() const { return m_total; }
  /// The day holding visit i (i < total_visits()).
  std::size_t day_of(std::uint64_t i) const;
  const BackfillOptions& options() const { return m_options; }
  /// The weight of each real hour of day d: (start ms, length ms, weight), in time order.
  struct Slot {
    std::int64_t start_ms;
    std::int64_t length_ms;
    double weight;
  };
  std::vector<Slot> slots(const BackfillDay& day) const;

private:
  BackfillOptions m_options;
  std::vector<BackfillDay> m_days;
  std::uint64_t m_total = 0;
};

/// Start times of the plan's visits, in index order (visit 0, 1, 2, …; each asked exactly once).
class BackfillTimeline {
public:
  explicit BackfillTimeline(const BackfillPlan& plan);
  std::uint64_t next_index() const { return m_next; }
  bool done() const { return m_next >= m_plan.total_visits(); }
  /// Start (UNIX ms) of visit next_index(), whose simulated length is `duration_ms`; advances.
  std::int64_t next_start(std::int64_t duration_ms);

private:
  void enter_day(std::size_t day);
  std::int64_t time_at(double u) const;

  const BackfillPlan& m_plan;
  std::uint64_t m_next = 0;
  std::size_t m_day = 0;
  bool m_day_ready = false;
  std::vector<BackfillPlan::Slot> m_slots;
  std::vector<double> m_cumulative;  ///< normalised cumulative weight at each slot's end
  double m_previous_u = 0;  ///< the last order statistic drawn in this day
};

}  // namespace tf::model
