#include "reporting.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include <date/date.h>
#include <fmt/format.h>
#include <openssl/evp.h>

namespace tf::mock {
namespace {

using nlohmann::json;
using tf::matomo::find;

json error(const std::string& message) { return {{"result", "error"}, {"message", message}}; }

enum class Act { none, pageview, search, outlink, download, event, content, order, cart, goal };

Act act_of(const Params& p) {
  if (find(p, "ping").value_or("") == "1") {
    return Act::none;
  }
  if (const auto goal = find(p, "idgoal")) {
    if (*goal != "0") {
      return Act::goal;
    }
    return find(p, "ec_id") ? Act::order : Act::cart;
  }
  if (find(p, "search")) {
    return Act::search;
  }
  if (find(p, "link")) {
    return Act::outlink;
  }
  if (find(p, "download")) {
    return Act::download;
  }
  if (find(p, "e_c")) {
    return Act::event;
  }
  if (find(p, "c_n")) {
    return find(p, "c_i") ? Act::content : Act::none;  // an impression is not an action
  }
  return Act::pageview;
}

/// Revenue in cents of a hit's "revenue" parameter (0 when absent or malformed).
std::int64_t revenue_cents(const Params& p) {
  const auto text = find(p, "revenue");
  if (!text) {
    return 0;
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  return ec == std::errc{} ? std::llround(value * 100.0) : 0;
}

std::optional<std::int64_t> day_of(std::string_view text) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  std::from_chars(text.data(), text.data() + 4, y);
  std::from_chars(text.data() + 5, text.data() + 7, m);
  std::from_chars(text.data() + 8, text.data() + 10, d);
  const date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  return date::sys_days{ymd}.time_since_epoch().count();
}

/// [first, last] site-local days of period/date; nullopt when not understood.
std::optional<std::pair<std::int64_t, std::int64_t>> days_of(std::string_view period, std::string_view dates) {
  if (period == "day") {
    const auto d = day_of(dates);
    return d ? std::optional{std::pair{*d, *d}} : std::nullopt;
  }
  const auto comma = dates.find(',');
  if (period != "range" || comma == std::string_view::npos) {
    return std::nullopt;
  }
  const auto a = day_of(dates.substr(0, comma));
  const auto b = day_of(dates.substr(comma + 1));
  return a && b && *a <= *b ? std::optional{std::pair{*a, *b}} : std::nullopt;
}

/// The visits and hits of one site within some days.
struct Selection {
  std::vector<const VisitRecord*> visits;
  std::map<std::pair<std::string, std::uint64_t>, std::vector<const StoredHit*>> hits;  ///< per visit
};

Selection select(int site, std::pair<std::int64_t, std::int64_t> days, const std::vector<StoredHit>& hits,
                 const std::vector<VisitRecord>& visits) {
  Selection out;
  for (const auto& v : visits) {
    if (v.site == site && v.local_day >= days.first && v.local_day <= days.second) {
      out.visits.push_back(&v);
      out.hits[{v.visitor, v.number}];
    }
  }
  for (const auto& h : hits) {
    if (const auto it = out.hits.find({h.visitor, h.visit}); it != out.hits.end()) {
      it->second.push_back(&h);
    }
  }
  return out;
}

std::map<Act, std::int64_t> count_acts(const Selection& s, std::int64_t* revenue = nullptr) {
  std::map<Act, std::int64_t> out;
  for (const auto& [visit, hits] : s.hits) {
    for (const auto* h : hits) {
      const auto act = act_of(h->params);
      ++out[act];
      if (revenue != nullptr && act == Act::order) {
        *revenue += revenue_cents(h->params);
      }
    }
  }
  return out;
}

json visits_summary(const Selection& s) {
  std::set<std::string> visitors;
  std::uint64_t actions = 0;
  for (const auto* v : s.visits) {
    visitors.insert(v->visitor);
    actions += v->actions;
  }
  return {{"nb_visits", s.visits.size()}, {"nb_uniq_visitors", visitors.size()}, {"nb_actions", actions}};
}

json actions_get(const Selection& s) {
  auto acts = count_acts(s);
  return {{"nb_pageviews", acts[Act::pageview]},
          {"nb_downloads", acts[Act::download]},
          {"nb_outlinks", acts[Act::outlink]},
          {"nb_searches", acts[Act::search]}};
}

json events_by_category(const Selection& s) {
  std::map<std::string, std::int64_t> categories;
  for (const auto& [visit, hits] : s.hits) {
    for (const auto* h : hits) {
      if (act_of(h->params) == Act::event) {
        ++categories[std::string{find(h->params, "e_c").value_or("")}];
      }
    }
  }
  json out = json::array();
  for (const auto& [label, count] : categories) {
    out.push_back({{"label", label}, {"nb_events", count}});
  }
  return out;
}

json goals_get(const Selection& s, std::string_view id_goal) {
  std::int64_t conversions = 0, cents = 0;
  std::set<std::pair<std::string, std::uint64_t>> converted;
  for (const auto& [visit, hits] : s.hits) {
    for (const auto* h : hits) {
      const auto act = act_of(h->params);
      const bool match = id_goal == "ecommerceOrder"
        ? act == Act::order
        : act == Act::goal && (id_goal.empty() || find(h->params, "idgoal") == id_goal);
      if (match) {
        ++conversions;
        cents += revenue_cents(h->params);
        converted.insert(visit);
      }
    }
  }
  return {{"nb_conversions", conversions},
          {"nb_visits_converted", converted.size()},
          {"revenue", static_cast<double>(cents) / 100.0}};
}

json action_detail(const StoredHit& h) {
  static const std::map<Act, const char*> k_types{{Act::pageview, "action"},
                                                  {Act::search, "search"},
                                                  {Act::outlink, "outlink"},
                                                  {Act::download, "download"},
                                                  {Act::event, "event"},
                                                  {Act::content, "contentInteraction"},
                                                  {Act::order, "ecommerceOrder"},
                                                  {Act::cart, "ecommerceCartUpdate"},
                                                  {Act::goal, "goal"}};
  const auto act = act_of(h.params);
  json out = {{"type", k_types.at(act)}};
  if (act == Act::order || act == Act::goal) {
    out["revenue"] = fmt::format("{:.2f}", static_cast<double>(revenue_cents(h.params)) / 100.0);
  }
  if (act == Act::goal) {
    out["goalId"] = std::string{find(h.params, "idgoal").value_or("")};
  }
  return out;
}

json live_visits(const Selection& s, const Params& params) {
  auto visits = s.visits;
  std::stable_sort(visits.begin(), visits.end(),
                   [](const auto* a, const auto* b) { return a->last_s > b->last_s; });  // newest first
  long long offset = 0, limit = 100;
  const auto number = [&params](const char* key, long long& out) {
    if (const auto v = find(params, key)) {
      std::from_chars(v->data(), v->data() + v->size(), out);
    }
  };
  number("filter_offset", offset);
  number("filter_limit", limit);
  json out = json::array();
  for (auto i = static_cast<std::size_t>(std::max(0LL, offset));
       i < visits.size() && (limit < 0 || static_cast<long long>(out.size()) < limit); ++i) {
    const auto* v = visits[i];
    json details = json::array();
    for (const auto* h : s.hits.at({v->visitor, v->number})) {
      if (act_of(h->params) != Act::none) {
        details.push_back(action_detail(*h));
      }
    }
    out.push_back({{"idSite", v->site},
                   {"visitorId", matomo_visitor_id(v->visitor)},
                   {"firstActionTimestamp", v->first_s},
                   {"lastActionTimestamp", v->last_s},
                   {"serverDate", date::format("%F", date::sys_days{date::days{v->local_day}})},
                   {"actions", v->actions},
                   {"actionDetails", std::move(details)}});
  }
  return out;
}

std::string sha1_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha1(), nullptr);
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += fmt::format("{:02x}", digest[i]);
  }
  return out;
}

}  // namespace

std::string matomo_visitor_id(const std::string& visitor_key) {
  const auto bar = visitor_key.find('|');
  const std::string_view id =
    bar == std::string::npos ? std::string_view{visitor_key} : std::string_view{visitor_key}.substr(bar + 1);
  if (id.starts_with("u:")) {
    return sha1_hex(id.substr(2)).substr(0, 16);
  }
  if (id.starts_with("v:")) {
    return std::string{id.substr(2, 16)};
  }
  return sha1_hex(id).substr(0, 16);
}

json reporting_answer(const Params& params, const MockConfig& config, const std::vector<StoredHit>& hits,
                      const std::vector<VisitRecord>& visits) {
  if (find(params, "module").value_or("") != "API") {
    return error("mock-matomo serves only module=API on index.php");
  }
  if (find(params, "format").value_or("xml") != "json" && find(params, "format") != "JSON") {
    return error("mock-matomo answers format=json only");
  }
  const auto method = std::string{find(params, "method").value_or("")};
  int site = 0;
  const auto id_site = find(params, "idSite").value_or("");
  std::from_chars(id_site.data(), id_site.data() + id_site.size(), site);
  if (config.find_site(site) == nullptr) {
    return error(fmt::format("An unexpected website was found in the request: website id was set to '{}' .", id_site));
  }
  const auto token = std::string{find(params, "token_auth").value_or("")};
  if (!config.tokens.empty() && !config.token_valid_for(token, site)) {
    return error(
      fmt::format("You can't access this resource as it requires 'view' access for the website id = {}.", site));
  }
  const auto days = days_of(find(params, "period").value_or(""), find(params, "date").value_or(""));
  if (!days) {
    return error("mock-matomo: period must be day (date=YYYY-MM-DD) or range (date=YYYY-MM-DD,YYYY-MM-DD)");
  }
  const auto selection = select(site, *days, hits, visits);
  if (method == "VisitsSummary.get") {
    return visits_summary(selection);
  }
  if (method == "Actions.get") {
    return actions_get(selection);
  }
  if (method == "Events.getCategory") {
    return events_by_category(selection);
  }
  if (method == "Goals.get") {
    return goals_get(selection, find(params, "idGoal").value_or(""));
  }
  if (method == "Live.getLastVisitsDetails") {
    return live_visits(selection, params);
  }
  return error(fmt::format("The method '{}' does not exist or is not available in the mock", method));
}

}  // namespace tf::mock
