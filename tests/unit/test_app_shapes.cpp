// Load shapes of realtime runs: STAGES, RAMP_UP and DAILY_PROFILE from the settings.
#include <catch2/catch.hpp>

#include <date/tz.h>

#include <numeric>

#include "app/capacity_search.hpp"
#include "app/load_shapes.hpp"
#include "engine/arrivals.hpp"
#include "model/backfill.hpp"

using namespace tf;

namespace {

SysTime utc(int y, unsigned m, unsigned d) {
  return SysTime{date::sys_days{date::year{y} / date::month{m} / date::day{d}}.time_since_epoch()};
}

/// Arrivals of `shape` over `seconds`, per bucket of `bucket` seconds.
std::vector<double> arrivals_per_bucket(std::shared_ptr<const engine::RateShape> shape, double seconds, double bucket) {
  engine::EngineConfig config;
  config.shape = std::move(shape);
  engine::ArrivalSchedule schedule(config, SteadyTime{}, 11);
  std::vector<double> counts(static_cast<std::size_t>(seconds / bucket), 0.0);
  while (true) {
    const double at = std::chrono::duration<double>(schedule.next() - SteadyTime{}).count();
    if (at >= seconds) {
      return counts;
    }
    counts[static_cast<std::size_t>(at / bucket)] += 1.0;
    schedule.taken();
  }
}

}  // namespace

TEST_CASE("daily profile: a day compressed by SPEED reproduces the hourly shares", "[app][shapes]") {
  config::Settings s;
  s.daily_profile = true;
  s.speed = 1440;  // a day in 60 s
  // Monday 2026-11-30, 00:00 UTC: 4000 visits/s on average over a weekday
  const auto shape = app::load_shape(s, 4000.0, 1, date::locate_zone("UTC"), utc(2026, 11, 30));
  REQUIRE(shape);
  const auto hours = arrivals_per_bucket(shape, 60.0, 2.5);
  const double total = std::accumulate(hours.begin(), hours.end(), 0.0);
  CHECK(total == Approx(240'000).epsilon(0.02));  // a Monday's factor is 1
  const auto profile = model::builtin_hourly_profile();
  const double weights = std::accumulate(profile.begin(), profile.end(), 0.0);
  for (std::size_t h = 0; h < 24; ++h) {
    INFO("hour " << h);
    CHECK(hours[h] / total == Approx(profile[h] / weights).epsilon(0.08));
  }
}

TEST_CASE("daily profile: the site's time zone and the weekday factor shape the day", "[app][shapes]") {
  config::Settings s;
  s.daily_profile = true;
  s.speed = 1440;
  const auto* zone = date::locate_zone("Asia/Tokyo");  // UTC+9, no DST
  // Saturday 2026-12-05 00:00 in Tokyo = Friday 15:00 UTC
  const auto start = utc(2026, 12, 4) + std::chrono::hours{15};
  const app::DailyShape day(100.0, {}, zone, start, 1440.0);
  const auto profile = model::builtin_hourly_profile();
  const double weights = std::accumulate(profile.begin(), profile.end(), 0.0);
  const double saturday = model::weekday_factor(date::Saturday);
  CHECK(day.rate(0.0) == Approx(100.0 * 24.0 * profile[0] / weights * saturday));
  CHECK(day.rate(2.5 * 10 + 1.0) == Approx(100.0 * 24.0 * profile[10] / weights * saturday));
  CHECK(day.peak() >= day.rate(26.0));
}

TEST_CASE("load shapes: stages and a ramp-up from the settings, each shard its share", "[app][shapes]") {
  config::Settings s;
  s.stages = "30s:10,5m:100,30s:0";
  const auto staged = app::load_shape(s, 1.0, 2, nullptr, SysTime{});
  REQUIRE(staged);
  CHECK(staged->rate(30.0) == Approx(5.0));  // shard 1 of 2
  CHECK(*staged->end() == Approx(360.0));
  const auto rows = app::stage_rows(staged.get());
  REQUIRE(rows.size() == 3);
  CHECK(rows[1].spec == "5m:50");
  CHECK(rows[1].from_rate == Approx(5.0));
  CHECK(app::shaped_average(staged.get()).value() == Approx((75.0 + 8250.0 + 750.0) / 360.0));

  config::Settings r;
  r.ramp_up = Millis{10'000};
  const auto ramp = app::load_shape(r, 40.0, 1, nullptr, SysTime{});
  REQUIRE(ramp);
  CHECK(ramp->rate(5.0) == Approx(20.0));
  CHECK(ramp->rate(3600.0) == Approx(40.0));
  CHECK_FALSE(ramp->end());
  const auto ramp_rows = app::stage_rows(ramp.get());
  REQUIRE(ramp_rows.size() == 2);
  CHECK(ramp_rows[1].spec == "hold:40");
  CHECK(ramp_rows[1].open);
  CHECK_FALSE(app::load_shape(config::Settings{}, 1.0, 1, nullptr, SysTime{}));
}

TEST_CASE("find-capacity: steps up by the factor, then bisects to the precision", "[app][capacity]") {
  app::CapacitySearch search(10.0, 2.0, 1000.0, 0.05);
  const double capacity = 100.0;
  std::vector<double> tried;
  while (const auto rate = search.next()) {
    tried.push_back(*rate);
    search.record(*rate, *rate <= capacity);
  }
  REQUIRE(tried.size() >= 5);
  CHECK(tried[0] == 10.0);
  CHECK(tried[3] == 80.0);
  CHECK(tried[4] == 160.0);  // broke
  CHECK(*search.held() <= capacity);
  CHECK(*search.broke() > capacity);
  CHECK(*search.broke() <= *search.held() * 1.05);

  app::CapacitySearch never(10.0, 2.0, 50.0, 0.05);
  std::vector<double> up;
  while (const auto rate = never.next()) {
    up.push_back(*rate);
    never.record(*rate, true);
  }
  CHECK(up == std::vector<double>{10.0, 20.0, 40.0, 50.0});
  app::CapacitySearch first_breaks(10.0, 2.0, 50.0, 0.05);
  first_breaks.record(*first_breaks.next(), false);
  CHECK_FALSE(first_breaks.next());
  CHECK_FALSE(first_breaks.held());
}
