#include <catch2/catch.hpp>

#include "metrics/thresholds.hpp"

using namespace std::chrono_literals;
using tf::metrics::Comparison;
using tf::metrics::RunMetrics;
using tf::metrics::Threshold;
using tf::metrics::ThresholdMetric;

namespace {

Threshold parse(std::string_view text) {
  std::string error;
  auto t = tf::metrics::parse_threshold(text, error);
  INFO(error);
  REQUIRE(t);
  return *t;
}

std::string error_of(std::string_view text) {
  std::string error;
  CHECK_FALSE(tf::metrics::parse_threshold(text, error));
  return error;
}

RunMetrics sample() {
  RunMetrics run;
  run.elapsed = 10s;
  run.requested_visit_rate = 2.0;
  auto& a = run.target("a");
  a.visits_started = 10;
  a.hits_generated = 100;
  a.acked = 95;
  a.rejected = 3;
  a.unconfirmed = 2;
  for (int i = 0; i < 100; ++i) {
    a.service_time.record(i < 99 ? 10'000 : 900'000);
  }
  auto& b = run.target("b");
  b.hits_generated = 10;
  b.acked = 10;
  return run;
}

}  // namespace

TEST_CASE("threshold expressions parse: metric, operator, number, optional target", "[metrics]") {
  const auto t = parse(" a:p99 <= 500 ");
  CHECK(t.expr == "a:p99 <= 500");
  CHECK(t.target == "a");
  CHECK(t.metric == ThresholdMetric::p99);
  CHECK(t.op == Comparison::less_equal);
  CHECK(t.limit == 500);
  CHECK(parse("failure_rate<0.01").op == Comparison::less);
  CHECK(parse("rejected==0").op == Comparison::equal);
  CHECK(parse("hits_per_s>=100").op == Comparison::greater_equal);
  CHECK(parse("achieved_rate>0.9").op == Comparison::greater);
  CHECK(tf::metrics::split_thresholds(" p99<500 ;; failure_rate<=0.001;") ==
        std::vector<std::string>{"p99<500", "failure_rate<=0.001"});
}

TEST_CASE("bad threshold expressions say what was expected and found", "[metrics]") {
  CHECK(error_of("p99") == "expected METRIC OP NUMBER with OP one of < <= > >= ==, found \"p99\"");
  CHECK(error_of("p98<5") ==
        "expected a metric (failure_rate, rejected, unconfirmed, p50, p90, p95, p99, "
        "p999, max, achieved_rate, hits_per_s), found \"p98\"");
  CHECK(error_of("p99<fast") == "expected a number after <, found \"fast\"");
  CHECK(error_of(":p99<5") == "expected a target name before ':', found \":p99<5\"");
}

TEST_CASE("thresholds evaluate on the totals or one target", "[metrics]") {
  const RunMetrics run = sample();
  const auto failure = tf::metrics::evaluate(parse("failure_rate<=0.01"), run);
  CHECK(failure.value == Approx(5.0 / 110.0));
  CHECK_FALSE(failure.ok);
  CHECK(tf::metrics::evaluate(parse("b:failure_rate<=0.01"), run).ok);
  CHECK(tf::metrics::evaluate(parse("rejected==3"), run).ok);
  CHECK(tf::metrics::evaluate(parse("unconfirmed<2"), run).ok == false);
  CHECK(tf::metrics::evaluate(parse("a:p50<20"), run).ok);
  CHECK(*tf::metrics::evaluate(parse("max>500"), run).value == Approx(900).epsilon(0.01));
  CHECK(*tf::metrics::evaluate(parse("achieved_rate>=0.5"), run).value == Approx(0.5));
  CHECK(*tf::metrics::evaluate(parse("hits_per_s>10"), run).value == Approx(10.5));
  const auto missing = tf::metrics::evaluate(parse("c:p99<500"), run);
  CHECK_FALSE(missing.value);
  CHECK_FALSE(missing.ok);
  CHECK_FALSE(tf::metrics::evaluate(parse("b:p99<500"), run).ok);  // no latency data: never passes
}

TEST_CASE("only a growing count above an upper bound can no longer pass", "[metrics]") {
  const RunMetrics run = sample();  // rejected 3, unconfirmed 2
  const auto fails_for_good = [&](std::string_view text) {
    const auto t = parse(text);
    return tf::metrics::can_no_longer_pass(t, tf::metrics::evaluate(t, run));
  };
  CHECK(fails_for_good("rejected<3"));
  CHECK(fails_for_good("unconfirmed<=1"));
  CHECK(fails_for_good("rejected==2"));
  CHECK_FALSE(fails_for_good("rejected==4"));  // may still get there
  CHECK_FALSE(fails_for_good("rejected>5"));  // may still get there
  CHECK_FALSE(fails_for_good("rejected<4"));  // holds now
  CHECK_FALSE(fails_for_good("failure_rate<0.01"));  // may come back down
}
