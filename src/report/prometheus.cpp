#include "report/prometheus.hpp"

#include <fmt/format.h>

#include "metrics/le_buckets.hpp"
#include "report/atomic_file.hpp"

namespace tf::report {
namespace {

using metrics::Histogram;
using metrics::TargetMetrics;

/// Appends "# HELP" and "# TYPE" for one family.
void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += fmt::format("# HELP trafficinator_{} {}\n# TYPE trafficinator_{} {}\n", name, help, name, type);
}

std::string target_label(const TargetMetrics& t) { return fmt::format("target=\"{}\"", escape_label_value(t.name)); }

template <class Value>
void sample(std::string& out, std::string_view name, const std::string& labels, Value value) {
  if (labels.empty()) {
    out += fmt::format("trafficinator_{} {}\n", name, value);
  } else {
    out += fmt::format("trafficinator_{}{{{}}} {}\n", name, labels, value);
  }
}

/// A histogram family with the fixed `le` buckets (metrics/le_buckets.hpp), in seconds, plus
/// _sum (seconds) and _count.
void histogram_samples(std::string& out, std::string_view name, const std::string& labels, const Histogram& h) {
  const std::string sep = labels.empty() ? "" : ",";
  const auto cumulative = metrics::cumulative_le_counts(h);
  for (std::size_t i = 0; i < cumulative.size(); ++i) {
    const std::string le = i < metrics::k_latency_le_us.size()
      ? fmt::format("{}", static_cast<double>(metrics::k_latency_le_us[i]) / 1e6)
      : "+Inf";
    out += fmt::format("trafficinator_{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels, sep, le, cumulative[i]);
  }
  sample(out, fmt::format("{}_sum", name), labels, static_cast<double>(h.sum()) / 1e6);
  sample(out, fmt::format("{}_count", name), labels, h.count());
}

struct CounterField {
  const char* name;
  const char* help;
  std::uint64_t TargetMetrics::*field;
};

constexpr std::array<CounterField, 13> k_counters = {{
  {"visits_started_total", "Visits started.", &TargetMetrics::visits_started},
  {"visits_completed_total", "Visits not cut by a stop.", &TargetMetrics::visits_completed},
  {"hits_generated_total", "Hits of the visits started on the target.", &TargetMetrics::hits_generated},
  {"requests_total", "HTTP request attempts, first tries and retries.", &TargetMetrics::requests},
  {"hits_acked_total", "Hits the target said it recorded.", &TargetMetrics::acked},
  {"hits_rejected_total", "Hits the target refused (4xx, bulk invalid).", &TargetMetrics::rejected},
  {"hits_failed_total", "Hits certainly not recorded.", &TargetMetrics::failed},
  {"hits_unconfirmed_total", "Hits that may have been recorded.", &TargetMetrics::unconfirmed},
  {"hits_not_sent_total", "Hits never sent.", &TargetMetrics::not_sent},
  {"hits_possible_duplicates_total", "Hits sent again after an attempt that may have been recorded.",
   &TargetMetrics::possible_duplicates},
  {"requests_failed_total", "Request attempts that failed.", &TargetMetrics::failed_attempts},
  {"retries_total", "Retries sent.", &TargetMetrics::retries},
  {"visits_not_started_total", "Visits cut at a stop before their first hit.", &TargetMetrics::visits_not_started},
}};

void target_counters(std::string& out, const metrics::Snapshot& s) {
  for (const auto& counter : k_counters) {
    family(out, counter.name, "counter", counter.help);
    for (const auto& t : s.targets) {
      sample(out, counter.name, target_label(t), t.*counter.field);
    }
  }
  family(out, "responses_total", "counter", "HTTP answers by status code.");
  for (const auto& t : s.targets) {
    for (const auto& [code, count] : t.status_codes) {
      sample(out, "responses_total", fmt::format("{},code=\"{}\"", target_label(t), code), count);
    }
  }
  family(out, "errors_total", "counter", "Failed request attempts by kind.");
  for (const auto& t : s.targets) {
    for (std::size_t i = 1; i < metrics::k_error_kind_count; ++i) {  // 0: none
      const auto kind = metrics::to_string(static_cast<metrics::ErrorKind>(i));
      sample(out, "errors_total", fmt::format("{},kind=\"{}\"", target_label(t), kind), t.errors[i]);
    }
  }
}

void target_states(std::string& out, const metrics::Snapshot& s) {
  family(out, "requests_in_flight", "gauge", "Requests in flight now.");
  for (const auto& t : s.targets) {
    sample(out, "requests_in_flight", target_label(t), t.in_flight);
  }
  family(out, "target_health", "gauge", "1 for the target's current health status, 0 for the others.");
  for (const auto& t : s.targets) {
    const auto health = metrics::health_of(t);
    for (auto h :
         {metrics::Health::unknown, metrics::Health::healthy, metrics::Health::degraded, metrics::Health::failing}) {
      sample(out, "target_health", fmt::format("{},status=\"{}\"", target_label(t), metrics::to_string(h)),
             h == health ? 1 : 0);
    }
  }
  family(out, "breaker_state", "gauge", "1 for the circuit breaker's current state, 0 for the others.");
  for (const auto& t : s.targets) {
    for (auto b : {metrics::BreakerState::closed, metrics::BreakerState::half_open, metrics::BreakerState::open}) {
      sample(out, "breaker_state", fmt::format("{},state=\"{}\"", target_label(t), metrics::to_string(b)),
             b == t.breaker ? 1 : 0);
    }
  }
  family(out, "breaker_transitions_total", "counter", "Circuit breaker state changes.");
  for (const auto& t : s.targets) {
    sample(out, "breaker_transitions_total", target_label(t), t.breaker_transitions);
  }
  family(out, "breaker_open_seconds_total", "counter", "Time the circuit breaker spent open.");
  for (const auto& t : s.targets) {
    sample(out, "breaker_open_seconds_total", target_label(t),
           std::chrono::duration<double>(t.breaker_open_time).count());
  }
}

void target_latencies(std::string& out, const metrics::Snapshot& s) {
  family(out, "request_duration_seconds", "histogram", "Service time: request sent to answer.");
  for (const auto& t : s.targets) {
    histogram_samples(out, "request_duration_seconds", target_label(t), t.service_time);
  }
  family(out, "intended_duration_seconds", "histogram",
         "Intended send time to answer (corrected for coordinated omission).");
  for (const auto& t : s.targets) {
    histogram_samples(out, "intended_duration_seconds", target_label(t), t.intended_time);
  }
}

void run_families(std::string& out, const metrics::Snapshot& s) {
  family(out, "run_info", "gauge", "Constant 1, labelled with the run's seed.");
  sample(out, "run_info", fmt::format("seed=\"{}\"", s.seed), 1);
  family(out, "run_started_timestamp_seconds", "gauge", "Unix time the run started.");
  sample(out, "run_started_timestamp_seconds", "", std::chrono::duration<double>(s.started.time_since_epoch()).count());
  family(out, "run_elapsed_seconds", "gauge", "Wall time since the run started.");
  sample(out, "run_elapsed_seconds", "", std::chrono::duration<double>(s.elapsed).count());
  family(out, "visit_rate_requested", "gauge", "Requested visit rate, visits per second.");
  sample(out, "visit_rate_requested", "", s.requested_visit_rate);
  family(out, "visit_rate_achieved", "gauge", "Achieved visit rate, visits per second.");
  sample(out, "visit_rate_achieved", "", s.achieved_visit_rate());
  family(out, "visits_waiting", "gauge", "Visits due to start but waiting for a free slot.");
  sample(out, "visits_waiting", "", s.visits_waiting);
  family(out, "generator_cpu_seconds_total", "counter", "CPU time used by the generator.");
  sample(out, "generator_cpu_seconds_total", "", s.generator_cpu_seconds);
  family(out, "visit_start_lag_seconds", "histogram", "Intended to actual visit start.");
  histogram_samples(out, "visit_start_lag_seconds", "", s.start_lag);
  family(out, "loop_lag_seconds", "histogram", "How late the event loop woke for due work.");
  histogram_samples(out, "loop_lag_seconds", "", s.loop_lag);
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_prometheus(const metrics::Snapshot& snapshot) {
  std::string out;
  target_counters(out, snapshot);
  target_states(out, snapshot);
  target_latencies(out, snapshot);
  run_families(out, snapshot);
  return out;
}

std::string render_openmetrics(const metrics::Snapshot& snapshot) {
  // The same families; OpenMetrics names a counter family without its `_total` suffix and ends
  // the exposition with "# EOF".
  const std::string text = render_prometheus(snapshot);
  std::string out;
  out.reserve(text.size() + 8);
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t end = text.find('\n', begin);
    std::string line = text.substr(begin, end - begin);
    begin = end + 1;
    if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) {
      const std::size_t name_end = line.find(' ', 7);
      const std::string_view name(line.data() + 7, name_end - 7);
      if (name.ends_with("_total")) {
        line.erase(name_end - 6, 6);
      }
    }
    out += line;
    out += '\n';
  }
  out += "# EOF\n";
  return out;
}

void write_prometheus_file(const std::string& path, const metrics::Snapshot& snapshot) {
  write_output_file(path, render_prometheus(snapshot));
}

}  // namespace tf::report
