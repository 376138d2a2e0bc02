#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "temp_dir.hpp"
#include "report/merge.hpp"
#include "report/summary_json.hpp"
#include "util/error.hpp"
#include "util/random.hpp"

using namespace std::chrono_literals;
using nlohmann::json;
using tf::metrics::RunMetrics;

namespace {

RunMetrics shard(std::uint64_t seed, std::uint64_t stream, std::chrono::microseconds elapsed) {
  RunMetrics run;
  run.seed = seed;
  run.started = tf::SysTime{std::chrono::seconds{1'767'225'600}} + std::chrono::seconds{stream};
  run.elapsed = elapsed;
  run.requested_visit_rate = 1.0;
  auto rng = tf::Rng::stream(seed, stream);
  auto& t = run.target("main");
  for (int i = 0; i < 1'000; ++i) {
    t.service_time.record(static_cast<std::uint64_t>(rng.uniform_int(500, 900'000)));
  }
  t.hits_generated = 100 * stream;
  t.acked = 90 * stream;
  t.rejected = 10 * stream;
  t.possible_duplicates = stream;
  t.record_status(200);
  return run;
}

}  // namespace

TEST_CASE("merging shard summaries adds counters and merges percentiles exactly", "[report]") {
  const RunMetrics a = shard(5, 1, 60s);
  const RunMetrics b = shard(5, 2, 62s);
  const auto merged = tf::report::merge_summaries(
    {tf::report::summary_to_json(a, json{{"k", "v"}}), tf::report::summary_to_json(b, json::object())},
    {"a.json", "b.json"});
  RunMetrics expected = a;
  expected.merge(b);
  const auto& t = merged.run.targets.at(0);
  CHECK(t.acked == 270);
  CHECK(t.rejected == 30);
  CHECK(t.possible_duplicates == 3);
  CHECK(t.status_codes.at(200) == 2);
  CHECK(t.service_time.count() == 2'000);
  for (double p : {50.0, 90.0, 99.0, 99.9, 100.0}) {
    CHECK(t.service_time.percentile(p) == expected.targets[0].service_time.percentile(p));
  }
  CHECK(merged.run.elapsed == 62s);
  CHECK(merged.run.started == a.started);
  CHECK(merged.run.requested_visit_rate == 2.0);
  CHECK(merged.seeds == std::vector<std::uint64_t>{5});
  CHECK(merged.config == json{{"k", "v"}});
  const json out = tf::report::merged_summary_json(merged);
  CHECK(out["seed"] == 5);
  CHECK(out["shards"] == 2);
  CHECK(out["targets"][0]["acked"] == 270);
}

TEST_CASE("shards with different seeds are refused", "[report]") {
  CHECK_THROWS_WITH(tf::report::merge_summaries({tf::report::summary_to_json(shard(5, 1, 1s), json::object()),
                                                 tf::report::summary_to_json(shard(6, 1, 1s), json::object())},
                                                {"a", "b"}),
                    "the summaries ran with different seeds (5, 6): they are not shards of one run");
}

namespace {

json shard_summary(int k, int n, const std::string& fingerprint = "fnv1a64:0000000000000001") {
  json j = tf::report::summary_to_json(shard(5, static_cast<std::uint64_t>(k + 1), 1s), json::object());
  j["shard"] = std::to_string(k) + "/" + std::to_string(n);
  j["config_fingerprint"] = fingerprint;
  return j;
}

}  // namespace

TEST_CASE("merge checks that every shard is there once, of one configuration", "[report]") {
  SECTION("all shards") {
    const auto merged = tf::report::merge_summaries({shard_summary(1, 2), shard_summary(0, 2)}, {"b", "a"});
    CHECK(merged.missing_shards.empty());
    CHECK(merged.run.targets.at(0).acked == 90 * 3);
  }
  SECTION("a missing shard is listed") {
    const auto merged = tf::report::merge_summaries({shard_summary(0, 3), shard_summary(2, 3)}, {"a", "c"});
    CHECK(merged.missing_shards == std::vector<std::string>{"1/3"});
  }
  SECTION("a shard twice") {
    CHECK_THROWS_WITH(tf::report::merge_summaries({shard_summary(0, 2), shard_summary(0, 2)}, {"a", "copy"}),
                      "copy: shard 0/2 again (also a): its hits would count twice");
  }
  SECTION("a different number of shards") {
    CHECK_THROWS_WITH(tf::report::merge_summaries({shard_summary(0, 2), shard_summary(1, 3)}, {"a", "b"}),
                      "b: shard 1/3, but a is one of 2 shards");
  }
  SECTION("a different configuration") {
    CHECK_THROWS_WITH(
      tf::report::merge_summaries({shard_summary(0, 2), shard_summary(1, 2, "fnv1a64:0000000000000002")}, {"a", "b"}),
      "b: config_fingerprint fnv1a64:0000000000000002 differs from fnv1a64:0000000000000001 in a: the shards ran "
      "different configurations");
  }
  SECTION("a malformed shard") {
    json bad = shard_summary(0, 2);
    bad["shard"] = "2/2";
    CHECK_THROWS_WITH(tf::report::merge_summaries({bad}, {"a"}),
                      "a: not a trafficinator summary: \"shard\" must be \"K/N\" with 0 <= K < N, found \"2/2\"");
  }
}

TEST_CASE("merge names the file that cannot be read or parsed", "[report]") {
  CHECK_THROWS_WITH(tf::report::merge_summary_files({"/nonexistent/shard-0.json"}),
                    "/nonexistent/shard-0.json: cannot read: No such file or directory");
  const tf::testing::TempDir tmp;
  const auto broken = tmp.write("broken.json", "{\"seed\": ");
  CHECK_THROWS_WITH(tf::report::merge_summary_files({broken}),
                    broken +
                      ": invalid JSON: parse error at line 1, column 10: syntax error while parsing "
                      "value - unexpected end of input; expected '[', '{', or a literal");
  const auto not_summary = tmp.write("other.json", "[1, 2]");
  CHECK_THROWS_WITH(tf::report::merge_summary_files({not_summary}),
                    not_summary + ": not a trafficinator summary: the top level must be an object");
  CHECK_THROWS_WITH(tf::report::merge_summary_files({}), "merge: no summary files given");
}

TEST_CASE("merge reads summary files written by write_summary_file", "[report]") {
  const tf::testing::TempDir tmp;
  const auto first = tmp.file("s0.json");
  const auto second = tmp.file("s1.json");
  tf::report::write_summary_file(first, tf::report::summary_to_json(shard(9, 1, 10s), json::object()));
  tf::report::write_summary_file(second, tf::report::summary_to_json(shard(9, 3, 12s), json::object()));
  const auto merged = tf::report::merge_summary_files({first, second});
  CHECK(merged.shard_count == 2);
  CHECK(merged.run.targets.at(0).hits_generated == 400);
  CHECK(tf::metrics::check_accounting(merged.run).ok());
  // the same shard twice would count it twice, also under another spelling of its path
  const auto again = tmp.file("./s0.json");
  CHECK_THROWS_WITH(tf::report::merge_summary_files({first, second, again}),
                    again + ": expected each shard's summary once, found this file twice");
  std::filesystem::remove_all(std::filesystem::path(first).parent_path());
}

TEST_CASE("merged thresholds are judged on the merged metrics, never on the shards' verdicts", "[report]") {
  auto judged = [](RunMetrics run, std::uint64_t rejected, std::uint64_t samples, std::uint64_t us) {
    auto& t = run.targets.at(0);
    t.rejected = rejected;
    t.service_time = tf::metrics::Histogram();
    for (std::uint64_t i = 0; i < samples; ++i) {
      t.service_time.record(us);
    }
    // the shard's own verdicts, as its run wrote them
    run.thresholds = {{"acked>0", 90.0, true},
                      {"rejected<10", static_cast<double>(rejected), rejected < 10},
                      {"p99<500", static_cast<double>(us) / 1000, us < 500'000}};
    return tf::report::summary_to_json(run, json::object());
  };
  RunMetrics a = shard(5, 1, 60s), b = shard(5, 1, 60s);
  // Each shard has 6 rejected hits (passes rejected<10); together 12. Shard a's 10 slow answers
  // fail p99<500 there (an average of the shards' p99 would too: (2000 + 10) / 2 ms), but among
  // the 2,010 answers of the run they are 0.5 %: the run's p99 is 10 ms.
  const auto merged =
    tf::report::merge_summaries({judged(a, 6, 10, 2'000'000), judged(b, 6, 2'000, 10'000)}, {"a.json", "b.json"});
  const auto& results = merged.run.thresholds;
  REQUIRE(results.size() == 3);
  CHECK(results[0].expr == "acked>0");
  CHECK(results[0].ok);
  CHECK(results[1].expr == "rejected<10");
  CHECK(results[1].value == 12.0);
  CHECK_FALSE(results[1].ok);
  CHECK(results[2].expr == "p99<500");
  REQUIRE(results[2].value.has_value());
  CHECK(*results[2].value < 11.0);
  CHECK(results[2].ok);
  const json out = tf::report::merged_summary_json(merged);
  CHECK(out["thresholds"][1] == json{{"expr", "rejected<10"}, {"value", 12.0}, {"ok", false}});

  auto bad = judged(a, 0, 1, 1);
  bad["thresholds"] = json::array({json{{"expr", "p42<1"}}});
  CHECK_THROWS_WITH(tf::report::merge_summaries({bad}, {"bad.json"}),
                    Catch::Matchers::StartsWith("bad.json: not a trafficinator summary: threshold \"p42<1\": "));
}

TEST_CASE("merged shards keep their stages: rates, visits and start lags add", "[report]") {
  auto staged = [](std::uint64_t stream, std::uint64_t visits) {
    RunMetrics run = shard(5, stream, 60s);
    for (const auto& [spec, start, seconds, from, to] :
         {std::tuple{"30s:10", 0.0, 30.0, 0.0, 10.0}, std::tuple{"30s:10", 30.0, 30.0, 10.0, 10.0}}) {
      tf::metrics::StageMetrics stage;
      stage.spec = spec;
      stage.start_s = start;
      stage.seconds = seconds;
      stage.from_rate = from / 2;  // one shard's half
      stage.to_rate = to / 2;
      stage.visits_started = visits;
      stage.start_lag.record(1'000 * stream);
      run.stages.push_back(stage);
    }
    return tf::report::summary_to_json(run, json::object());
  };
  const auto merged = tf::report::merge_summaries({staged(1, 75), staged(2, 150)}, {"a.json", "b.json"});
  REQUIRE(merged.run.stages.size() == 2);
  const auto& second = merged.run.stages[1];
  CHECK(second.spec == "30s:10");
  CHECK(second.start_s == 30.0);
  CHECK(second.seconds == 30.0);
  CHECK(second.requested_rate() == 10.0);
  CHECK(second.visits_started == 225);
  CHECK(second.achieved_rate(60.0) == 7.5);
  CHECK(second.start_lag.count() == 2);
  CHECK(second.start_lag.max() >= 2'000);
  const json out = tf::report::merged_summary_json(merged);
  REQUIRE(out.contains("stages"));
  CHECK(out["stages"][0]["requested_rate"] == 5.0);
  CHECK(out["stages"][1]["visits_started"] == 225);
}
