// summary_from_json: strict reading of a JSON summary back into RunMetrics (for `merge`).
#include <charconv>

#include <fmt/format.h>

#include "report/series_json.hpp"
#include "report/ledger_json.hpp"
#include "report/summary_json.hpp"
#include "util/error.hpp"

namespace tf::report {
namespace {

using metrics::Histogram;
using metrics::TargetMetrics;
using nlohmann::json;

class Reader {
public:
  explicit Reader(const std::string& source) : m_source(source) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw Error(fmt::format("{}: not a trafficinator summary: {}", m_source, what), ExitCode::usage);
  }

  const json& field(const json& object, const char* key, const std::string& path) const {
    if (!object.is_object() || !object.contains(key)) {
      fail(fmt::format("missing \"{}\"", path));
    }
    return object.at(key);
  }

  std::uint64_t u64(const json& value, const std::string& path) const {
    if (value.is_number_unsigned()) {
      return value.get<std::uint64_t>();
    }
    if (value.is_number_integer() && value.get<std::int64_t>() >= 0) {
      return static_cast<std::uint64_t>(value.get<std::int64_t>());
    }
    fail(fmt::format("\"{}\" must be a non-negative integer", path));
  }

  std::uint64_t u64(const json& object, const char* key, const std::string& path) const {
    return u64(field(object, key, path), path);
  }

  std::int64_t i64(const json& object, const char* key, const std::string& path) const {
    const json& value = field(object, key, path);
    if (!value.is_number_integer()) {
      fail(fmt::format("\"{}\" must be an integer", path));
    }
    return value.get<std::int64_t>();
  }

  double number(const json& object, const char* key, const std::string& path) const {
    const json& value = field(object, key, path);
    if (!value.is_number()) {
      fail(fmt::format("\"{}\" must be a number", path));
    }
    return value.get<double>();
  }

  std::string text(const json& object, const char* key, const std::string& path) const {
    const json& value = field(object, key, path);
    if (!value.is_string()) {
      fail(fmt::format("\"{}\" must be a string", path));
    }
    return value.get<std::string>();
  }

  SysTime time(const json& object, const char* key, const std::string& path) const {
    const auto parsed = parse_utc(text(object, key, path));
    if (!parsed) {
      fail(fmt::format("\"{}\" must be a UTC time like 2026-01-31T12:00:00.000Z", path));
    }
    return *parsed;
  }

  Histogram histogram(const json& object, const char* key, const std::string& path) const {
    return histogram_of(field(object, key, path), path);
  }

  Histogram histogram_of(const json& h, const std::string& path) const {
    if (u64(h, "sub_bucket_bits", path + ".sub_bucket_bits") != Histogram::k_sub_bucket_bits) {
      fail(fmt::format("\"{}\" uses another bucket layout", path));
    }
    metrics::HistogramData data{
      {}, u64(h, "min", path + ".min"), u64(h, "max", path + ".max"), u64(h, "sum", path + ".sum")};
    const json& buckets = field(h, "buckets", path + ".buckets");
    if (!buckets.is_string() || !parse_buckets(buckets.get<std::string>(), data)) {
      fail(fmt::format("\"{}.buckets\" must be a string of index:count pairs", path));
    }
    auto restored = Histogram::from_data(data);
    if (!restored || restored->count() != u64(h, "count", path + ".count")) {
      fail(fmt::format("\"{}\" is not a consistent histogram", path));
    }
    return *restored;
  }

private:
  /// Parses "index:count index:count ..." (empty: no buckets) into data.buckets.
  static bool parse_buckets(const std::string& text, metrics::HistogramData& data) {
    const char* p = text.data();
    const char* end = p + text.size();
    while (p < end) {
      std::uint32_t index = 0;
      std::uint64_t count = 0;
      auto r = std::from_chars(p, end, index);
      if (r.ec != std::errc{} || r.ptr == end || *r.ptr != ':') {
        return false;
      }
      r = std::from_chars(r.ptr + 1, end, count);
      if (r.ec != std::errc{} || (r.ptr != end && *r.ptr != ' ')) {
        return false;
      }
      data.buckets.emplace_back(index, count);
      p = r.ptr == end ? end : r.ptr + 1;
    }
    return true;
  }

  const std::string& m_source;
};

void read_codes_and_errors(const Reader& r, const json& entry, const std::string& path, TargetMetrics& t) {
  const json& codes = r.field(entry, "status_codes", path + ".status_codes");
  if (!codes.is_object()) {
    r.fail(fmt::format("\"{}.status_codes\" must be an object", path));
  }
  for (const auto& [code, count] : codes.items()) {
    const std::string code_path = fmt::format("{}.status_codes.{}", path, code);
    int parsed = 0;
    const auto [end, ec] = std::from_chars(code.data(), code.data() + code.size(), parsed);
    if (ec != std::errc{} || end != code.data() + code.size()) {
      r.fail(fmt::format("\"{}\" is not an HTTP status code", code_path));
    }
    t.status_codes[parsed] += r.u64(count, code_path);
  }
  const json& errors = r.field(entry, "errors", path + ".errors");
  for (std::size_t i = 1; i < metrics::k_error_kind_count; ++i) {  // 0: none
    const std::string kind(metrics::to_string(static_cast<metrics::ErrorKind>(i)));
    t.errors[i] = r.u64(errors, kind.c_str(), path + ".errors." + kind);
  }
  const json& top = r.field(entry, "top_error", path + ".top_error");
  if (!top.is_null()) {
    t.top_error_detail = r.text(top, "detail", path + ".top_error.detail");
  }
}

void read_breaker_and_last_error(const Reader& r, const json& entry, const std::string& path, TargetMetrics& t) {
  const json& breaker = r.field(entry, "breaker", path + ".breaker");
  const auto state = metrics::breaker_state_from_string(r.text(breaker, "state", path + ".breaker.state"));
  if (!state) {
    r.fail(fmt::format("\"{}.breaker.state\" must be closed, half-open or open", path));
  }
  t.breaker = *state;
  t.breaker_transitions = r.u64(breaker, "transitions", path + ".breaker.transitions");
  t.breaker_open_time = std::chrono::duration_cast<std::chrono::microseconds>(
    std::chrono::duration<double>(r.number(breaker, "open_s", path + ".breaker.open_s")));
  const json& last = r.field(entry, "last_error", path + ".last_error");
  if (!last.is_null()) {
    t.last_error = r.text(last, "message", path + ".last_error.message");
    if (!r.field(last, "at", path + ".last_error.at").is_null()) {
      t.last_error_at = r.time(last, "at", path + ".last_error.at");
    }
  }
}

TargetMetrics read_target(const Reader& r, const json& entry, const std::string& path) {
  TargetMetrics t;
  t.name = r.text(entry, "name", path + ".name");
  t.visits_started = r.u64(entry, "visits", path + ".visits");
  t.visits_completed = r.u64(entry, "visits_completed", path + ".visits_completed");
  t.visits_not_started = r.u64(entry, "visits_not_started", path + ".visits_not_started");
  t.hits_generated = r.u64(entry, "generated", path + ".generated");
  t.requests = r.u64(entry, "requests", path + ".requests");
  t.acked = r.u64(entry, "acked", path + ".acked");
  t.rejected = r.u64(entry, "rejected", path + ".rejected");
  t.failed = r.u64(entry, "failed", path + ".failed");
  t.unconfirmed = r.u64(entry, "unconfirmed", path + ".unconfirmed");
  t.not_sent = r.u64(entry, "not_sent", path + ".not_sent");
  t.possible_duplicates = r.u64(entry, "possible_duplicates", path + ".possible_duplicates");
  t.unidentified_rejections = r.u64(entry, "unidentified_rejections", path + ".unidentified_rejections");
  t.bulk_answers_without_counts = r.u64(entry, "bulk_answers_without_counts", path + ".bulk_answers_without_counts");
  t.failed_attempts = r.u64(entry, "failed_attempts", path + ".failed_attempts");
  t.retries = r.u64(entry, "retries", path + ".retries");
  t.in_flight = r.i64(entry, "in_flight", path + ".in_flight");
  read_codes_and_errors(r, entry, path, t);
  read_breaker_and_last_error(r, entry, path, t);
  const json& histograms = r.field(entry, "histograms", path + ".histograms");
  t.service_time = r.histogram(histograms, "service_us", path + ".histograms.service_us");
  t.intended_time = r.histogram(histograms, "intended_us", path + ".histograms.intended_us");
  return t;
}

std::uint64_t read_seed(const Reader& r, const json& summary) {
  const json& seed = r.field(summary, "seed", "seed");
  // A merged summary whose shards disagreed holds a list of seeds; the first stands for it.
  if (seed.is_array() && !seed.empty()) {
    return r.u64(seed[0], "seed[0]");
  }
  return r.u64(seed, "seed");
}

/// The summary's "stages" (stages_report.hpp) with their start-lag histograms
/// ("histograms.stage_start_lag_us"; absent in summaries of older builds: the lags stay empty).
std::vector<metrics::StageMetrics> read_stages(const Reader& r, const json& summary) {
  std::vector<metrics::StageMetrics> out;
  const auto stages = summary.find("stages");
  if (stages == summary.end()) {
    return out;
  }
  if (!stages->is_array()) {
    r.fail("\"stages\" must be an array");
  }
  const json& histograms = r.field(summary, "histograms", "histograms");
  const auto lags = histograms.find("stage_start_lag_us");
  if (lags != histograms.end() && (!lags->is_array() || lags->size() != stages->size())) {
    r.fail("\"histograms.stage_start_lag_us\" must be an array with one histogram per stage");
  }
  for (std::size_t i = 0; i < stages->size(); ++i) {
    const std::string path = fmt::format("stages[{}]", i);
    const json& entry = stages->at(i);
    metrics::StageMetrics stage;
    stage.spec = r.text(entry, "stage", path + ".stage");
    stage.start_s = r.number(entry, "start_s", path + ".start_s");
    stage.open = r.field(entry, "duration_s", path + ".duration_s").is_null();
    stage.seconds = stage.open ? 0.0 : r.number(entry, "duration_s", path + ".duration_s");
    stage.from_rate = r.number(entry, "from_rate", path + ".from_rate");
    stage.to_rate = r.number(entry, "to_rate", path + ".to_rate");
    stage.visits_started = r.u64(entry, "visits_started", path + ".visits_started");
    if (lags != histograms.end()) {
      stage.start_lag = r.histogram_of(lags->at(i), fmt::format("histograms.stage_start_lag_us[{}]", i));
    }
    out.push_back(std::move(stage));
  }
  return out;
}

}  // namespace

metrics::RunMetrics summary_from_json(const json& summary, const std::string& source) {
  const Reader r(source);
  if (!summary.is_object()) {
    r.fail("the top level must be an object");
  }
  const auto version = r.u64(summary, "schema_version", "schema_version");
  if (version != k_summary_schema_version) {
    throw Error(fmt::format("{}: unsupported summary schema_version {} (this build reads {})", source, version,
                            k_summary_schema_version),
                ExitCode::usage);
  }
  metrics::RunMetrics run;
  run.seed = read_seed(r, summary);
  run.started = r.time(summary, "started", "started");
  run.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
    std::chrono::duration<double>(r.number(summary, "elapsed_s", "elapsed_s")));
  run.stop_reason = r.text(summary, "stop_reason", "stop_reason");
  const json& generator = r.field(summary, "generator", "generator");
  run.threads = static_cast<unsigned>(r.u64(generator, "threads", "generator.threads"));
  run.generator_cpu_seconds = r.number(generator, "cpu_seconds", "generator.cpu_seconds");
  run.visits_waiting = r.u64(summary, "visits_waiting", "visits_waiting");
  if (summary.contains("dead_letter_unsaved")) {  // absent in summaries of older builds
    run.dead_letter_unsaved = r.u64(summary, "dead_letter_unsaved", "dead_letter_unsaved");
  }
  run.requested_visit_rate =
    r.number(r.field(summary, "visit_rate", "visit_rate"), "requested", "visit_rate.requested");
  // optional: summaries of builds before START_AT have no start_late_ms
  if (const auto late = summary.find("start_late_ms"); late != summary.end() && !late->is_null()) {
    run.start_late_ms = r.number(summary, "start_late_ms", "start_late_ms");
  }
  const json& histograms = r.field(summary, "histograms", "histograms");
  run.start_lag = r.histogram(histograms, "start_lag_us", "histograms.start_lag_us");
  run.loop_lag = r.histogram(histograms, "loop_lag_us", "histograms.loop_lag_us");
  const json& targets = r.field(summary, "targets", "targets");
  if (!targets.is_array()) {
    r.fail("\"targets\" must be an array");
  }
  for (std::size_t i = 0; i < targets.size(); ++i) {
    run.targets.push_back(read_target(r, targets[i], fmt::format("targets[{}]", i)));
  }
  if (const auto series = summary.find("series"); series != summary.end()) {  // absent before issue 18
    run.series = series_from_json(*series, source);
  }
  if (const auto ledger = summary.find("ledger"); ledger != summary.end()) {  // absent before issue 21
    run.ledger = ledger_from_json(*ledger, source);
  }
  run.stages = read_stages(r, summary);
  return run;
}

}  // namespace tf::report
