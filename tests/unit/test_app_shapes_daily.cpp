// DAILY_PROFILE over a compressed day, the engine alone (no network): the arrival schedule of a
// DailyShape against the shares the hourly weights and the weekday factors ask for.
#include <catch2/catch.hpp>

#include <date/tz.h>

#include <array>
#include <cmath>

#include "app/load_shapes.hpp"
#include "engine/arrivals.hpp"
#include "model/backfill.hpp"

using namespace tf;

namespace {

constexpr double k_speed = 4320.0;  // a day in 20 s, as in tests/integration/shapes_daily.sh
constexpr double k_seconds = 86400.0 / k_speed;
constexpr double k_flat = 100.0;  // TARGET_VISITS_PER_DAY=2000 × SPEED / 86400

using Blocks = std::array<double, 4>;

/// Thursday 2026-12-03 at `hour`:`minute` UTC.
SysTime thursday(int hour, int minute) {
  const auto day = date::sys_days{date::year{2026} / date::December / date::day{3}};
  return SysTime{(day + std::chrono::hours{hour} + std::chrono::minutes{minute}).time_since_epoch()};
}

/// The 6-hour block (0–3) of the compressed day's wall time `seconds` into the run.
std::size_t block_of(SysTime start, double seconds) {
  const auto t =
    start + std::chrono::duration_cast<SysTime::duration>(std::chrono::duration<double>(seconds * k_speed));
  const auto since_midnight = t - date::floor<date::days>(t);
  return static_cast<std::size_t>(std::chrono::duration_cast<std::chrono::hours>(since_midnight).count() / 6);
}

std::shared_ptr<const app::DailyShape> one_two_three_four(SysTime start) {
  std::vector<double> profile;
  for (int block = 1; block <= 4; ++block) {
    profile.insert(profile.end(), 6, static_cast<double>(block));
  }
  return std::make_shared<const app::DailyShape>(k_flat, profile, date::locate_zone("UTC"), start, k_speed);
}

/// Arrivals per block of the schedule over the compressed day, for `seed`.
Blocks drawn(const std::shared_ptr<const app::DailyShape>& shape, SysTime start, std::uint64_t seed) {
  engine::EngineConfig config;
  config.shape = shape;
  engine::ArrivalSchedule schedule(config, SteadyTime{}, seed);
  Blocks counts{};
  while (true) {
    const double at = std::chrono::duration<double>(schedule.next() - SteadyTime{}).count();
    if (at >= k_seconds) {
      return counts;
    }
    counts[block_of(start, at)] += 1.0;
    schedule.taken();
  }
}

/// Expected arrivals per block: the shape's rate integrated over the run, a compressed minute
/// (1/72 s) at a time, each at its midpoint.
Blocks expected(const app::DailyShape& shape, SysTime start) {
  Blocks sums{};
  const double step = 60.0 / k_speed;
  for (int minute = 0; minute < 1440; ++minute) {
    const double at = (minute + 0.5) * step;
    sums[block_of(start, at)] += shape.rate(at) * step;
  }
  return sums;
}

double total(const Blocks& b) { return b[0] + b[1] + b[2] + b[3]; }

}  // namespace

TEST_CASE("daily profile: the schedule alone reproduces each block's expected share over many seeds", "[app][shapes]") {
  // A Thursday-afternoon start: the compressed day crosses into Friday (weekday 0.97 → 0.9), the
  // start at which shapes_daily measured the last block 0.446 against 0.415.
  for (const int minute : {40, 45, 49}) {
    const auto start = thursday(15, minute);
    const auto shape = one_two_three_four(start);
    const Blocks want = expected(*shape, start);
    Blocks got{};
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
      const Blocks b = drawn(shape, start, seed);
      for (std::size_t i = 0; i < 4; ++i) {
        got[i] += b[i];
      }
    }
    const double n = total(got);
    CHECK(n == Approx(40 * total(want)).epsilon(0.01));
    for (std::size_t i = 0; i < 4; ++i) {
      const double e = want[i] / total(want);
      INFO("start 15:" << minute << ", block " << i << ": expected " << e << ", drawn " << got[i] / n);
      CHECK(std::fabs(got[i] / n - e) <= 4.0 * std::sqrt(e * (1 - e) / n));
    }
  }
}

TEST_CASE("daily profile: the expected shares are the hourly weights times each compressed minute's weekday",
          "[app][shapes]") {
  const auto start = thursday(15, 45);
  const auto shape = one_two_three_four(start);
  const Blocks want = expected(*shape, start);
  // Thursday 15:45–24:00 at 0.97, Friday 00:00–15:45 at 0.9: 2.25 h × 3 and 6 h × 4 on Thursday.
  const double thu = 0.97, fri = 0.9;
  const Blocks hours{6 * 1 * fri, 6 * 2 * fri, 2.25 * 3 * thu + 3.75 * 3 * fri, 6 * 4 * thu};
  for (std::size_t i = 0; i < 4; ++i) {
    INFO("block " << i);
    CHECK(want[i] / total(want) == Approx(hours[i] / total(hours)).epsilon(1e-3));
  }
  CHECK(total(want) == Approx(k_flat * k_seconds * total(hours) / 60.0).epsilon(1e-3));
}
