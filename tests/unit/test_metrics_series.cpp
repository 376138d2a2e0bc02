// The run's time series: per-interval deltas of successive snapshots, merged across shards.
#include <catch2/catch.hpp>

#include "metrics/le_buckets.hpp"
#include "metrics/run_metrics.hpp"

using namespace std::chrono_literals;
using tf::metrics::RunMetrics;
using tf::metrics::SeriesRecorder;

namespace {
const tf::SysTime k_t0{std::chrono::seconds{1'767'225'600}};  // a multiple of 10 s
}  // namespace

TEST_CASE("the recorder adds each sample's changes to the point of its 10 s interval", "[metrics]") {
  RunMetrics run;
  auto& t = run.target("a");
  SeriesRecorder recorder;
  t.acked = 5;
  t.visits_started = 2;
  t.service_time.record(3000);
  recorder.sample(run, k_t0 + 1s);
  t.acked = 8;
  t.failed = 1;
  recorder.sample(run, k_t0 + 9s);
  t.acked = 10;
  run.requested_visit_rate = 4;
  recorder.sample(run, k_t0 + 12s);
  const auto& points = recorder.series().points;
  REQUIRE(points.size() == 2);
  CHECK(points[0].t == 1'767'225'600);
  CHECK(points[0].outcomes[0] == 8);
  CHECK(points[0].outcomes[2] == 1);
  CHECK(points[0].visits == 2);
  CHECK(points[0].latency[2] == 1);  // 3 ms: in (2.5, 5] ms
  CHECK(points[1].t == 1'767'225'610);
  CHECK(points[1].outcomes[0] == 2);
  CHECK(points[1].requested_rate == 4);
}

TEST_CASE("series of shards add point by point on the same intervals", "[metrics]") {
  RunMetrics a, b;
  a.series.points.resize(2);
  a.series.points[0].t = 0;
  a.series.points[0].outcomes[0] = 1;
  a.series.points[1].t = 20;
  a.series.points[1].in_flight = 2;
  b.series.points.resize(2);
  b.series.points[0].t = 10;
  b.series.points[1].t = 20;
  b.series.points[1].in_flight = 3;
  a.merge(b);
  REQUIRE(a.series.points.size() == 3);
  CHECK(a.series.points[1].t == 10);
  CHECK(a.series.points[2].in_flight == 5);
}

TEST_CASE("le buckets count a value at the first bound at or above its histogram bucket", "[metrics]") {
  tf::metrics::Histogram h;
  h.record(std::uint64_t{500});
  h.record(std::uint64_t{999});
  h.record(std::uint64_t{20'000'000});
  const auto cumulative = tf::metrics::cumulative_le_counts(h);
  CHECK(cumulative[0] == 2);
  CHECK(cumulative[tf::metrics::k_latency_le_us.size() - 1] == 2);
  CHECK(cumulative.back() == 3);
}
