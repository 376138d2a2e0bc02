// The HTML page around the report data, and the series in the summary JSON.
#include <catch2/catch.hpp>

#include "report/html_report.hpp"
#include "report/series_json.hpp"
#include "util/error.hpp"

using nlohmann::json;

TEST_CASE("a quantile of le bucket counts interpolates within its bucket", "[report]") {
  // 10 answers ≤ 1 ms, 10 in (1, 2.5] ms
  const json counts = {10, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  CHECK(tf::report::le_quantile_ms(counts, 0.5) == json(1.0));
  CHECK(tf::report::le_quantile_ms(counts, 0.75) == json(1.75));
  CHECK(tf::report::le_quantile_ms(counts, 0.25) == json(0.5));
  CHECK(tf::report::le_quantile_ms(json::array({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}), 0.5).is_null());
  // above the last bound: the last bound
  CHECK(tf::report::le_quantile_ms(json::array({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3}), 0.99) == json(10000.0));
}

TEST_CASE("the page carries its data inline and cannot end its script early", "[report]") {
  const json data = {{"config", {{"SITE_NAME", "</script><script>alert(1)</script>"}}}};
  const std::string html = tf::report::render_html(data, tf::report::PageMode::report);
  CHECK(html.find("alert(1)</script>") == std::string::npos);
  CHECK(html.find(R"(<\/script><script>alert(1)<\/script>)") != std::string::npos);
  CHECK(html.find("default-src 'none'") != std::string::npos);
  CHECK(html.find("data-mode=\"report\"") != std::string::npos);
  const std::string live = tf::report::render_html(data, tf::report::PageMode::live);
  CHECK(live.find("data-mode=\"live\"") != std::string::npos);
  CHECK(live.find("http-equiv") == std::string::npos);  // the server sends the policy as a header
}

TEST_CASE("the series round-trips through the summary JSON", "[report]") {
  tf::metrics::TimeSeries series;
  tf::metrics::SeriesPoint p;
  p.t = 1'767'225'600;
  p.outcomes = {5, 1, 0, 2, 0};
  p.visits = 2;
  p.requests = 9;
  p.latency[3] = 4;
  p.requested_rate = 0.5;
  p.in_flight = 1;
  series.points = {p};
  const auto back = tf::report::series_from_json(tf::report::series_to_json(series), "s.json");
  REQUIRE(back.points.size() == 1);
  CHECK(back.points[0].outcomes == p.outcomes);
  CHECK(back.points[0].latency == p.latency);
  CHECK(back.points[0].requested_rate == 0.5);
}

TEST_CASE("a malformed series point is named in the error", "[report]") {
  json j = tf::report::series_to_json({});
  j["points"] = json::array({json::array({1, 2, 3})});
  try {
    tf::report::series_from_json(j, "s.json");
    FAIL("no error");
  } catch (const tf::Error& e) {
    CHECK(std::string(e.what()).starts_with("s.json: not a trafficinator summary: \"series.points[0]\" must be"));
  }
}
