#include <catch2/catch.hpp>

#include "util/instant.hpp"

using namespace std::chrono_literals;

namespace {
tf::SysTime at_unix_ms(long long ms) { return tf::SysTime{std::chrono::milliseconds{ms}}; }
}  // namespace

TEST_CASE("START_AT accepts RFC 3339 times in UTC, with an offset and with a fraction", "[util]") {
  // 2026-12-03T08:00:00Z = 1796284800 s since the epoch
  CHECK(tf::parse_start_at("2026-12-03T08:00:00Z")->absolute == at_unix_ms(1'796'284'800'000));
  CHECK(tf::parse_start_at("2026-12-03t08:00:00z")->absolute == at_unix_ms(1'796'284'800'000));
  CHECK(tf::parse_start_at("2026-12-03 09:30:00+01:30")->absolute == at_unix_ms(1'796'284'800'000));
  CHECK(tf::parse_start_at("2026-12-03T03:00:00-05:00")->absolute == at_unix_ms(1'796'284'800'000));
  CHECK(tf::parse_start_at("2026-12-03T08:00:00.25Z")->absolute == at_unix_ms(1'796'284'800'250));
  CHECK(tf::parse_start_at("2024-02-29T00:00:00.123456789Z")->absolute ==
        tf::SysTime{std::chrono::duration_cast<tf::SysTime::duration>(1'709'164'800'123'456'789ns)});
}

TEST_CASE("START_AT accepts +DURATION, resolved from the moment it is asked", "[util]") {
  const auto start = tf::parse_start_at("+30s");
  REQUIRE(start);
  CHECK_FALSE(start->absolute);
  CHECK(start->delay == 30s);
  CHECK(start->resolve(at_unix_ms(1'000)) == at_unix_ms(31'000));
  CHECK(tf::parse_start_at("+250ms")->delay == 250ms);
  CHECK(tf::parse_start_at("+2m")->delay == 2min);
  CHECK(tf::parse_start_at("+0s")->delay == 0s);
  CHECK(tf::parse_start_at("2026-12-03T08:00:00Z")->resolve(at_unix_ms(5)) == at_unix_ms(1'796'284'800'000));
}

TEST_CASE("START_AT refuses malformed times, impossible dates and bare durations", "[util]") {
  for (const char* bad : {"",
                          "+",
                          "+-5s",
                          "+s",
                          "30s",
                          "now",
                          "2026-12-03",
                          "2026-12-03T08:00:00",
                          "2026-12-03T08:00Z",
                          "2026-12-03T08:00:00.Z",
                          "2026-12-03T24:00:00Z",
                          "2026-12-03T08:60:00Z",
                          "2026-12-03T08:00:60Z",
                          "2026-02-30T08:00:00Z",
                          "2026-13-01T08:00:00Z",
                          "2026-12-03T08:00:00+0100",
                          "2026-12-03T08:00:00+24:00",
                          "2026-12-03T08:00:00Z ",
                          " 2026-12-03T08:00:00Z",
                          "26-12-03T08:00:00Z"}) {
    INFO(bad);
    CHECK_FALSE(tf::parse_start_at(bad));
  }
}
