#include "tracker.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "matomo/checks.hpp"
#include "reporting.hpp"
#include "util/units.hpp"

namespace tf::mock {
namespace {

using nlohmann::json;
using tf::matomo::find;
using tf::matomo::Params;
using tf::matomo::Violation;

/// What Matomo 5.0.2 sends for a refused single hit (compat mode): a generic page, no reason.
constexpr const char* k_compat_error =
  "<!DOCTYPE html><html><head><title>Matomo</title></head><body><h1>Matomo</h1>"
  "<p>An error occurred while processing the tracking request.</p></body></html>\n";
constexpr const char* k_notice = "<html><body>This resource is part of Matomo. Keep full control of your data with the "
                                 "leading free and open source <a href='https://matomo.org'>web analytics</a> platform."
                                 "</body></html>\n";

/// Session flags that are counted but never reject a hit.
bool is_flag_only(const std::string& code) { return code == "CONCURRENT_VISITOR" || code == "FINGERPRINT_MERGE_RISK"; }

std::string reason_codes(const std::vector<Violation>& violations) {
  std::vector<std::string> codes;
  for (const auto& v : violations) {
    if (std::find(codes.begin(), codes.end(), v.code) == codes.end()) {
      codes.push_back(v.code);
    }
  }
  return fmt::format("{}", fmt::join(codes, ","));
}

std::string reason_text(const std::vector<Violation>& violations) {
  std::string out;
  for (const auto& v : violations) {
    out += fmt::format("{}: {}\n", v.code, v.detail);
  }
  return out;
}

TrackResponse json_response(int status, const json& body) { return {status, "application/json", body.dump(), {}}; }

/// Matomo's bot exclusion, in short: a user agent (the ua parameter, else the header) naming a
/// bot, crawler or spider. Matomo answers such a hit as tracked and records nothing.
bool is_bot(std::string_view user_agent) {
  std::string lower(user_agent);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("bot") != std::string::npos || lower.find("crawler") != std::string::npos ||
    lower.find("spider") != std::string::npos;
}

int site_id_of(const Params& params) {
  const auto id = tf::parse_int(find(params, "idsite").value_or(""));
  return id && *id > 0 && *id < 1'000'000'000 ? static_cast<int>(*id) : 0;
}

}  // namespace

const std::string& tracking_gif() {
  static const std::string k_gif{
    "GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00\x21\xf9\x04\x01\x00\x00\x00"
    "\x00\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3b",
    43};
  return k_gif;
}

Tracker::Tracker(MockConfig config, const tf::Clock& clock)
  : m_config(std::move(config)), m_clock(clock), m_stats(m_config.max_stored_hits) {
  for (const auto& site : m_config.sites) {
    m_site_ids.push_back(site.id);
  }
}

std::string Tracker::key_for(const Params& params, const RequestInfo& request) const {
  if (find(params, "rec").value_or("") != "1") {
    return {};
  }
  return VisitTracker::key_of(facts_of(params, site_id_of(params), 0, request.remote_ip, request.user_agent));
}

ParsedRequest Tracker::parse(const RequestInfo& request) const {
  ParsedRequest parsed;
  const auto query = parse_query(query_of(request.target));
  const auto url_token = find(query, "token_auth");
  parsed.token_in_url = url_token.has_value();
  if (request.method == "POST" && is_bulk_body(request.body)) {
    parsed.bulk = true;
    auto body = parse_bulk(request.body);
    parsed.error = body.error;
    if (parsed.error.empty() && m_config.strict && !body.unknown_keys.empty()) {
      parsed.error = "BULK_UNKNOWN_KEY";
    }
    parsed.token = url_token ? std::string{*url_token} : body.token;
    parsed.send_image = body.send_image;
    parsed.hits = std::move(body.elements);
  } else {
    Params form;
    if (request.method == "POST" && !request.body.empty()) {
      if (request.content_type.rfind("application/x-www-form-urlencoded", 0) == 0) {
        form = parse_query(request.body);
      } else {
        parsed.error = "BAD_CONTENT_TYPE";
      }
    }
    BulkElement hit;
    hit.params = merge_params(query, form, parsed.conflicts);
    parsed.empty = hit.params.empty() && request.body.empty();
    parsed.send_image = find(hit.params, "send_image").value_or("1") != "0";
    if (!hit.params.empty()) {
      parsed.hits.push_back(std::move(hit));
    }
  }
  for (const auto& hit : parsed.hits) {
    auto key = hit.error.empty() ? key_for(hit.params, request) : std::string{};
    if (!key.empty() &&
        std::find(parsed.visitor_keys.begin(), parsed.visitor_keys.end(), key) == parsed.visitor_keys.end()) {
      parsed.visitor_keys.push_back(std::move(key));
    }
  }
  return parsed;
}

std::vector<Violation> Tracker::checks_for(const Params& params, int site_id, const Site* site,
                                           const std::string& token, std::int64_t now_s) const {
  tf::matomo::CheckContext ctx;
  ctx.now_s = now_s;
  ctx.token_valid = m_config.token_valid_for(token, site_id);
  ctx.site_search_enabled = site == nullptr || site->site_search;
  ctx.known_sites = m_site_ids;
  if (site != nullptr) {
    for (const auto& goal : site->goals) {
      ctx.known_goals.push_back(goal.id);
    }
  }
  return tf::matomo::check_hit(params, ctx);
}

bool Tracker::rejects(const Violation& v) const {
  return v.matomo_rejects || (m_config.strict && !is_flag_only(v.code));
}

Tracker::HitResult Tracker::process_hit(const Params& params, const std::string& batch_token,
                                        const RequestInfo& request, const ParsedRequest& parsed,
                                        const std::vector<std::string>& busy_keys) {
  m_stats.count_received();
  HitResult result;
  if (find(params, "rec").value_or("") != "1") {
    m_stats.count_ignored();
    return result;
  }
  const auto now = m_clock.system_now();
  const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const int site_id = site_id_of(params);
  const Site* site = m_config.find_site(site_id);
  const auto token = std::string{find(params, "token_auth").value_or(batch_token)};
  auto& v = result.violations;
  v = checks_for(params, site_id, site, token, now_s);
  if (parsed.error == "BAD_CONTENT_TYPE") {
    v.push_back({"BAD_CONTENT_TYPE", "a POST hit needs application/x-www-form-urlencoded", false});
  }
  for (const auto& name : parsed.conflicts) {
    v.push_back({"DUPLICATE_PARAM", fmt::format("{} given twice with different values", name), false});
  }
  if (site == nullptr && std::none_of(v.begin(), v.end(), [](const auto& x) { return x.matomo_rejects; })) {
    v.push_back({"UNKNOWN_SITE", fmt::format("idsite={} is not configured", site_id), true});
  }
  const bool matomo_rejects = std::any_of(v.begin(), v.end(), [](const auto& x) { return x.matomo_rejects; });
  if (!matomo_rejects && is_bot(find(params, "ua").value_or(request.user_agent))) {
    m_stats.count_excluded_bot();  // after the site and token checks, as Matomo: nothing recorded
    result.outcome = Outcome::excluded;
    return result;
  }
  std::optional<HitFacts> facts;
  if (site != nullptr) {
    facts = facts_of(params, site_id, effective_time(params, now_s), request.remote_ip, request.user_agent);
    const auto key = VisitTracker::key_of(*facts);
    if (std::find(busy_keys.begin(), busy_keys.end(), key) != busy_keys.end()) {
      v.push_back({"CONCURRENT_VISITOR", "another request of this visitor was in flight", false});
    }
    auto session = m_visits.evaluate(*facts, *site);
    v.insert(v.end(), session.begin(), session.end());
  }
  m_stats.count_violations(v);
  const bool reject = site == nullptr || std::any_of(v.begin(), v.end(), [&](const auto& x) { return rejects(x); });
  if (!v.empty()) {
    m_stats.note_violations(v, facts ? VisitTracker::key_of(*facts) : std::string{}, reject);
  }
  if (reject) {
    m_stats.count_rejected();
    result.outcome = Outcome::rejected;
    return result;
  }
  if (m_store_nothing && m_store_nothing()) {
    result.outcome = Outcome::accepted;  // answered as tracked, recorded nowhere (a lost hit)
    return result;
  }
  const auto [key, number] = m_visits.record(*facts, *site);
  m_stats.count_accepted();
  m_stats.note_params(params);
  const auto arrival_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  m_stats.store(StoredHit{redacted(params), arrival_ms, request.connection, key, number, request.user_agent});
  result.outcome = Outcome::accepted;
  return result;
}

TrackResponse Tracker::handle(const RequestInfo& request, const ParsedRequest& parsed,
                              const std::vector<std::string>& busy_keys, int first_k) {
  return parsed.bulk ? bulk(request, parsed, busy_keys, first_k) : single(request, parsed, busy_keys);
}

TrackResponse Tracker::single(const RequestInfo& request, const ParsedRequest& parsed,
                              const std::vector<std::string>& busy_keys) {
  if (parsed.hits.empty()) {
    const bool monitor = request.method == "GET" && parsed.empty;
    return {monitor ? 200 : 400, "text/html; charset=utf-8", k_notice, {}};
  }
  HitResult result;
  {
    std::lock_guard lock(m_mutex);
    result = process_hit(parsed.hits.front().params, {}, request, parsed, busy_keys);
  }
  if (result.outcome == Outcome::rejected) {
    if (!m_config.strict) {
      // Matomo 5.0.2 answers a refused single hit with its generic HTML page, no reason.
      return {400, "text/html; charset=utf-8", k_compat_error, {{"X-Mock-Reason", reason_codes(result.violations)}}};
    }
    return {400, "text/plain", reason_text(result.violations), {{"X-Mock-Reason", reason_codes(result.violations)}}};
  }
  TrackResponse response;
  if (!result.violations.empty()) {
    response.headers.emplace_back("X-Mock-Warning", reason_codes(result.violations));
  }
  if (!parsed.send_image) {
    response.status = 204;
    return response;
  }
  response.content_type = "image/gif";
  response.body = tracking_gif();
  if (request.method == "GET") {
    response.headers.emplace_back("Cache-Control", "no-store");
  }
  return response;
}

TrackResponse Tracker::bulk(const RequestInfo& request, const ParsedRequest& parsed,
                            const std::vector<std::string>& busy_keys, int first_k) {
  std::lock_guard lock(m_mutex);
  if (!parsed.error.empty()) {
    const std::vector<Violation> v{{parsed.error, "bulk body", false}};
    m_stats.count_violations(v);
    m_stats.note_violations(v, {}, m_config.strict);
    if (m_config.strict) {
      return {400, "text/plain", parsed.error + "\n", {{"X-Mock-Reason", parsed.error}}};
    }
    return json_response(200, {{"status", "success"}, {"tracked", 0}, {"invalid", 0}});
  }
  long long tracked = 0, invalid = 0, processed = 0, position = 0;
  std::vector<long long> indices;
  std::vector<std::string> reasons;
  bool aborted = false;
  for (const auto& element : parsed.hits) {
    if (first_k >= 0 && processed == first_k) {
      aborted = true;
      break;
    }
    if (element.ignored && !m_config.strict) {
      continue;
    }
    ++processed;
    const auto index = position++;
    if (element.error == "BULK_ELEMENT_EMPTY" && !m_config.strict) {
      ++tracked;
      continue;
    }
    if (!element.error.empty()) {
      m_stats.count_received();
      const std::vector<Violation> v{{element.error, fmt::format("requests[{}]", index), false}};
      m_stats.count_violations(v);
      m_stats.note_violations(v, {}, true);
      m_stats.count_rejected();
      ++invalid;
      indices.push_back(index);
      reasons.push_back(element.error);
      continue;
    }
    const auto r = process_hit(element.params, parsed.token, request, parsed, busy_keys);
    if (r.outcome == Outcome::rejected) {
      ++invalid;
      indices.push_back(index);
      reasons.push_back(reason_codes(r.violations));
    } else {
      ++tracked;
    }
  }
  if (aborted) {
    return json_response(500, {{"status", "error"}, {"tracked", tracked}, {"invalid", invalid}});
  }
  if (!parsed.send_image && m_config.strict) {
    return {204, "", "", {}};  // (Matomo 5.0.2 answers a bulk request with its counts regardless)
  }
  json body = {{"status", "success"}, {"tracked", tracked}, {"invalid", invalid}};
  if (m_config.token_is_super(parsed.token)) {
    body["invalid_indices"] = indices;
  }
  auto response = json_response(200, body);
  if (!reasons.empty()) {
    response.headers.emplace_back("X-Mock-Reason", fmt::format("{}", fmt::join(reasons, ";")));
  }
  return response;
}

void Tracker::count_request(const ParsedRequest& parsed) {
  std::lock_guard lock(m_mutex);
  m_stats.count_request(parsed.bulk);
  if (parsed.token_in_url) {
    m_stats.count_token_in_url();
  }
}

json Tracker::stats_json(int max_concurrent, const std::map<std::string, long long>& faults) const {
  std::lock_guard lock(m_mutex);
  auto out = m_stats.to_json(m_visits, max_concurrent, faults);
  out["mode"] = m_config.strict ? "strict" : "compat";
  return out;
}

TrackResponse Tracker::api(const RequestInfo& request) const {
  Params form;
  if (request.method == "POST" && request.content_type.rfind("application/x-www-form-urlencoded", 0) == 0) {
    form = parse_query(request.body);
  }
  std::vector<std::string> conflicts;
  const auto params = merge_params(parse_query(query_of(request.target)), form, conflicts);
  std::lock_guard lock(m_mutex);
  const auto answer = reporting_answer(params, m_config, m_stats.hits(), m_visits.visits());
  return {200, "application/json", answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), {}};
}

std::string Tracker::hits_ndjson() const {
  std::lock_guard lock(m_mutex);
  return m_stats.hits_ndjson();
}

std::string Tracker::violations_ndjson() const {
  std::lock_guard lock(m_mutex);
  return m_stats.violations_ndjson();
}

std::string Tracker::visits_ndjson() const {
  std::lock_guard lock(m_mutex);
  return tf::mock::visits_ndjson(m_visits);
}

void Tracker::reset() {
  std::lock_guard lock(m_mutex);
  m_stats.clear();
  m_visits.clear();
}

}  // namespace tf::mock
