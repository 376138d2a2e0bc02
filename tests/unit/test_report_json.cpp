#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "temp_dir.hpp"
#include "report/atomic_file.hpp"
#include "report/prometheus.hpp"
#include "report/summary_json.hpp"
#include "util/error.hpp"

using namespace std::chrono_literals;
using nlohmann::json;
using tf::metrics::ErrorKind;
using tf::metrics::RunMetrics;

namespace {

RunMetrics sample_run() {
  RunMetrics run;
  run.seed = 7;
  run.started = tf::SysTime{std::chrono::seconds{1'767'225'600}} + 123ms;
  run.elapsed = 30s;
  run.threads = 2;
  run.generator_cpu_seconds = 1.5;
  run.requested_visit_rate = 4.0;
  run.stop_reason = "visits";
  run.start_lag.record(1'500);
  auto& t = run.target("a");
  t.visits_started = 4;
  t.hits_generated = 20;
  t.requests = 21;
  t.acked = 19;
  t.failed = 1;
  t.failed_attempts = 2;
  t.retries = 1;
  t.record_status(200);
  t.record_status(503);
  t.record_error(ErrorKind::http_5xx, "HTTP 503", run.started + 5s);
  t.breaker_transitions = 2;
  t.breaker_open_time = 1500ms;
  for (std::uint64_t v : {900u, 1'100u, 25'000u}) {
    t.service_time.record(v);
  }
  return run;
}

}  // namespace

TEST_CASE("the summary holds the fields of the documented schema", "[report]") {
  const json j = tf::report::summary_to_json(sample_run(), json{{"MATOMO_SITE_ID", 1}});
  CHECK(j["schema_version"] == 1);
  CHECK(j["seed"] == 7);
  CHECK(j["started"] == "2026-01-01T00:00:00.123Z");
  CHECK(j["elapsed_s"] == 30.0);
  CHECK(j["config"] == json{{"MATOMO_SITE_ID", 1}});
  const json& t = j["targets"][0];
  for (const char* key : {"name",
                          "status",
                          "visits",
                          "hits",
                          "generated",
                          "requests",
                          "acked",
                          "rejected",
                          "failed",
                          "unconfirmed",
                          "not_sent",
                          "possible_duplicates",
                          "unidentified_rejections",
                          "bulk_answers_without_counts",
                          "visits_not_started",
                          "failed_attempts",
                          "retries",
                          "latency_ms",
                          "status_codes",
                          "errors",
                          "top_error"}) {
    INFO(key);
    CHECK(t.contains(key));
  }
  CHECK(t["status"] == "degraded");  // 1 of 20 hits not acked: above 1 %
  CHECK(t["latency_ms"]["max"] == 25.0);
  CHECK(t["latency_ms"].contains("p999"));
  CHECK(t["status_codes"] == json{{"200", 1}, {"503", 1}});
  CHECK(t["errors"]["http_5xx"] == 1);
  CHECK(j["totals"]["acked"] == 19);
  CHECK_FALSE(j["totals"].contains("name"));
}

TEST_CASE("a summary reads back into the same metrics", "[report]") {
  const RunMetrics run = sample_run();
  const RunMetrics back = tf::report::summary_from_json(tf::report::summary_to_json(run, json::object()), "s.json");
  CHECK(back.seed == 7);
  CHECK(back.started == run.started);
  CHECK(back.elapsed == 30s);
  CHECK(back.threads == 2);
  CHECK(back.stop_reason == "visits");
  CHECK(back.start_lag.count() == 1);
  REQUIRE(back.targets.size() == 1);
  const auto& t = back.targets[0];
  const auto& o = run.targets[0];
  CHECK(t.name == "a");
  CHECK(t.acked == o.acked);
  CHECK(t.status_codes == o.status_codes);
  CHECK(t.errors == o.errors);
  CHECK(t.last_error == "HTTP 503");
  CHECK(t.last_error_at == o.last_error_at);
  CHECK(t.breaker_open_time == 1500ms);
  CHECK(t.service_time.percentile(50) == o.service_time.percentile(50));
  CHECK(t.service_time.max() == 25'000);
}

TEST_CASE("an invalid summary is rejected with the file and the field named", "[report]") {
  json j = tf::report::summary_to_json(sample_run(), json::object());
  SECTION("a negative counter") {
    j["targets"][0]["acked"] = -1;
    CHECK_THROWS_WITH(tf::report::summary_from_json(j, "shard-1.json"),
                      "shard-1.json: not a trafficinator summary: \"targets[0].acked\" must be a non-negative integer");
  }
  SECTION("a missing field") {
    j.erase("started");
    CHECK_THROWS_WITH(tf::report::summary_from_json(j, "s.json"),
                      "s.json: not a trafficinator summary: missing \"started\"");
  }
  SECTION("another schema version") {
    j["schema_version"] = 2;
    CHECK_THROWS_WITH(tf::report::summary_from_json(j, "s.json"),
                      "s.json: unsupported summary schema_version 2 (this build reads 1)");
  }
  SECTION("corrupt histogram buckets") {
    j["targets"][0]["histograms"]["service_us"]["buckets"] = "12:x";
    CHECK_THROWS_WITH(tf::report::summary_from_json(j, "s.json"),
                      "s.json: not a trafficinator summary: \"targets[0].histograms.service_us.buckets\" "
                      "must be a string of index:count pairs");
  }
  SECTION("a histogram whose count disagrees with its buckets") {
    j["targets"][0]["histograms"]["service_us"]["count"] = 4;
    CHECK_THROWS_WITH(tf::report::summary_from_json(j, "s.json"),
                      "s.json: not a trafficinator summary: \"targets[0].histograms.service_us\" is not a "
                      "consistent histogram");
  }
}

TEST_CASE("summary and metrics files are written whole and replace the old file", "[report]") {
  const tf::testing::TempDir tmp;
  const std::string dir = tmp.path().string();
  const std::string summary = dir + "/summary.json";
  const std::string prom = dir + "/metrics.prom";
  tf::report::write_output_file(summary, "old");
  tf::report::write_summary_file(summary, json{{"a", 1}});
  CHECK(tf::testing::read_file(summary) == "{\n  \"a\": 1\n}\n");
  tf::report::write_prometheus_file(prom, sample_run());
  CHECK(tf::testing::read_file(prom) == tf::report::render_prometheus(sample_run()));
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) {
    ++files;
  }
  CHECK(files == 2);  // no temporary file left behind
}

TEST_CASE("an output symlink stays a link and its target is replaced; a device is written in place", "[report]") {
  const tf::testing::TempDir tmp;
  const std::string dir = tmp.path().string();
  std::filesystem::create_directory(dir + "/real");
  std::filesystem::create_symlink("real/out.json", dir + "/link.json");
  tf::report::check_output_writable(dir + "/link.json");
  tf::report::write_output_file(dir + "/link.json", "{}\n");
  CHECK(std::filesystem::is_symlink(dir + "/link.json"));
  CHECK(tf::testing::read_file(dir + "/real/out.json") == "{}\n");
  tf::report::write_output_file(dir + "/link.json", "[]\n");
  CHECK(tf::testing::read_file(dir + "/real/out.json") == "[]\n");
  CHECK(std::distance(std::filesystem::directory_iterator(dir + "/real"), std::filesystem::directory_iterator()) == 1);
  tf::report::check_output_writable("/dev/null");
  tf::report::write_output_file("/dev/null", "{}");  // in place: /dev/null stays a device
  CHECK(std::filesystem::is_character_file("/dev/null"));
  try {
    tf::report::write_output_file("/dev/full", "{}");
    FAIL("no error");
  } catch (const tf::Error& e) {
    CHECK(std::string(e.what()) == "cannot write /dev/full: No space left on device");
  }
}

TEST_CASE("an output path that cannot be written is found before the run", "[report]") {
  const tf::testing::TempDir tmp;
  try {
    tf::report::check_output_writable(tmp.file("missing/x.json"));
    FAIL("no error");
  } catch (const tf::Error& e) {
    CHECK(std::string(e.what()) == "cannot write " + tmp.file("missing/x.json") + ": No such file or directory");
    CHECK(e.code() == tf::ExitCode::usage);
  }
  CHECK_THROWS_WITH(tf::report::check_output_writable(tmp.path().string()),
                    "cannot write " + tmp.path().string() + ": Is a directory");
  CHECK(std::filesystem::is_empty(tmp.path()));  // the probe left nothing behind
}

TEST_CASE("writing into a missing directory names the file", "[report]") {
  try {
    tf::report::write_output_file("/nonexistent-dir/x.json", "{}");
    FAIL("no error");
  } catch (const tf::Error& e) {
    CHECK(std::string(e.what()) == "cannot write /nonexistent-dir/x.json: No such file or directory");
    CHECK(e.code() == tf::ExitCode::runtime);
  }
}

TEST_CASE("Prometheus label values are escaped and counters end in _total", "[report]") {
  CHECK(tf::report::escape_label_value("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
  RunMetrics run = sample_run();
  run.target("x\"y");
  const auto text = tf::report::render_prometheus(run);
  CHECK(text.find("trafficinator_hits_acked_total{target=\"a\"} 19\n") != std::string::npos);
  CHECK(text.find("trafficinator_hits_acked_total{target=\"x\\\"y\"} 0\n") != std::string::npos);
  CHECK(text.find("trafficinator_request_duration_seconds_bucket{target=\"x\\\"y\",le=\"+Inf\"} 0\n") !=
        std::string::npos);
  CHECK(text.find("# TYPE trafficinator_request_duration_seconds histogram\n") != std::string::npos);
  CHECK(text.find("trafficinator_responses_total{target=\"a\",code=\"503\"} 1\n") != std::string::npos);
}
