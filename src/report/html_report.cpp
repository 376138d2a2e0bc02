#include "report/html_report.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <map>
#include <vector>

#include "metrics/le_buckets.hpp"
#include "metrics/ledger.hpp"
#include "report/atomic_file.hpp"
#include "report/utc_time.hpp"

namespace tf::report {

std::string_view page_style();  // html_page.cpp
std::string_view page_script();  // html_page.cpp

namespace {

using nlohmann::json;

constexpr std::array<const char*, 5> k_outcomes = {"acked", "rejected", "failed", "unconfirmed", "not_sent"};

double rounded(double value, double step) { return std::round(value / step) * step; }

json target_row(const json& t) {
  json row = {{"name", t.value("name", "TOTAL")}, {"status", t.value("status", "")}};
  for (const char* key : {"visits", "generated", "acked", "rejected", "failed", "unconfirmed", "not_sent", "requests",
                          "retries", "in_flight", "success_rate"}) {
    row[key] = t.value(key, json());
  }
  const json latency = t.value("latency_ms", json::object());
  for (const char* key : {"p50", "p90", "p99", "max"}) {
    row[std::string("latency_") + key] = latency.value(key, json());
  }
  row["breaker"] = t.value("breaker", json::object()).value("state", "");
  const json top = t.value("top_error", json());
  row["top_error"] =
    top.is_object() ? json(top.value("kind", "") + " ×" + std::to_string(top.value("count", 0))) : json("");
  return row;
}

/// Per-second rates and quantiles of each series point.
json series_rates(const json& series, double run_end) {
  const json points = series.value("points", json::array());
  const double interval = series.value("interval_s", 10.0);
  json out = {{"t", json::array()},
              {"p50", json::array()},
              {"p95", json::array()},
              {"p99", json::array()},
              {"requested_rate", json::array()},
              {"achieved_rate", json::array()},
              {"in_flight", json::array()}};
  for (const char* name : k_outcomes) {
    out[name] = json::array();
  }
  for (const json& p : points) {
    const double t = p[0].get<double>();
    // The last interval may be partial (the run ended, or a live run is in it).
    const double seconds = std::clamp(run_end - t, 1.0, interval);
    out["t"].push_back(p[0]);
    for (std::size_t i = 0; i < k_outcomes.size(); ++i) {
      out[k_outcomes[i]].push_back(rounded(p[1 + i].get<double>() / seconds, 0.001));
    }
    out["achieved_rate"].push_back(rounded(p[6].get<double>() / seconds, 0.001));
    out["requested_rate"].push_back(p[8]);
    out["in_flight"].push_back(p[9]);
    out["p50"].push_back(le_quantile_ms(p[10], 0.50));
    out["p95"].push_back(le_quantile_ms(p[10], 0.95));
    out["p99"].push_back(le_quantile_ms(p[10], 0.99));
  }
  return out;
}

json latency_distribution(const json& series) {
  std::vector<std::uint64_t> counts(metrics::k_le_bucket_count, 0);
  for (const json& p : series.value("points", json::array())) {
    for (std::size_t i = 0; i < counts.size() && i < p[10].size(); ++i) {
      counts[i] += p[10][i].get<std::uint64_t>();
    }
  }
  return {{"le_ms", series.value("le_ms", json::array())}, {"counts", counts}};
}

std::string escaped_for_script(const json& data) {
  // Inside <script>, "</" would end the element: JSON allows "<\/" for it.
  std::string text = data.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if (text[i] == '<' && i + 1 < text.size() && text[i + 1] == '/') {
      out += '\\';
    }
  }
  return out;
}

}  // namespace

json le_quantile_ms(const json& counts, double q) {
  double total = 0;
  for (const auto& c : counts) {
    total += c.get<double>();
  }
  if (total <= 0) {
    return nullptr;
  }
  const double rank = q * total;
  double below = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const double in_bucket = counts[i].get<double>();
    if (below + in_bucket >= rank && in_bucket > 0) {
      if (i >= metrics::k_latency_le_us.size()) {
        return static_cast<double>(metrics::k_latency_le_us.back()) / 1000.0;  // +Inf: the last bound
      }
      const double upper = static_cast<double>(metrics::k_latency_le_us[i]) / 1000.0;
      const double lower = i == 0 ? 0.0 : static_cast<double>(metrics::k_latency_le_us[i - 1]) / 1000.0;
      return rounded(lower + (upper - lower) * (rank - below) / in_bucket, 0.001);
    }
    below += in_bucket;
  }
  return static_cast<double>(metrics::k_latency_le_us.back()) / 1000.0;
}

/// The ledger's measures summed over targets and days, then its goals ("goal_ID"), each
/// {"measure","acked","unconfirmed"}; revenue stays in cents. Empty without a ledger.
json visit_mix(const json& ledger) {
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> goals;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> sums(metrics::k_measure_count);
  auto add = [](std::pair<std::uint64_t, std::uint64_t>& into, const json& bound) {
    into.first += bound.value("acked", std::uint64_t{0});
    into.second += bound.value("unconfirmed", std::uint64_t{0});
  };
  for (const json& target : ledger.is_array() ? ledger : json::array()) {
    for (const json& day : target.value("days", json::array())) {
      for (std::size_t i = 0; i < metrics::k_measure_count; ++i) {
        add(sums[i], day.value(std::string(metrics::to_string(static_cast<metrics::Measure>(i))), json::object()));
      }
      const json goals_of_day = day.value("goals", json::object());
      for (const auto& [id, bound] : goals_of_day.items()) {
        add(goals["goal_" + id], bound);
      }
    }
  }
  json out = json::array();
  if (!ledger.is_array() || ledger.empty()) {
    return out;
  }
  for (std::size_t i = 0; i < metrics::k_measure_count; ++i) {
    out.push_back({{"measure", metrics::to_string(static_cast<metrics::Measure>(i))},
                   {"acked", sums[i].first},
                   {"unconfirmed", sums[i].second}});
  }
  for (const auto& [name, sum] : goals) {
    out.push_back({{"measure", name}, {"acked", sum.first}, {"unconfirmed", sum.second}});
  }
  return out;
}

json report_data(const json& summary) {
  const json series = summary.value("series", json::object());
  const json points = series.value("points", json::array());
  const double interval = series.value("interval_s", 10.0);
  // Unix seconds at the end of the run (or now, live): the last interval is only that long.
  const auto started = parse_utc(summary.value("started", ""));
  const double run_end = started
    ? std::chrono::duration<double>(started->time_since_epoch()).count() + summary.value("elapsed_s", 0.0)
    : 0.0;
  json targets = json::array();
  for (const json& t : summary.value("targets", json::array())) {
    targets.push_back(target_row(t));
  }
  json outcomes = json::object();
  const json totals = summary.value("totals", json::object());
  for (const char* name : k_outcomes) {
    outcomes[name] = totals.value(name, 0);
  }
  return {{"started", summary.value("started", "")},
          {"elapsed_s", summary.value("elapsed_s", 0.0)},
          {"stop_reason", summary.value("stop_reason", "")},
          {"seed", summary.value("seed", json())},
          {"shards", summary.value("shards", 1)},
          {"interval_s", interval},
          {"visit_rate", summary.value("visit_rate", json::object())},
          {"outcomes", std::move(outcomes)},
          {"totals", target_row(totals)},
          {"targets", std::move(targets)},
          {"thresholds", summary.value("thresholds", json::array())},
          {"visit_mix", visit_mix(summary.value("ledger", json::array()))},
          {"latency", latency_distribution(series)},
          {"series", series_rates(series, run_end)},
          {"config", summary.value("config", json::object())}};
}

void write_html_report(const std::string& path, const json& summary) {
  write_output_file(path, render_html(report_data(summary), PageMode::report));
}

std::string render_html(const json& data, PageMode mode) {
  const bool live = mode == PageMode::live;
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  if (!live) {  // a file: nothing may be fetched (the live page gets its policy as a header)
    html += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
            "style-src 'unsafe-inline'; img-src data:\">\n";
  }
  html += live ? "<title>trafficinator live</title>\n" : "<title>trafficinator report</title>\n";
  html += "<style>\n";
  html += page_style();
  html += "</style>\n</head>\n<body data-mode=\"";
  html += live ? "live" : "report";
  html += "\">\n<script id=\"tf-data\" type=\"application/json\">";
  html += escaped_for_script(data);
  html += "</script>\n<main id=\"tf-page\"></main>\n<script>\n";
  html += page_script();
  html += "</script>\n</body>\n</html>\n";
  return html;
}

}  // namespace tf::report
