#include "report/series_json.hpp"

#include <fmt/format.h>

#include "util/error.hpp"

namespace tf::report {
namespace {

using metrics::SeriesPoint;
using metrics::TimeSeries;
using nlohmann::json;

constexpr std::size_t k_columns = 11;  // t, 5 outcomes, visits, requests, rate, in flight, latency

json columns() {
  json names = json::array({"t"});
  for (std::size_t i = 0; i < metrics::k_outcome_count; ++i) {
    names.push_back(metrics::to_string(static_cast<metrics::Outcome>(i)));
  }
  for (const char* name : {"visits", "requests", "requested_rate", "in_flight", "latency"}) {
    names.push_back(name);
  }
  return names;
}

json le_ms() {
  json bounds = json::array();
  for (auto us : metrics::k_latency_le_us) {
    bounds.push_back(static_cast<double>(us) / 1000.0);
  }
  return bounds;
}

[[noreturn]] void fail(const std::string& source, const std::string& what) {
  throw Error(fmt::format("{}: not a trafficinator summary: {}", source, what), ExitCode::usage);
}

std::uint64_t count_at(const json& value, const std::string& source, const std::string& path) {
  if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<std::int64_t>() >= 0)) {
    fail(source, fmt::format("\"{}\" must be a non-negative integer", path));
  }
  return value.get<std::uint64_t>();
}

SeriesPoint read_point(const json& row, const std::string& source, const std::string& path) {
  if (!row.is_array() || row.size() != k_columns || !row[0].is_number_integer() || !row[8].is_number() ||
      !row[9].is_number_integer() || !row[10].is_array() || row[10].size() != metrics::k_le_bucket_count) {
    fail(source,
         fmt::format("\"{}\" must be [t, 5 outcomes, visits, requests, requested_rate, in_flight, "
                     "[{} latency counts]]",
                     path, metrics::k_le_bucket_count));
  }
  SeriesPoint p;
  p.t = row[0].get<std::int64_t>();
  for (std::size_t i = 0; i < p.outcomes.size(); ++i) {
    p.outcomes[i] = count_at(row[1 + i], source, fmt::format("{}[{}]", path, 1 + i));
  }
  p.visits = count_at(row[6], source, path + "[6]");
  p.requests = count_at(row[7], source, path + "[7]");
  p.requested_rate = row[8].get<double>();
  p.in_flight = row[9].get<std::int64_t>();
  for (std::size_t i = 0; i < p.latency.size(); ++i) {
    p.latency[i] = count_at(row[10][i], source, fmt::format("{}[10][{}]", path, i));
  }
  return p;
}

}  // namespace

json series_to_json(const TimeSeries& series) {
  json points = json::array();
  for (const auto& p : series.points) {
    json row = json::array({p.t});
    for (auto count : p.outcomes) {
      row.push_back(count);
    }
    row.push_back(p.visits);
    row.push_back(p.requests);
    row.push_back(p.requested_rate);
    row.push_back(p.in_flight);
    row.push_back(p.latency);
    points.push_back(std::move(row));
  }
  return {{"interval_s", TimeSeries::k_interval_s},
          {"le_ms", le_ms()},
          {"columns", columns()},
          {"points", std::move(points)}};
}

TimeSeries series_from_json(const json& series, const std::string& source) {
  if (!series.is_object() || series.value("interval_s", json()) != json(TimeSeries::k_interval_s) ||
      series.value("le_ms", json()) != le_ms()) {
    fail(source,
         fmt::format("\"series\" must have interval_s {} and the le_ms of this build", TimeSeries::k_interval_s));
  }
  const json& points = series.value("points", json());
  if (!points.is_array()) {
    fail(source, "\"series.points\" must be an array");
  }
  TimeSeries out;
  for (std::size_t i = 0; i < points.size(); ++i) {
    auto p = read_point(points[i], source, fmt::format("series.points[{}]", i));
    if (!out.points.empty() && p.t <= out.points.back().t) {
      fail(source, fmt::format("\"series.points[{}]\" must come after the point before it", i));
    }
    out.points.push_back(p);
  }
  return out;
}

}  // namespace tf::report
