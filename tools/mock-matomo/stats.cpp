#include "stats.hpp"

#include <numeric>

namespace tf::mock {
namespace {

using nlohmann::json;

std::uint64_t sum_of(const std::map<std::string, std::uint64_t>& counts) {
  return std::accumulate(counts.begin(), counts.end(), std::uint64_t{0},
                         [](std::uint64_t acc, const auto& kv) { return acc + kv.second; });
}

json params_json(const tf::matomo::Params& params) {
  json out = json::object();
  for (const auto& [key, value] : params) {
    if (!out.contains(key)) {
      out[key] = value;
    }
  }
  return out;
}

}  // namespace

void Stats::count_request(bool bulk) {
  ++m_requests;
  m_bulk_requests += bulk ? 1 : 0;
}

void Stats::count_violations(const std::vector<tf::matomo::Violation>& violations) {
  for (const auto& v : violations) {
    ++m_violations[v.code];
    if (v.matomo_rejects) {
      ++m_matomo_violations[v.code];
    }
  }
}

void Stats::note_violations(const std::vector<tf::matomo::Violation>& violations, const std::string& visitor,
                            bool rejected) {
  for (const auto& v : violations) {
    if (m_recent.size() == k_recent_violations) {
      m_recent.pop_front();
    }
    m_recent.push_back({{"code", v.code},
                        {"detail", v.detail},
                        {"matomo_rejects", v.matomo_rejects},
                        {"visitor", visitor},
                        {"rejected", rejected}});
  }
}

std::string Stats::violations_ndjson() const {
  std::string out;
  for (const auto& line : m_recent) {
    out += line.dump(-1, ' ', false, json::error_handler_t::replace);
    out += '\n';
  }
  return out;
}

void Stats::store(StoredHit hit) {
  if (m_hits.size() >= m_max_stored) {
    ++m_not_stored;
    return;
  }
  m_hits.push_back(std::move(hit));
}

json Stats::to_json(const VisitTracker& visits, int max_concurrent,
                    const std::map<std::string, long long>& faults) const {
  std::uint64_t actions = 0, conversions = 0;
  for (const auto& v : visits.visits()) {
    actions += v.actions;
    conversions += v.conversions;
  }
  long long faults_total = 0;
  for (const auto& [kind, n] : faults) {
    faults_total += kind == "latency" ? 0 : n;
  }
  return {
    {"requests", m_requests},
    {"bulk_requests", m_bulk_requests},
    {"hits_received", m_received},
    {"hits_accepted", m_accepted},
    {"duplicates", m_duplicates},
    {"hits_rejected", m_rejected},
    {"hits_ignored", m_ignored},
    {"hits_excluded_bot", m_excluded_bot},
    {"violations_total", sum_of(m_violations)},
    {"violations", m_violations},
    {"matomo_violations_total", sum_of(m_matomo_violations)},
    {"matomo_violations", m_matomo_violations},
    {"visits", visits.visits().size()},
    {"actions", actions},
    {"conversions", conversions},
    {"distinct_visitors", visits.visitors()},
    {"hits_per_visitor", visits.hits_per_visitor()},
    {"max_concurrent_per_visitor", max_concurrent},
    {"faults_injected_total", faults_total},
    {"faults_injected", faults},
    {"token_in_url", m_token_in_url},
    {"hits_stored", m_hits.size()},
    {"hits_not_stored", m_not_stored},
  };
}

std::string Stats::hits_ndjson() const {
  std::string out;
  for (const auto& hit : m_hits) {
    json line = {{"params", params_json(hit.params)},
                 {"arrival_ms", hit.arrival_ms},
                 {"connection", hit.connection},
                 {"visitor", hit.visitor},
                 {"visit", hit.visit},
                 {"user_agent", hit.user_agent}};
    out += line.dump(-1, ' ', false, json::error_handler_t::replace);
    out += '\n';
  }
  return out;
}

void Stats::note_params(const tf::matomo::Params& params) {
  std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a over "key=value&" in order
  const auto mix = [&hash](std::string_view text) {
    for (const char c : text) {
      hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    }
  };
  for (const auto& [key, value] : params) {
    if (key != "token_auth") {
      mix(key);
      mix("=");
      mix(value);
      mix("&");
    }
  }
  if (!m_seen.insert(hash).second) {
    ++m_duplicates;
  }
}

void Stats::clear() { *this = Stats(m_max_stored); }

std::string visits_ndjson(const VisitTracker& visits) {
  std::string out;
  for (const auto& v : visits.visits()) {
    json line = {{"visitor", v.visitor},  {"site", v.site}, {"number", v.number},   {"first_s", v.first_s},
                 {"last_s", v.last_s},    {"hits", v.hits}, {"actions", v.actions}, {"conversions", v.conversions},
                 {"campaign", v.campaign}};
    out += line.dump(-1, ' ', false, json::error_handler_t::replace);
    out += '\n';
  }
  return out;
}

}  // namespace tf::mock
