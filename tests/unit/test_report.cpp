#include <catch2/catch.hpp>

#include "report/health_table.hpp"
#include "report/text_table.hpp"
#include "report/utc_time.hpp"

using namespace std::chrono_literals;
using tf::metrics::RunMetrics;
using tf::report::TextTable;

TEST_CASE("a text table aligns columns and right-aligns numbers", "[report]") {
  TextTable table;
  table.add_heading({"name", TextTable::Cell("count").right_align()});
  table.add_row({"a", TextTable::Cell("7").right_align()});
  table.add_row({"longer", TextTable::Cell("1234").right_align()});
  table.add_rule();
  table.add_row({"TOTAL"});
  CHECK(table.render() ==
        "name    count\n"
        "-------------\n"
        "a           7\n"
        "longer   1234\n"
        "-------------\n"
        "TOTAL\n");
}

TEST_CASE("a text table measures UTF-8 text by characters and ignores colour codes", "[report]") {
  TextTable table;
  table.add_row({"✓", "x"});
  table.add_row({TextTable::Cell("ab").style("32"), "y"});
  CHECK(table.render() ==
        "✓   x\n"
        "\x1b[32mab\x1b[0m  y\n");
}

TEST_CASE("long lines wrap at blanks to the width, continuation lines indented", "[report]") {
  using tf::report::wrap_lines;
  CHECK(wrap_lines("short line\nnext", 20) == "short line\nnext");
  CHECK(wrap_lines("aaaa bbbb cccc dddd eeee ffff gggg", 20) == "aaaa bbbb cccc dddd\n  eeee ffff gggg");
  CHECK(wrap_lines("aaaa bbbb cccc dddd eeee ffff gggg", 0) == "aaaa bbbb cccc dddd eeee ffff gggg");
  CHECK(wrap_lines(std::string(45, 'x'), 20) == std::string(20, 'x') + "\n  " + std::string(18, 'x') + "\n  xxxxxxx");
  CHECK(wrap_lines("ééééé ééééé ééééé ééééé\n", 20) == "ééééé ééééé ééééé\n  ééééé\n");
  CHECK(wrap_lines("\x1b[32maaaa bbbb cccc dddd\x1b[0m eeee", 20) == "\x1b[32maaaa bbbb cccc dddd\x1b[0m\n  eeee");
}

TEST_CASE("visible width skips colour codes; widest_line takes the widest line", "[report]") {
  CHECK(tf::report::visible_width("\x1b[1;31mé✓\x1b[0m") == 2);
  CHECK(tf::report::widest_line("ab\nabcd\n\nabc") == 4);
}

TEST_CASE("milliseconds are printed with precision that fits their size", "[report]") {
  CHECK(tf::report::format_ms(420) == "0.42");
  CHECK(tf::report::format_ms(4'250) == "4.25");
  CHECK(tf::report::format_ms(12'340) == "12.3");
  CHECK(tf::report::format_ms(245'400) == "245");
  CHECK(tf::report::format_ms(1'532'000) == "1532");
  CHECK(tf::report::format_ms(0, true) == "-");
}

TEST_CASE("the accounting line shows a tick when every target adds up", "[report]") {
  RunMetrics run;
  auto& t = run.target("a");
  t.hits_generated = 10;
  t.acked = 6;
  t.rejected = 1;
  t.failed = 1;
  t.unconfirmed = 1;
  t.not_sent = 1;
  CHECK(tf::report::render_accounting_line(tf::metrics::check_accounting(run), false) ==
        "accounting: generated 10 = acked 6 + rejected 1 + failed 1 + unconfirmed 1 + not_sent 1 ✓");
}

TEST_CASE("the accounting line names the targets that do not add up", "[report]") {
  RunMetrics run;
  run.target("a").hits_generated = 3;
  run.target("b").hits_generated = 2;
  run.target("b").acked = 2;
  run.target("c").acked = 1;
  CHECK(tf::report::render_accounting_line(tf::metrics::check_accounting(run), false) ==
        "accounting: generated 5 = acked 3 + rejected 0 + failed 0 + unconfirmed 0 + not_sent 0 ✗ (unbalanced: a, c)");
  CHECK(tf::report::render_accounting_line(tf::metrics::check_accounting(run), true) ==
        "accounting: generated 5 = acked 3 + rejected 0 + failed 0 + unconfirmed 0 + not_sent 0 "
        "\x1b[31m✗ (unbalanced: a, c)\x1b[0m");
}

TEST_CASE("the generator is the bottleneck at 90% CPU per thread or 50 ms loop lag", "[report]") {
  RunMetrics run;
  run.elapsed = 10s;
  run.generator_cpu_seconds = 8.9;
  CHECK_FALSE(tf::report::generator_is_bottleneck(run));
  run.generator_cpu_seconds = 9.0;
  CHECK(tf::report::generator_is_bottleneck(run));
  run.threads = 2;
  CHECK_FALSE(tf::report::generator_is_bottleneck(run));
  for (int i = 0; i < 100; ++i) {
    run.loop_lag.record(60'000);
  }
  CHECK(tf::report::generator_is_bottleneck(run));
  const auto table = tf::report::render_health_table(run, false);
  CHECK(table.find("WARNING: the generator, not the target, is the bottleneck") != std::string::npos);
}

TEST_CASE("the status line shows rates over the last interval", "[report]") {
  RunMetrics before;
  before.elapsed = 60s;
  auto& b = before.target("a");
  b.visits_started = 100;
  b.acked = 400;
  RunMetrics now = before;
  now.elapsed = 65s;
  auto& n = now.targets[0];
  n.visits_started = 110;
  n.acked = 440;
  n.failed = 5;
  n.failed_attempts = 7;
  n.in_flight = 3;
  for (int i = 0; i < 100; ++i) {
    n.service_time.record(12'000);
  }
  CHECK(tf::report::render_status_line(before, now, false) ==
        "elapsed 1m5s | 2.0 visits/s | 9.0 hits/s | in flight 3 | acked 440 | failed 7 | p99 12.0 ms");
  CHECK(tf::report::render_log_line(before, now, tf::SysTime{std::chrono::seconds{1'767'225'600}}) ==
        "2026-01-01T00:00:00Z elapsed=1m5s visits_per_s=2.0 hits_per_s=9.0 in_flight=3 acked=440 "
        "failed_attempts=7 rejected=0 failed=5 unconfirmed=0 not_sent=0 p99_ms=12.0");
}

TEST_CASE("the status line falls back to whole-run averages without an interval", "[report]") {
  RunMetrics now;
  now.elapsed = 10s;
  now.target("a").visits_started = 5;
  now.target("a").acked = 20;
  const auto rates = tf::report::rates_between(now, now);
  CHECK(rates.visits_per_s == 0.5);
  CHECK(rates.hits_per_s == 2.0);
  CHECK(tf::report::render_status_line(RunMetrics{}, RunMetrics{}, false) ==
        "elapsed 0ms | 0.0 visits/s | 0.0 hits/s | in flight 0 | acked 0 | failed 0 | p99 - ms");
}

TEST_CASE("UTC times round-trip through their text form", "[report]") {
  const tf::SysTime t = tf::SysTime{std::chrono::seconds{1'767'225'600}} + 3723s + 45ms;
  CHECK(tf::report::format_utc(t) == "2026-01-01T01:02:03.045Z");
  CHECK(tf::report::format_utc_seconds(t) == "2026-01-01T01:02:03Z");
  CHECK(tf::report::parse_utc("2026-01-01T01:02:03.045Z") == t);
  CHECK(tf::report::parse_utc("2026-01-01T01:02:03Z") == t - 45ms);
  CHECK_FALSE(tf::report::parse_utc("2026-02-30T00:00:00Z"));
  CHECK_FALSE(tf::report::parse_utc("2026-01-01 01:02:03Z"));
  CHECK_FALSE(tf::report::parse_utc("2026-01-01T01:02:03.04Z"));
  CHECK_FALSE(tf::report::parse_utc("2026-01-01T24:00:00Z"));
}

TEST_CASE("the live line fits the terminal width by dropping fields from the right", "[report]") {
  RunMetrics before;
  RunMetrics now;
  now.elapsed = 65s;
  auto& n = now.target("a");
  n.visits_started = 110;
  n.acked = 440;
  n.failed_attempts = 7;
  const std::string full = tf::report::render_status_line(before, now, false, 0, {200, 0ms});
  CHECK(full ==
        "elapsed 1m5s | 55% eta 53s | 1.7 visits/s | 6.8 hits/s | in flight 0 | acked 440 | failed 7 | p99 - ms");
  // 80 characters would fill the last column, where some terminals wrap: one field less
  const std::string at80 = tf::report::render_status_line(before, now, false, 80, {200, 0ms});
  CHECK(at80 == "elapsed 1m5s | 55% eta 53s | 1.7 visits/s | 6.8 hits/s | in flight 0");
  CHECK(tf::report::render_status_line(before, now, false, 81, {200, 0ms}).size() == 80);
  CHECK(tf::report::render_status_line(before, now, false, 10) == "elapsed 1m5s");
  // colour codes take no columns
  const std::string coloured = tf::report::render_status_line(before, now, true, 95);
  CHECK(coloured.find("\x1b[31mfailed 7\x1b[0m") != std::string::npos);
}

TEST_CASE("progress: the nearer of the visits and duration bounds, with an ETA", "[report]") {
  RunMetrics now;
  now.elapsed = 10s;
  now.target("a").visits_started = 25;
  CHECK_FALSE(tf::report::progress(now, {}));
  const auto by_visits = tf::report::progress(now, {100, 0ms});
  REQUIRE(by_visits);
  CHECK(by_visits->done == Approx(0.25));
  CHECK(by_visits->eta == std::optional<std::chrono::milliseconds>(30s));
  const auto by_time = tf::report::progress(now, {100, 20s});
  CHECK(by_time->done == Approx(0.5));
  CHECK(by_time->eta == std::optional<std::chrono::milliseconds>(10s));
  CHECK(tf::report::format_rate(0.116) == "0.12");
  RunMetrics later = now;
  later.elapsed = 11s;  // no visit in the last second: the run's average, not 0
  CHECK(tf::report::rates_between(now, later).visits_per_s == Approx(25.0 / 11));
  CHECK(tf::report::format_rate(0) == "0.0");
  CHECK(tf::report::format_rate(12.34) == "12.3");
}
