#include "visits.hpp"

#include <algorithm>
#include <limits>

#include <date/tz.h>
#include <fmt/format.h>

#include "util/units.hpp"
#include "wire.hpp"

namespace tf::mock {
namespace {

using tf::matomo::Violation;

constexpr std::int64_t k_visit_window_s = 1800;
constexpr std::uint64_t k_max_actions = 10'000;

bool is_action(const HitFacts& hit) { return !hit.ping && hit.idgoal < 0; }

const Goal* find_goal(const Site& site, int id) {
  auto it = std::find_if(site.goals.begin(), site.goals.end(), [&](const Goal& g) { return g.id == id; });
  return it == site.goals.end() ? nullptr : &*it;
}

}  // namespace

HitFacts facts_of(const tf::matomo::Params& params, int site, std::int64_t time_s, const std::string& remote_ip,
                  const std::string& user_agent_header) {
  using tf::matomo::find;
  HitFacts hit;
  hit.site = site;
  hit.visitor_id = visitor_id_of(params);
  hit.id_from_cookie_only = !hit.visitor_id.empty() && !find(params, "uid") && !find(params, "cid");
  const auto ip = find(params, "cip").value_or(remote_ip);
  const auto ua = find(params, "ua").value_or(user_agent_header);
  const auto lang = find(params, "lang").value_or("");
  hit.fingerprint = fmt::format("{}|{}|{}", ip, ua, lang.substr(0, 20));
  hit.time_s = time_s;
  hit.new_visit = find(params, "new_visit").value_or("0") == "1";
  hit.ping = find(params, "ping").value_or("0") == "1";
  if (auto goal = find(params, "idgoal")) {
    hit.idgoal = static_cast<int>(tf::parse_int(*goal).value_or(-1));
  }
  hit.ec_id = std::string{find(params, "ec_id").value_or("")};
  hit.campaign = campaign_of(params);
  return hit;
}

std::string VisitTracker::key_of(const HitFacts& hit) {
  return hit.visitor_id.empty() ? fmt::format("{}|f:{}", hit.site, hit.fingerprint)
                                : fmt::format("{}|{}", hit.site, hit.visitor_id);
}

std::int64_t VisitTracker::local_day(const Site& site, std::int64_t time_s) {
  const auto* zone = date::locate_zone(site.timezone);
  const auto local = zone->to_local(date::sys_seconds{std::chrono::seconds{time_s}});
  return date::floor<date::days>(local).time_since_epoch().count();
}

bool VisitTracker::starts_new_visit(const HitFacts& hit, const Site& site, const VisitorState* state,
                                    bool by_campaign) const {
  if (state == nullptr || state->current == 0 || hit.new_visit) {
    return true;
  }
  const auto& visit = m_visits[state->current - 1];
  if (hit.time_s - visit.last_s >= k_visit_window_s || visit.actions >= k_max_actions) {
    return true;
  }
  if (local_day(site, std::max(hit.time_s, visit.last_s)) != visit.local_day) {
    return true;
  }
  return by_campaign && !hit.campaign.empty() && !visit.campaign.empty() && hit.campaign != visit.campaign;
}

std::vector<Violation> VisitTracker::evaluate(const HitFacts& hit, const Site& site) const {
  std::vector<Violation> out;
  const auto key = key_of(hit);
  const auto it = m_visitors.find(key);
  const VisitorState* state = it == m_visitors.end() ? nullptr : &it->second;
  const bool fresh = starts_new_visit(hit, site, state, true);
  if (state != nullptr && hit.time_s < state->last_time_s) {
    out.push_back(
      {"OUT_OF_ORDER",
       fmt::format("time {} is earlier than the visitor's previous hit at {}", hit.time_s, state->last_time_s), false});
  }
  if (hit.ping && fresh) {
    out.push_back({"PING_WITHOUT_VISIT", "ping=1 but the visitor has no open visit", false});
  }
  if (!hit.campaign.empty() && !starts_new_visit(hit, site, state, false)) {
    const auto& visit = m_visits[state->current - 1];
    if (visit.campaign != hit.campaign) {
      out.push_back(
        {"CAMPAIGN_CHANGE", fmt::format("campaign \"{}\" on a non-first hit of a visit", hit.campaign), false});
    }
  }
  if (hit.idgoal == 0 && !hit.ec_id.empty() && m_orders.count({hit.site, hit.ec_id}) > 0) {
    out.push_back({"DUPLICATE_ORDER", fmt::format("ec_id={} was already used", hit.ec_id), true});
  }
  if (hit.idgoal > 0 && !fresh && state->goals_in_visit.count(hit.idgoal) > 0) {
    const auto* goal = find_goal(site, hit.idgoal);
    if (goal != nullptr && !goal->allow_multiple) {
      out.push_back({"GOAL_ALREADY_CONVERTED", fmt::format("idgoal={} converts once per visit", hit.idgoal), false});
    }
  }
  if (state == nullptr && hit.id_from_cookie_only) {
    const auto seen = m_fingerprints.find(fmt::format("{}|{}", hit.site, hit.fingerprint));
    if (seen != m_fingerprints.end() && seen->second.key != key &&
        std::llabs(hit.time_s - seen->second.time_s) < k_visit_window_s) {
      out.push_back({"FINGERPRINT_MERGE_RISK",
                     "a new _id-only visitor shares IP, user agent and language with another "
                     "visitor seen within 30 minutes",
                     false});
    }
  }
  return out;
}

std::pair<std::string, std::uint64_t> VisitTracker::record(const HitFacts& hit, const Site& site) {
  const auto key = key_of(hit);
  auto [it, inserted] = m_visitors.try_emplace(key);
  auto& state = it->second;
  if (starts_new_visit(hit, site, inserted ? nullptr : &state, true)) {
    VisitRecord visit;
    visit.visitor = key;
    visit.site = hit.site;
    visit.number = ++state.visits;
    visit.first_s = visit.last_s = hit.time_s;
    visit.campaign = hit.campaign;
    visit.local_day = local_day(site, hit.time_s);
    m_visits.push_back(visit);
    state.current = m_visits.size();
    state.goals_in_visit.clear();
  }
  auto& visit = m_visits[state.current - 1];
  visit.last_s = std::max(visit.last_s, hit.time_s);
  ++visit.hits;
  if (is_action(hit)) {
    ++visit.actions;
  }
  if (visit.campaign.empty()) {
    visit.campaign = hit.campaign;
  }
  if (hit.idgoal >= 0) {
    ++visit.conversions;
    if (hit.idgoal > 0) {
      state.goals_in_visit.insert(hit.idgoal);
    } else if (!hit.ec_id.empty()) {
      m_orders.insert({hit.site, hit.ec_id});
    }
  }
  state.last_time_s = std::max(state.last_time_s, hit.time_s);
  ++state.hits;
  m_fingerprints[fmt::format("{}|{}", hit.site, hit.fingerprint)] = Seen{key, hit.time_s};
  return {key, visit.number};
}

nlohmann::json VisitTracker::hits_per_visitor() const {
  if (m_visitors.empty()) {
    return {{"min", 0}, {"max", 0}, {"mean", 0.0}};
  }
  std::uint64_t lo = std::numeric_limits<std::uint64_t>::max(), hi = 0, total = 0;
  for (const auto& [key, state] : m_visitors) {
    lo = std::min(lo, state.hits);
    hi = std::max(hi, state.hits);
    total += state.hits;
  }
  return {{"min", lo}, {"max", hi}, {"mean", static_cast<double>(total) / static_cast<double>(m_visitors.size())}};
}

void VisitTracker::clear() {
  m_visitors.clear();
  m_visits.clear();
  m_orders.clear();
  m_fingerprints.clear();
}

std::vector<std::string> InFlight::enter(const std::vector<std::string>& keys) {
  std::lock_guard lock(m_mutex);
  std::vector<std::string> busy;
  for (const auto& key : keys) {
    const int now = ++m_count[key];
    if (now > 1) {
      busy.push_back(key);
    }
    m_max = std::max(m_max, now);
  }
  return busy;
}

void InFlight::leave(const std::vector<std::string>& keys) {
  std::lock_guard lock(m_mutex);
  for (const auto& key : keys) {
    auto it = m_count.find(key);
    if (it != m_count.end() && --it->second <= 0) {
      m_count.erase(it);
    }
  }
}

int InFlight::max_concurrent() const {
  std::lock_guard lock(m_mutex);
  return m_max;
}

void InFlight::reset_max() {
  std::lock_guard lock(m_mutex);
  m_max = 0;
}

}  // namespace tf::mock
