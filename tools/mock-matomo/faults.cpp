#include "faults.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace tf::mock {
namespace {

using nlohmann::json;

double probability(const json& j, const char* key, double fallback) {
  const double p = j.value(key, fallback);
  if (p < 0.0 || p > 1.0) {
    throw std::invalid_argument(fmt::format("\"{}\" must be within 0..1, found {}", key, p));
  }
  return p;
}

int non_negative(const json& j, const char* key, int fallback) {
  const int v = j.value(key, fallback);
  if (v < 0) {
    throw std::invalid_argument(fmt::format("\"{}\" must be >= 0, found {}", key, v));
  }
  return v;
}

std::string retry_after_text(const json& j) {
  if (!j.contains("retry_after")) {
    return {};
  }
  const auto& v = j["retry_after"];
  return v.is_string() ? v.get<std::string>() : std::to_string(v.get<long long>());
}

DownWindow parse_window(const json& w) {
  DownWindow window;
  window.from_s = w.at("from_s").get<double>();
  window.to_s = w.at("to_s").get<double>();
  window.status = w.value("status", 503);
  window.drop = w.value("drop", false);
  if (window.to_s < window.from_s) {
    throw std::invalid_argument("a window needs from_s <= to_s");
  }
  return window;
}

}  // namespace

FaultPlan FaultPlan::from_json(const json& j) {
  static const char* const k_known[] = {"seed",
                                        "status",
                                        "rate",
                                        "retry_after",
                                        "limit",
                                        "latency_ms",
                                        "stall_ms",
                                        "stall_rate",
                                        "stall_status",
                                        "drop_rate",
                                        "windows",
                                        "bulk_first_k",
                                        "bulk_first_k_rate",
                                        "record_then",
                                        "record_then_every",
                                        "record_then_ms",
                                        "location",
                                        "capacity_rps",
                                        "capacity_queue_ms",
                                        "capacity_status",
                                        "store_nothing_rate",
                                        "max_per_request"};
  if (!j.is_object()) {
    throw std::invalid_argument("faults must be a JSON object");
  }
  for (const auto& [key, value] : j.items()) {
    if (std::find(std::begin(k_known), std::end(k_known), key) == std::end(k_known)) {
      throw std::invalid_argument(fmt::format("unknown fault key \"{}\"", key));
    }
  }
  FaultPlan plan;
  plan.seed = j.value("seed", plan.seed);
  plan.status = non_negative(j, "status", 0);
  plan.rate = probability(j, "rate", 1.0);
  plan.retry_after = retry_after_text(j);
  plan.limit = j.value("limit", -1LL);
  plan.latency_ms = non_negative(j, "latency_ms", 0);
  plan.stall_ms = non_negative(j, "stall_ms", 0);
  plan.stall_rate = probability(j, "stall_rate", 1.0);
  plan.stall_status = non_negative(j, "stall_status", 504);
  plan.drop_rate = probability(j, "drop_rate", 0.0);
  if (j.contains("windows")) {
    for (const auto& w : j["windows"]) {
      plan.windows.push_back(parse_window(w));
    }
  }
  plan.bulk_first_k = j.value("bulk_first_k", -1);
  plan.bulk_first_k_rate = probability(j, "bulk_first_k_rate", 1.0);
  plan.record_then = j.value("record_then", std::string{});
  if (!plan.record_then.empty() && plan.record_then != "stall" && plan.record_then != "drop" &&
      plan.record_then != "late") {
    throw std::invalid_argument(
      fmt::format("\"record_then\" must be \"stall\", \"drop\" or \"late\", found \"{}\"", plan.record_then));
  }
  plan.record_then_every = non_negative(j, "record_then_every", 0);
  plan.record_then_ms = non_negative(j, "record_then_ms", 5000);
  plan.location = j.value("location", std::string{});
  plan.capacity_rps = j.value("capacity_rps", 0.0);
  if (plan.capacity_rps < 0) {
    throw std::invalid_argument(fmt::format("\"capacity_rps\" must be >= 0, found {}", plan.capacity_rps));
  }
  plan.capacity_queue_ms = non_negative(j, "capacity_queue_ms", 100);
  plan.capacity_status = non_negative(j, "capacity_status", 503);
  plan.store_nothing_rate = probability(j, "store_nothing_rate", 0.0);
  plan.max_per_request = non_negative(j, "max_per_request", 0);
  return plan;
}

json FaultPlan::to_json() const {
  json windows_json = json::array();
  for (const auto& w : windows) {
    windows_json.push_back({{"from_s", w.from_s}, {"to_s", w.to_s}, {"status", w.status}, {"drop", w.drop}});
  }
  return {{"seed", seed},
          {"status", status},
          {"rate", rate},
          {"retry_after", retry_after},
          {"limit", limit},
          {"latency_ms", latency_ms},
          {"stall_ms", stall_ms},
          {"stall_rate", stall_rate},
          {"stall_status", stall_status},
          {"drop_rate", drop_rate},
          {"windows", windows_json},
          {"bulk_first_k", bulk_first_k},
          {"bulk_first_k_rate", bulk_first_k_rate},
          {"record_then", record_then},
          {"record_then_every", record_then_every},
          {"record_then_ms", record_then_ms},
          {"location", location},
          {"capacity_rps", capacity_rps},
          {"capacity_queue_ms", capacity_queue_ms},
          {"capacity_status", capacity_status},
          {"store_nothing_rate", store_nothing_rate},
          {"max_per_request", max_per_request}};
}

FaultInjector::FaultInjector(FaultPlan plan, Steady::time_point now)
  : m_plan(std::move(plan)), m_since(now), m_rng(m_plan.seed) {}

void FaultInjector::set_plan(FaultPlan plan, Steady::time_point now) {
  std::lock_guard lock(m_mutex);
  m_plan = std::move(plan);
  m_since = now;
  m_rng = tf::Rng(m_plan.seed);
  m_limited = 0;
  m_requests = 0;
  m_next_turn = {};
  m_faults_of.clear();
}

bool FaultInjector::store_nothing() {
  std::lock_guard lock(m_mutex);
  if (m_plan.store_nothing_rate <= 0.0 || !m_rng.bernoulli(m_plan.store_nothing_rate)) {
    return false;
  }
  ++m_injected["store_nothing"];
  return true;
}

FaultPlan FaultInjector::plan() const {
  std::lock_guard lock(m_mutex);
  return m_plan;
}

bool FaultInjector::below_request_cap(std::string_view content) {
  if (m_plan.max_per_request <= 0) {
    return true;
  }
  int& faults = m_faults_of[std::hash<std::string_view>{}(content)];
  if (faults >= m_plan.max_per_request) {
    return false;
  }
  ++faults;
  return true;
}

bool FaultInjector::budget_left() const { return m_plan.limit < 0 || m_limited < m_plan.limit; }

void FaultInjector::count(const std::string& what) { ++m_injected[what]; }

FaultDecision FaultInjector::decide(Steady::time_point now, bool is_bulk, std::string_view content) {
  std::lock_guard lock(m_mutex);
  FaultDecision d;
  d.latency_ms = m_plan.latency_ms;
  ++m_requests;
  if (d.latency_ms > 0) {
    count("latency");
  }
  const double since_s = std::chrono::duration<double>(now - m_since).count();
  for (const auto& w : m_plan.windows) {
    if (since_s >= w.from_s && since_s < w.to_s) {
      d.kind = w.drop ? FaultKind::drop : FaultKind::status;
      d.status = w.status;
      d.retry_after = m_plan.retry_after;
      count(w.drop ? "window_drop" : fmt::format("window_{}", w.status));
      return d;
    }
  }
  if (m_plan.capacity_rps > 0 && !take_turn(now, d)) {
    return d;
  }
  // Draw every probability on every request so the sequence depends only on the request order.
  const bool drop = m_rng.bernoulli(m_plan.drop_rate);
  const bool stall = m_plan.stall_ms > 0 && m_rng.bernoulli(m_plan.stall_rate);
  const bool status = m_plan.status > 0 && m_rng.bernoulli(m_plan.rate);
  const bool first_k = m_plan.bulk_first_k >= 0 && m_rng.bernoulli(m_plan.bulk_first_k_rate);
  if ((drop || stall || status) && budget_left() && below_request_cap(content)) {
    ++m_limited;
    if (drop) {
      d.kind = FaultKind::drop;
      count("drop");
    } else if (stall) {
      d.kind = FaultKind::stall;
      d.stall_ms = m_plan.stall_ms;
      d.status = m_plan.stall_status;
      count("stall");
    } else {
      d.kind = FaultKind::status;
      d.status = m_plan.status;
      d.retry_after = m_plan.retry_after;
      d.location = m_plan.location.empty() ? "https://127.0.0.1/matomo.php" : m_plan.location;
      count(fmt::format("status_{}", m_plan.status));
    }
    return d;
  }
  if (m_plan.record_then_every > 0 && !m_plan.record_then.empty() && m_requests % m_plan.record_then_every == 0 &&
      budget_left()) {
    ++m_limited;
    d.kind = m_plan.record_then == "stall" ? FaultKind::record_then_stall
      : m_plan.record_then == "late"       ? FaultKind::record_late
                                           : FaultKind::record_then_drop;
    d.stall_ms = m_plan.record_then_ms;
    count("record_then_" + m_plan.record_then);
    return d;
  }
  if (is_bulk && first_k && budget_left()) {
    ++m_limited;
    d.kind = FaultKind::bulk_first_k;
    d.first_k = m_plan.bulk_first_k;
    count("bulk_first_k");
  }
  return d;
}

bool FaultInjector::take_turn(Steady::time_point now, FaultDecision& d) {
  const auto turn = std::max(now, m_next_turn);
  const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(turn - now);
  if (wait.count() > m_plan.capacity_queue_ms) {
    d.kind = FaultKind::status;
    d.status = m_plan.capacity_status;
    count(fmt::format("capacity_{}", m_plan.capacity_status));
    return false;
  }
  m_next_turn =
    turn + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(1.0 / m_plan.capacity_rps));
  d.queue_ms = static_cast<int>(wait.count());
  if (d.queue_ms > 0) {
    count("capacity_queued");
  }
  return true;
}

std::map<std::string, long long> FaultInjector::injected() const {
  std::lock_guard lock(m_mutex);
  return m_injected;
}

void FaultInjector::reset_counts() {
  std::lock_guard lock(m_mutex);
  m_injected.clear();
}

}  // namespace tf::mock
