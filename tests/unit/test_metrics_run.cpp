#include <catch2/catch.hpp>

#include "metrics/run_metrics.hpp"

using namespace std::chrono_literals;
using tf::metrics::BreakerState;
using tf::metrics::ErrorKind;
using tf::metrics::Health;
using tf::metrics::RunMetrics;
using tf::metrics::TargetMetrics;

namespace {

TargetMetrics finished(std::uint64_t acked, std::uint64_t dead) {
  TargetMetrics t;
  t.name = "t";
  t.acked = acked;
  t.failed = dead;
  t.hits_generated = acked + dead;
  return t;
}

}  // namespace

TEST_CASE("healthy is at most 1 % of hits not acked, degraded at most 10 %, failing above", "[metrics]") {
  CHECK(tf::metrics::classify_health(99, 100) == Health::healthy);
  CHECK(tf::metrics::classify_health(98, 100) == Health::degraded);
  CHECK(tf::metrics::classify_health(90, 100) == Health::degraded);
  CHECK(tf::metrics::classify_health(89, 100) == Health::failing);
  CHECK(tf::metrics::classify_health(0, 0) == Health::unknown);
  CHECK(tf::metrics::classify_health(19, 20) == Health::degraded);
}

TEST_CASE("every hit not acked counts against health, unconfirmed and not sent included", "[metrics]") {
  auto t = finished(99, 1);
  t.failed_attempts = 30;  // retried attempts that later succeeded do not count against it
  CHECK(tf::metrics::success_rate(t) == Approx(0.99));
  CHECK(tf::metrics::health_of(t) == Health::healthy);
  t.unconfirmed = 5;
  t.hits_generated += 5;
  CHECK(tf::metrics::health_of(t) == Health::degraded);
  t.not_sent = 91;
  t.hits_generated += 91;
  CHECK(tf::metrics::health_of(t) == Health::failing);
  CHECK(tf::metrics::failure_rate(t) == Approx(97.0 / 196.0));
  CHECK(tf::metrics::health_of(finished(19, 16)) == Health::failing);
  TargetMetrics fresh;
  fresh.requests = 3;  // in flight, nothing finished yet
  CHECK_FALSE(tf::metrics::success_rate(fresh));
  CHECK(tf::metrics::health_of(fresh) == Health::unknown);
}

TEST_CASE("a target whose circuit is open now is failing, whatever its earlier success rate", "[metrics]") {
  auto t = finished(100, 1);  // e.g. killed mid-run: most hits were acked before
  CHECK(tf::metrics::health_of(t) == Health::healthy);
  t.breaker = BreakerState::open;
  CHECK(tf::metrics::health_of(t) == Health::failing);
  t.breaker = BreakerState::half_open;
  CHECK(tf::metrics::health_of(t) == Health::failing);
  t.breaker = BreakerState::closed;  // closed again: its record decides
  CHECK(tf::metrics::health_of(t) == Health::healthy);
}

TEST_CASE("enum names are stable and parse back", "[metrics]") {
  CHECK(tf::metrics::to_string(ErrorKind::http_5xx) == "http_5xx");
  CHECK(tf::metrics::error_kind_from_string("dns") == ErrorKind::dns);
  CHECK_FALSE(tf::metrics::error_kind_from_string("DNS"));
  CHECK(tf::metrics::to_string(BreakerState::half_open) == "half-open");
  CHECK(tf::metrics::breaker_state_from_string("open") == BreakerState::open);
  CHECK(tf::metrics::to_string(Health::degraded) == "degraded");
}

TEST_CASE("errors are counted by kind and the last one is remembered", "[metrics]") {
  TargetMetrics t;
  CHECK_FALSE(t.top_error());
  const tf::SysTime when{std::chrono::seconds{1'700'000'000}};
  t.record_error(ErrorKind::timeout, "timed out after 10000 ms", when);
  t.record_error(ErrorKind::http_5xx, "HTTP 503", when + 1s);
  t.record_error(ErrorKind::http_5xx, "HTTP 502", when + 2s);
  t.record_status(503);
  t.record_status(503);
  CHECK(t.error_count(ErrorKind::http_5xx) == 2);
  CHECK(t.top_error() == ErrorKind::http_5xx);
  CHECK(t.last_error == "HTTP 502");
  CHECK(t.last_error_at == when + 2s);
  CHECK(t.status_codes.at(503) == 2);
}

TEST_CASE("merging targets adds counters and keeps the later error and the worse breaker", "[metrics]") {
  const tf::SysTime when{std::chrono::seconds{1'700'000'000}};
  TargetMetrics a = finished(10, 1);
  a.name = "a";
  a.record_status(200);
  a.record_error(ErrorKind::reset, "old", when);
  a.service_time.record(1'000);
  a.breaker_transitions = 2;
  a.breaker_open_time = 3s;
  TargetMetrics b = finished(5, 2);
  b.name = "b";
  b.record_status(200);
  b.record_status(429);
  b.record_error(ErrorKind::http_4xx, "new", when + 5s);
  b.service_time.record(3'000);
  b.breaker = BreakerState::open;
  b.breaker_transitions = 1;
  b.breaker_open_time = 1s;
  a.merge(b);
  CHECK(a.name == "a");
  CHECK(a.acked == 15);
  CHECK(a.failed == 3);
  CHECK(a.status_codes.at(200) == 2);
  CHECK(a.status_codes.at(429) == 1);
  CHECK(a.last_error == "new");
  CHECK(a.service_time.count() == 2);
  CHECK(a.breaker == BreakerState::open);
  CHECK(a.breaker_transitions == 3);
  CHECK(a.breaker_open_time == 4s);
}

TEST_CASE("run metrics merge targets by name and take the longest elapsed", "[metrics]") {
  RunMetrics one;
  one.seed = 1;
  one.elapsed = 10s;
  one.requested_visit_rate = 2.0;
  one.stop_reason = "duration";
  one.target("x").acked = 4;
  RunMetrics two;
  two.seed = 2;
  two.elapsed = 12s;
  two.requested_visit_rate = 2.0;
  two.stop_reason = "signal";
  two.target("y").acked = 1;
  two.target("x").acked = 6;
  one.merge(two);
  REQUIRE(one.targets.size() == 2);
  CHECK(one.targets[0].name == "x");
  CHECK(one.targets[0].acked == 10);
  CHECK(one.targets[1].name == "y");
  CHECK(one.elapsed == 12s);
  CHECK(one.seed == 1);
  CHECK(one.requested_visit_rate == 4.0);
  CHECK(one.stop_reason == "duration, signal");
  CHECK(one.totals().acked == 11);
  CHECK(one.totals().name == "TOTAL");
}

TEST_CASE("achieved visit rate and CPU percent are per second of elapsed time", "[metrics]") {
  RunMetrics run;
  CHECK(run.achieved_visit_rate() == 0.0);
  run.elapsed = 20s;
  run.generator_cpu_seconds = 5;
  run.target("a").visits_started = 30;
  run.target("b").visits_started = 10;
  CHECK(run.achieved_visit_rate() == 2.0);
  CHECK(run.generator_cpu_percent() == 25.0);
  CHECK(run.find_target("b") != nullptr);
  CHECK(run.find_target("c") == nullptr);
}

TEST_CASE("the accounting check names the targets whose hits do not add up", "[metrics]") {
  RunMetrics run;
  auto& good = run.target("good");
  good.hits_generated = 10;
  good.acked = 7;
  good.rejected = 1;
  good.failed = 1;
  good.not_sent = 1;
  auto& bad = run.target("bad");
  bad.hits_generated = 5;
  bad.acked = 3;
  auto check = tf::metrics::check_accounting(run);
  CHECK_FALSE(check.ok());
  CHECK(check.unbalanced == std::vector<std::string>{"bad"});
  CHECK(check.total.generated == 15);
  CHECK(check.total.acked == 10);
  bad.unconfirmed = 2;
  CHECK(tf::metrics::check_accounting(run).ok());
}

TEST_CASE("shared metrics hand out copies taken under the lock", "[metrics]") {
  tf::metrics::SharedMetrics shared;
  shared.update([](RunMetrics& run) { run.target("a").acked = 3; });
  auto snap = shared.snapshot();
  shared.update([](RunMetrics& run) { run.target("a").acked = 4; });
  CHECK(snap.targets.at(0).acked == 3);
  CHECK(shared.snapshot().targets.at(0).acked == 4);
}

TEST_CASE("merge keeps the largest start_late_ms, and none when no run had START_AT", "[metrics]") {
  tf::metrics::RunMetrics a;
  tf::metrics::RunMetrics b;
  a.merge(b);
  CHECK_FALSE(a.start_late_ms);
  b.start_late_ms = 12.5;
  a.merge(b);
  CHECK(a.start_late_ms == 12.5);
  tf::metrics::RunMetrics c;
  c.start_late_ms = 3.0;
  a.merge(c);
  CHECK(a.start_late_ms == 12.5);
  c.merge(b);
  CHECK(c.start_late_ms == 12.5);
}
