// The backfill day plan: DST-correct day bounds, per-day counts and caps, the hourly profile,
// start times that keep every visit inside its day, and the generator's skip_at/duration_of.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <set>
#include <numeric>

#include <date/tz.h>

#include "config/catalogue.hpp"
#include "model/backfill.hpp"
#include "model/generator.hpp"
#include "util/error.hpp"
#include "util/random.hpp"
#include "error_of.hpp"

namespace {

using tf::testing::error_of;

using tf::model::BackfillOptions;
using tf::model::BackfillPlan;
using tf::model::BackfillTimeline;

constexpr std::int64_t k_hour_ms = 3'600'000;

date::sys_days day(int y, unsigned m, unsigned d) {
  return date::sys_days{date::year{y} / date::month{m} / date::day{d}};
}

std::int64_t utc_ms(int y, unsigned m, unsigned d, int hour, int minute = 0) {
  return (date::sys_days{date::year{y} / date::month{m} / date::day{d}}.time_since_epoch().count() * 86400LL +
          hour * 3600LL + minute * 60LL) *
    1000;
}

BackfillOptions options(const char* zone, date::sys_days first, date::sys_days last) {
  BackfillOptions o;
  o.zone = date::locate_zone(zone);
  o.window = {first, last};
  o.per_day_cap = 100;
  o.total_cap = 0;
  o.daily_variation = 0;
  o.seed = 7;
  o.now_ms = utc_ms(2030, 1, 1, 0);
  return o;
}

}  // namespace

TEST_CASE("backfill days in Europe/Stockholm are 23 h on 2025-03-30 and 25 h on 2025-10-26", "[model]") {
  const BackfillPlan spring(options("Europe/Stockholm", day(2025, 3, 29), day(2025, 3, 31)));
  REQUIRE(spring.days().size() == 3);
  const auto& d = spring.days()[1];
  CHECK(d.label() == "2025-03-30");
  CHECK(d.start_ms == utc_ms(2025, 3, 29, 23));
  CHECK(d.end_ms == utc_ms(2025, 3, 30, 22));
  CHECK(d.end_ms - d.start_ms == 23 * k_hour_ms);
  CHECK(spring.days()[0].end_ms - spring.days()[0].start_ms == 24 * k_hour_ms);
  CHECK(spring.slots(d).size() == 23);

  const BackfillPlan autumn(options("Europe/Stockholm", day(2025, 10, 26), day(2025, 10, 26)));
  const auto& a = autumn.days()[0];
  CHECK(a.start_ms == utc_ms(2025, 10, 25, 22));
  CHECK(a.end_ms == utc_ms(2025, 10, 26, 23));
  CHECK(a.end_ms - a.start_ms == 25 * k_hour_ms);
  CHECK(autumn.slots(a).size() == 25);
}

TEST_CASE("backfill days start at local midnight in non-UTC zones, half-hour offsets included", "[model]") {
  const BackfillPlan ny(options("America/New_York", day(2025, 1, 15), day(2025, 1, 15)));
  CHECK(ny.days()[0].start_ms == utc_ms(2025, 1, 15, 5));
  CHECK(ny.days()[0].end_ms == utc_ms(2025, 1, 16, 5));
  const BackfillPlan kolkata(options("Asia/Kolkata", day(2025, 1, 15), day(2025, 1, 15)));
  CHECK(kolkata.days()[0].start_ms == utc_ms(2025, 1, 14, 18, 30));
  const auto slots = kolkata.slots(kolkata.days()[0]);
  REQUIRE(slots.size() == 24);
  CHECK(slots[1].start_ms == utc_ms(2025, 1, 14, 19, 30));
}

TEST_CASE("backfill visit indices are contiguous per day, oldest day first", "[model]") {
  const BackfillPlan plan(options("UTC", day(2025, 3, 3), day(2025, 3, 5)));  // Monday to Wednesday
  REQUIRE(plan.days().size() == 3);
  CHECK(plan.days()[0].first_visit == 0);
  CHECK(plan.days()[1].first_visit == plan.days()[0].visits);
  CHECK(plan.days()[2].first_visit == plan.days()[0].visits + plan.days()[1].visits);
  CHECK(plan.total_visits() == 300);
  CHECK(plan.day_of(0) == 0);
  CHECK(plan.day_of(99) == 0);
  CHECK(plan.day_of(100) == 1);
  CHECK(plan.day_of(299) == 2);
}

TEST_CASE("backfill caps: the total cap cuts the last days, a day never exceeds its cap", "[model]") {
  auto o = options("UTC", day(2025, 3, 3), day(2025, 3, 5));
  o.total_cap = 150;
  const BackfillPlan capped(o);
  CHECK(capped.days()[0].visits == 100);
  CHECK(capped.days()[1].visits == 50);
  CHECK(capped.days()[2].visits == 0);
  CHECK(capped.total_visits() == 150);

  auto varied = options("UTC", day(2025, 1, 6), day(2025, 3, 30));  // 12 whole weeks
  varied.per_day_cap = 1000;
  varied.daily_variation = 0.2;
  const BackfillPlan plan(varied);
  std::set<std::uint64_t> distinct;
  double weekdays = 0, weekends = 0;
  for (const auto& d : plan.days()) {
    const double factor = tf::model::weekday_factor(date::weekday{d.date});
    CHECK(d.visits <= 1000);
    CHECK(static_cast<double>(d.visits) >= std::floor(1000 * factor * 0.8 / 1.2));
    distinct.insert(d.visits);
    (factor < 0.8 ? weekends : weekdays) += static_cast<double>(d.visits);
  }
  CHECK(distinct.size() > 40);
  CHECK(weekends / 24 < 0.8 * weekdays / 60);  // Saturdays and Sundays are quieter
}

TEST_CASE("backfill counts depend only on the seed and the date", "[model]") {
  auto a = options("UTC", day(2025, 3, 1), day(2025, 3, 10));
  a.daily_variation = 0.3;
  auto b = a;
  b.window.first = day(2025, 3, 5);
  const BackfillPlan pa(a), pb(b);
  CHECK(pa.days()[4].visits == pb.days()[0].visits);
  auto c = a;
  c.seed = 8;
  const BackfillPlan pc(c);
  std::size_t same = 0;
  for (std::size_t k = 0; k < pa.days().size(); ++k) {
    same += pa.days()[k].visits == pc.days()[k].visits ? 1U : 0U;
  }
  CHECK(same < pa.days().size());
}

TEST_CASE("backfill start times follow the hourly profile over many visits", "[model]") {
  auto o = options("Europe/Stockholm", day(2025, 3, 5), day(2025, 3, 5));  // a Wednesday
  o.per_day_cap = 10000;
  const BackfillPlan plan(o);
  REQUIRE(plan.total_visits() == 10000);
  BackfillTimeline timeline(plan);
  std::array<int, 24> per_hour{};
  std::int64_t previous = 0;
  bool sorted = true;
  while (!timeline.done()) {
    const auto start = timeline.next_start(0);
    sorted = sorted && start >= previous;
    previous = start;
    const auto local = o.zone->to_local(date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{start}});
    ++per_hour[static_cast<std::size_t>(
      date::floor<std::chrono::hours>(local - date::floor<date::days>(local)).count())];
  }
  CHECK(sorted);
  const auto profile = tf::model::builtin_hourly_profile();
  const double total = std::accumulate(profile.begin(), profile.end(), 0.0);
  for (std::size_t h = 0; h < 24; ++h) {
    INFO("hour " << h);
    CHECK(std::abs(per_hour[h] / 10000.0 - profile[h] / total) < 0.012);
  }
  CHECK(per_hour[11] > 4 * per_hour[3]);
}

TEST_CASE("backfill with a custom profile puts every visit in its hours", "[model]") {
  auto o = options("UTC", day(2025, 3, 5), day(2025, 3, 6));
  o.hourly_profile.assign(24, 0.0);
  o.hourly_profile[12] = 1;
  const BackfillPlan plan(o);
  BackfillTimeline timeline(plan);
  while (!timeline.done()) {
    const auto i = timeline.next_index();
    const auto start = timeline.next_start(0);
    const auto& d = plan.days()[plan.day_of(i)];
    CHECK(start >= d.start_ms + 12 * k_hour_ms);
    CHECK(start < d.start_ms + 13 * k_hour_ms);
  }
}

TEST_CASE("every backfilled visit ends before local midnight, and today's before now", "[model]") {
  auto o = options("Europe/Stockholm", day(2025, 10, 25), day(2025, 10, 27));
  o.per_day_cap = 2000;
  o.hourly_profile.assign(24, 1.0);
  o.now_ms = utc_ms(2025, 10, 27, 9, 30);  // 10:30 local on the last day
  const BackfillPlan plan(o);
  const auto& today = plan.days()[2];
  CHECK(today.end_ms == o.now_ms);
  CHECK(today.visits < 2000 / 2);
  CHECK(today.visits > 2000 / 3);
  BackfillTimeline timeline(plan);
  tf::Rng rng(3);
  while (!timeline.done()) {
    const auto i = timeline.next_index();
    const auto duration = rng.uniform_int(0, 2 * k_hour_ms);
    const auto start = timeline.next_start(duration);
    const auto& d = plan.days()[plan.day_of(i)];
    REQUIRE(start >= d.start_ms);
    REQUIRE(start + duration <= d.end_ms - 1000);
  }
}

TEST_CASE("backfill windows: absolute, relative to today, and their errors", "[model]") {
  tf::config::Settings s;
  s.backfill_start_date = "2025-03-01";
  s.backfill_end_date = "2025-03-03";
  const auto absolute = tf::model::backfill_window(s, day(2025, 6, 1));
  CHECK(absolute.label() == "2025-03-01..2025-03-03");

  tf::config::Settings r;
  r.backfill_days_back = 10;
  r.backfill_duration_days = 3;
  CHECK(tf::model::backfill_window(r, day(2025, 6, 11)).label() == "2025-06-01..2025-06-03");

  s.backfill_end_date = "2025-02-28";
  CHECK(error_of([&] { tf::model::backfill_window(s, day(2025, 6, 1)); }) ==
        "BACKFILL_END_DATE: expected a date ≥ BACKFILL_START_DATE (2025-03-01), found 2025-02-28");
  s.backfill_end_date = "2025-3-x";
  CHECK(error_of([&] { tf::model::backfill_window(s, day(2025, 6, 1)); }) ==
        "BACKFILL_START_DATE/BACKFILL_END_DATE: expected YYYY-MM-DD dates, found \"2025-03-01\" and \"2025-3-x\"");
  CHECK(error_of([&] { tf::model::backfill_window(tf::config::Settings{}, day(2025, 6, 1)); }) ==
        "BACKFILL_ENABLED: expected a window (BACKFILL_START_DATE and BACKFILL_END_DATE, or BACKFILL_DAYS_BACK and "
        "BACKFILL_DURATION_DAYS), found none");

  auto o = options("UTC", day(2025, 3, 5), day(2025, 3, 4));
  CHECK(error_of([&] { static_cast<void>(BackfillPlan{o}); }) ==
        "backfill: the window 2025-03-05..2025-03-04 ends before it starts");
  o = options("UTC", day(2025, 3, 4), day(2025, 3, 5));
  o.hourly_profile = {1, 2, 3};
  CHECK(error_of([&] { static_cast<void>(BackfillPlan{o}); }) == "HOURLY_PROFILE: expected 24 weights, found 3");
}

TEST_CASE("duration_of matches the built visit and skip_at keeps later visits identical", "[model]") {
  tf::config::Settings s;
  const auto& catalogue = tf::config::builtin_catalogue();
  tf::model::VisitGenerator all(s, catalogue, {}, 42);
  tf::model::VisitGenerator odd(s, catalogue, {}, 42);
  const std::int64_t base = utc_ms(2025, 3, 5, 8);
  for (std::uint64_t i = 0; i < 200; ++i) {
    // Starts close together so that pool visitors collide and the bookkeeping matters.
    const std::int64_t start = base + static_cast<std::int64_t>(i) * 20'000;
    const auto duration = all.duration_of(i);
    const auto visit = all.build_at(i, start);
    CHECK(visit.duration_ms == duration);
    if (i % 2 == 0) {
      odd.skip_at(i, start);
    } else {
      const auto other = odd.build_at(i, start);
      CHECK(other.visitor.id == visit.visitor.id);
      CHECK(other.hits.size() == visit.hits.size());
      CHECK(other.visitor.returning == visit.visitor.returning);
    }
  }
}
