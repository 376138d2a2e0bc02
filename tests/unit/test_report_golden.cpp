// Golden-file tests: the health table, the JSON summary and the Prometheus text of one fixed
// snapshot are compared byte for byte with tests/data/report/*. After an intended format
// change, rerun with TF_UPDATE_GOLDEN=1 to rewrite the files, then review the diff.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "report/health_table.hpp"
#include "report/html_report.hpp"
#include "report/prometheus.hpp"
#include "report/summary_json.hpp"
#include "report/text_table.hpp"

using namespace std::chrono_literals;
using tf::metrics::BreakerState;
using tf::metrics::ErrorKind;
using tf::metrics::RunMetrics;
using tf::metrics::TargetMetrics;

namespace {

const tf::SysTime k_started{std::chrono::seconds{1'767'225'600}};  // 2026-01-01T00:00:00Z

void fill_latencies(TargetMetrics& t, std::uint64_t base_us, int n) {
  for (int i = 1; i <= n; ++i) {
    const auto v = base_us + static_cast<std::uint64_t>(i) * base_us / 10;
    t.service_time.record(v);
    t.intended_time.record(v + 250);
  }
}

TargetMetrics primary() {
  TargetMetrics t;
  t.name = "eu-primary";
  t.visits_started = 120;
  t.visits_completed = 118;
  t.hits_generated = 600;
  t.requests = 612;
  t.acked = 590;
  t.failed_attempts = 12;
  t.retries = 12;
  t.rejected = 1;
  t.failed = 1;
  t.unconfirmed = 3;
  t.not_sent = 5;
  t.possible_duplicates = 1;
  t.record_status(200);
  for (int i = 0; i < 8; ++i) {
    t.record_status(503);
    t.record_error(ErrorKind::http_5xx, "HTTP 503", k_started + 30s);
  }
  for (int i = 0; i < 4; ++i) {
    t.record_error(ErrorKind::timeout, "timed out after 10000 ms", k_started + 40s);
  }
  t.status_codes[200] = 590;
  t.top_error_detail = "mock-matomo: injected status, a reason longer than the forty bytes shown in the table";
  t.breaker_transitions = 2;
  t.breaker_open_time = 5s;
  fill_latencies(t, 4'000, 600);
  return t;
}

TargetMetrics backup() {
  TargetMetrics t;
  t.name = "us \"backup\"";
  t.visits_started = 30;
  t.visits_completed = 28;
  t.hits_generated = 150;
  t.requests = 160;
  t.acked = 110;
  t.failed_attempts = 50;
  t.retries = 10;
  t.failed = 40;
  t.in_flight = 0;
  t.status_codes[200] = 110;
  t.status_codes[429] = 50;
  for (int i = 0; i < 50; ++i) {
    t.errors[static_cast<std::size_t>(ErrorKind::http_4xx)]++;
  }
  t.last_error = "HTTP 429";
  t.last_error_at = k_started + 61s + 250ms;
  t.breaker = BreakerState::open;
  t.breaker_transitions = 1;
  t.breaker_open_time = 4s;
  fill_latencies(t, 120'000, 160);
  return t;
}

/// Three 10 s points: two in a row, then one after a gap; the last one is 5 s long (elapsed 65 s).
tf::metrics::TimeSeries fixed_series() {
  tf::metrics::TimeSeries series;
  const std::int64_t t0 = std::chrono::duration_cast<std::chrono::seconds>(k_started.time_since_epoch()).count();
  tf::metrics::SeriesPoint a;
  a.t = t0;
  a.outcomes = {300, 1, 20, 1, 0};
  a.visits = 60;
  a.requests = 330;
  a.latency = {0, 0, 2, 12, 38, 62, 124, 100, 40, 0, 0, 0, 0, 0};
  a.requested_rate = 2.5;
  a.in_flight = 4;
  tf::metrics::SeriesPoint b = a;
  b.t = t0 + 10;
  b.outcomes = {290, 0, 20, 2, 5};
  b.latency = {0, 0, 0, 0, 0, 0, 0, 0, 0, 150, 10, 0, 0, 1};
  b.in_flight = 0;
  tf::metrics::SeriesPoint c = a;
  c.t = t0 + 60;
  c.outcomes = {110, 0, 0, 0, 0};
  c.visits = 40;
  series.points = {a, b, c};
  return series;
}

RunMetrics fixed_snapshot() {
  RunMetrics run;
  run.seed = 42;
  run.started = k_started;
  run.elapsed = 65s;
  run.threads = 1;
  run.generator_cpu_seconds = 6.5;
  run.requested_visit_rate = 2.5;
  run.visits_waiting = 3;
  run.stop_reason = "duration";
  run.thresholds = {{"acked>0", 700.0, true},
                    {"failure_rate<=0.01", 50.0 / 750.0, false},
                    {"p99<500", 1958.0, false},
                    {"c:p99<500", std::nullopt, false}};
  for (std::uint64_t v = 1; v <= 100; ++v) {
    run.loop_lag.record(v * 10);
    run.start_lag.record(v * 1'000);
  }
  run.targets = {primary(), backup()};
  run.series = fixed_series();
  TargetMetrics idle;
  idle.name = "idle";
  run.targets.push_back(idle);
  auto& day = run.ledger.targets["primary"];
  day.name = "primary";
  day.site_id = 3;
  auto& counts = day.days[20'425];  // 2025-12-03
  counts[tf::metrics::Measure::visits] = {120, 2};
  counts[tf::metrics::Measure::pageviews] = {400, 3};
  counts[tf::metrics::Measure::revenue_cents] = {29'258, 0};
  counts.goals[1] = {7, 1};
  return run;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void check_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(TF_TEST_DATA_DIR) + "/report/" + name;
  const char* update = std::getenv("TF_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
  }
  const std::string expected = read_file(path);
  INFO("golden file " << path << " (TF_UPDATE_GOLDEN=1 rewrites it)");
  CHECK(actual == expected);
}

}  // namespace

TEST_CASE("the health table matches its golden file", "[report]") {
  check_golden("health_table.txt", tf::report::render_health_table(fixed_snapshot(), false));
}

TEST_CASE("the coloured health table matches its golden file", "[report]") {
  check_golden("health_table_color.txt", tf::report::render_health_table(fixed_snapshot(), true));
}

TEST_CASE("on an 80-column terminal the health table takes the compact layout of its golden file", "[report]") {
  const auto table = tf::report::render_health_table(fixed_snapshot(), false, 80);
  check_golden("health_table_80.txt", table);
  CHECK(tf::report::widest_line(table) <= 80);
}

TEST_CASE("on a wide terminal the health table keeps the wide layout, long lines wrapped", "[report]") {
  const auto wide = tf::report::render_health_table(fixed_snapshot(), false);
  const auto width = tf::report::widest_line(wide.substr(0, wide.find("latency:")));
  const auto table = tf::report::render_health_table(fixed_snapshot(), false, width);
  check_golden("health_table_wide_terminal.txt", table);
  CHECK(table.substr(0, table.find("latency:")) == wide.substr(0, wide.find("latency:")));
  CHECK(tf::report::widest_line(table) <= width);
}

TEST_CASE("a coloured compact table counts columns without its colour codes", "[report]") {
  const auto table = tf::report::render_health_table(fixed_snapshot(), true, 80);
  CHECK(tf::report::widest_line(table) <= 80);
  CHECK(table.find("\x1b[32m") != std::string::npos);
}

TEST_CASE("the JSON summary matches its golden file", "[report]") {
  const nlohmann::json config = {{"MATOMO_URL", "http://127.0.0.1:8080/matomo.php"}, {"MATOMO_TOKEN_AUTH", "***"}};
  check_golden("summary.json", tf::report::summary_to_json(fixed_snapshot(), config).dump(2) + "\n");
}

TEST_CASE("the Prometheus text matches its golden file", "[report]") {
  check_golden("metrics.prom", tf::report::render_prometheus(fixed_snapshot()));
}

TEST_CASE("the HTML report's data section matches its golden file", "[report]") {
  const nlohmann::json config = {{"MATOMO_URL", "http://127.0.0.1:8080/matomo.php"}, {"MATOMO_TOKEN_AUTH", "***"}};
  const auto data = tf::report::report_data(tf::report::summary_to_json(fixed_snapshot(), config));
  check_golden("report_data.json", data.dump(2) + "\n");
}
