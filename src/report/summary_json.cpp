#include "report/summary_json.hpp"

#include <string>

#include "report/atomic_file.hpp"
#include "report/health_table.hpp"
#include "report/stages_report.hpp"
#include "report/series_json.hpp"
#include "report/ledger_json.hpp"

namespace tf::report {
namespace {

using metrics::Histogram;
using metrics::TargetMetrics;
using nlohmann::json;

/// Milliseconds as a number (exact to the microsecond); null when the histogram is empty.
json ms_or_null(const Histogram& h, std::uint64_t micros) {
  return h.empty() ? json(nullptr) : json(static_cast<double>(micros) / 1000.0);
}

json latency_json(const Histogram& h) {
  return {{"p50", ms_or_null(h, h.percentile(50))}, {"p90", ms_or_null(h, h.percentile(90))},
          {"p99", ms_or_null(h, h.percentile(99))}, {"p999", ms_or_null(h, h.percentile(99.9))},
          {"max", ms_or_null(h, h.max())},          {"count", h.count()}};
}

json histogram_json(const Histogram& h) {
  // Buckets as one compact string "index:count index:count ..." so a pretty-printed summary
  // stays readable; only `merge` reads them.
  const auto data = h.data();
  std::string buckets;
  for (const auto& [index, count] : data.buckets) {
    buckets += buckets.empty() ? "" : " ";
    buckets += std::to_string(index) + ":" + std::to_string(count);
  }
  return {{"sub_bucket_bits", Histogram::k_sub_bucket_bits},
          {"count", h.count()},
          {"min", data.min},
          {"max", data.max},
          {"sum", data.sum},
          {"buckets", std::move(buckets)}};
}

json status_codes_json(const TargetMetrics& t) {
  json codes = json::object();
  for (const auto& [code, count] : t.status_codes) {
    codes[std::to_string(code)] = count;
  }
  return codes;
}

json errors_json(const TargetMetrics& t) {
  json errors = json::object();
  for (std::size_t i = 1; i < metrics::k_error_kind_count; ++i) {  // 0: none
    errors[std::string(metrics::to_string(static_cast<metrics::ErrorKind>(i)))] = t.errors[i];
  }
  return errors;
}

json last_error_json(const TargetMetrics& t) {
  if (t.last_error.empty() && !t.last_error_at) {
    return nullptr;
  }
  return {{"message", t.last_error}, {"at", t.last_error_at ? json(format_utc(*t.last_error_at)) : json(nullptr)}};
}

json top_error_json(const TargetMetrics& t) {
  const auto top = t.top_error();
  if (!top) {
    return nullptr;
  }
  return {{"kind", metrics::to_string(*top)}, {"count", t.error_count(*top)}, {"detail", t.top_error_detail}};
}

json target_json(const TargetMetrics& t, bool is_total = false) {
  const auto rate = metrics::success_rate(t);
  return {{"name", t.name},
          {"status", metrics::to_string(is_total ? metrics::total_health_of(t) : metrics::health_of(t))},
          {"success_rate", rate ? json(*rate) : json(nullptr)},
          {"failure_rate", metrics::failure_rate(t)},
          {"visits", t.visits_started},
          {"visits_completed", t.visits_completed},
          {"visits_not_started", t.visits_not_started},
          {"hits", t.hits_generated},
          {"generated", t.hits_generated},
          {"acked", t.acked},
          {"rejected", t.rejected},
          {"failed", t.failed},
          {"unconfirmed", t.unconfirmed},
          {"not_sent", t.not_sent},
          {"possible_duplicates", t.possible_duplicates},
          {"unidentified_rejections", t.unidentified_rejections},
          {"bulk_answers_without_counts", t.bulk_answers_without_counts},
          {"requests", t.requests},
          {"failed_attempts", t.failed_attempts},
          {"retries", t.retries},
          {"in_flight", t.in_flight},
          {"latency_ms", latency_json(t.service_time)},
          {"intended_latency_ms", latency_json(t.intended_time)},
          {"status_codes", status_codes_json(t)},
          {"errors", errors_json(t)},
          {"top_error", top_error_json(t)},
          {"breaker",
           {{"state", metrics::to_string(t.breaker)},
            {"transitions", t.breaker_transitions},
            {"open_s", std::chrono::duration<double>(t.breaker_open_time).count()}}},
          {"last_error", last_error_json(t)}};
}

json accounting_json(const metrics::RunMetrics& run) {
  const auto check = metrics::check_accounting(run);
  return {{"generated", check.total.generated},
          {"acked", check.total.acked},
          {"rejected", check.total.rejected},
          {"failed", check.total.failed},
          {"unconfirmed", check.total.unconfirmed},
          {"not_sent", check.total.not_sent},
          {"balanced", check.ok()},
          {"unbalanced", check.unbalanced}};
}

json thresholds_json(const metrics::RunMetrics& run) {
  json out = json::array();
  for (const auto& t : run.thresholds) {
    out.push_back({{"expr", t.expr}, {"value", t.value ? json(*t.value) : json(nullptr)}, {"ok", t.ok}});
  }
  return out;
}

json generator_json(const metrics::RunMetrics& run) {
  return {{"threads", run.threads},
          {"cpu_seconds", run.generator_cpu_seconds},
          {"cpu_percent", run.generator_cpu_percent()},
          {"loop_lag_ms", latency_json(run.loop_lag)},
          {"bottleneck", generator_is_bottleneck(run)}};
}

}  // namespace

json summary_to_json(const metrics::Snapshot& snapshot, const json& redacted_config) {
  json targets = json::array();
  for (const auto& t : snapshot.targets) {
    json entry = target_json(t);
    entry["histograms"] = {{"service_us", histogram_json(t.service_time)},
                           {"intended_us", histogram_json(t.intended_time)}};
    targets.push_back(std::move(entry));
  }
  json totals = target_json(snapshot.totals(), true);
  totals.erase("name");
  totals.erase("last_error");
  json out = {
    {"schema_version", k_summary_schema_version},
    {"seed", snapshot.seed},
    {"started", format_utc(snapshot.started)},
    {"elapsed_s", std::chrono::duration<double>(snapshot.elapsed).count()},
    {"stop_reason", snapshot.stop_reason},
    {"config", redacted_config},
    {"totals", std::move(totals)},
    {"targets", std::move(targets)},
    {"visit_rate", {{"requested", snapshot.requested_visit_rate}, {"achieved", snapshot.achieved_visit_rate()}}},
    {"visits_waiting", snapshot.visits_waiting},
    {"dead_letter_unsaved", snapshot.dead_letter_unsaved},
    {"start_lag_ms", latency_json(snapshot.start_lag)},
    {"start_late_ms", snapshot.start_late_ms ? json(*snapshot.start_late_ms) : json(nullptr)},
    {"generator", generator_json(snapshot)},
    {"accounting", accounting_json(snapshot)},
    {"thresholds", thresholds_json(snapshot)},
    {"ledger", ledger_to_json(snapshot.ledger)},
    {"histograms",
     {{"start_lag_us", histogram_json(snapshot.start_lag)}, {"loop_lag_us", histogram_json(snapshot.loop_lag)}}},
    {"series", series_to_json(snapshot.series)}};
  if (!snapshot.stages.empty()) {
    out["stages"] = stages_json(snapshot);
    json lags = json::array();  // so that `merge` adds the stages' start lags exactly
    for (const auto& stage : snapshot.stages) {
      lags.push_back(histogram_json(stage.start_lag));
    }
    out["histograms"]["stage_start_lag_us"] = std::move(lags);
    const std::string current = current_stage_text(snapshot);
    out["current_stage"] = current.empty() ? json(nullptr) : json(current);
  }
  return out;
}

void write_summary_file(const std::string& path, const json& summary) {
  write_output_file(path, summary.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
}

}  // namespace tf::report
