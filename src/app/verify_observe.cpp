#include "app/verify_observe.hpp"

#include <cmath>
#include <set>
#include <string>

#include <fmt/format.h>

namespace tf::app {
namespace {

using metrics::Measure;
using nlohmann::json;
using Params = std::vector<std::pair<std::string, std::string>>;

Params period_params(int site, DayRange days) {
  const bool one_day = days.first == days.last;
  return {{"idSite", std::to_string(site)},
          {"period", one_day ? "day" : "range"},
          {"date",
           one_day ? metrics::format_day(days.first)
                   : metrics::format_day(days.first) + "," + metrics::format_day(days.last)}};
}

/// A count from a report row; Matomo sends numbers or numeric strings, and [] for "no data".
std::uint64_t number(const json& row, const char* key) {
  if (!row.is_object() || !row.contains(key)) {
    return 0;
  }
  const auto& v = row.at(key);
  if (v.is_number()) {
    return static_cast<std::uint64_t>(std::llround(std::max(0.0, v.get<double>())));
  }
  if (v.is_string()) {
    try {
      return static_cast<std::uint64_t>(std::llround(std::max(0.0, std::stod(v.get<std::string>()))));
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

/// Money ("292.58" or 292.58) in cents.
std::uint64_t cents(const json& row, const char* key) {
  if (!row.is_object() || !row.contains(key)) {
    return 0;
  }
  const auto& v = row.at(key);
  double amount = 0;
  if (v.is_number()) {
    amount = v.get<double>();
  } else if (v.is_string()) {
    try {
      amount = std::stod(v.get<std::string>());
    } catch (const std::exception&) {
      amount = 0;
    }
  }
  return static_cast<std::uint64_t>(std::llround(std::max(0.0, amount) * 100.0));
}

Params with(Params params, std::string key, std::string value) {
  params.emplace_back(std::move(key), std::move(value));
  return params;
}

void count_action(Observed& out, const json& action) {
  const auto type = action.value("type", std::string{});
  auto bump = [&out](Measure m, std::uint64_t n = 1) { out[m] = out[m].value_or(0) + n; };
  if (type == "action") {
    bump(Measure::pageviews);
  } else if (type == "search") {
    bump(Measure::site_searches);
  } else if (type == "outlink") {
    bump(Measure::outlinks);
  } else if (type == "download") {
    bump(Measure::downloads);
  } else if (type == "event") {
    bump(Measure::events);
  } else if (type == "ecommerceOrder") {
    bump(Measure::orders);
    bump(Measure::revenue_cents, cents(action, "revenue"));
  } else if (type == "goal") {
    ++out.goals[static_cast<int>(number(action, "goalId"))];
  }
}

/// An action Live lists that the ledger's per-visitor actions count (delivery/visitor_tally.hpp).
bool is_live_action(const json& action) {
  static const std::set<std::string> k_types{"action", "search", "outlink", "download", "event", "contentInteraction"};
  return k_types.contains(action.value("type", std::string{}));
}

}  // namespace

Observed observe_reports(const ReportingClient& client, int site, DayRange days, const std::vector<int>& goals) {
  const auto params = period_params(site, days);
  Observed out;
  const auto visits = client.call("VisitsSummary.get", params);
  out[Measure::visits] = number(visits, "nb_visits");
  if (days.first == days.last) {
    out[Measure::visitors] = number(visits, "nb_uniq_visitors");
  }
  const auto actions = client.call("Actions.get", params);
  out[Measure::pageviews] = number(actions, "nb_pageviews");
  out[Measure::site_searches] = number(actions, "nb_searches");
  out[Measure::outlinks] = number(actions, "nb_outlinks");
  out[Measure::downloads] = number(actions, "nb_downloads");
  std::uint64_t events = 0;
  for (const auto& row : client.call("Events.getCategory", with(params, "filter_limit", "-1"))) {
    events += number(row, "nb_events");
  }
  out[Measure::events] = events;
  const auto orders = client.call("Goals.get", with(params, "idGoal", "ecommerceOrder"));
  out[Measure::orders] = number(orders, "nb_conversions");
  out[Measure::revenue_cents] = cents(orders, "revenue");
  for (const int goal : goals) {
    out.goals[goal] = number(client.call("Goals.get", with(params, "idGoal", std::to_string(goal))), "nb_conversions");
  }
  return out;
}

Observed observe_live(const ReportingClient& client, int site, DayRange days, int page) {
  Observed out;
  for (const auto m :
       {Measure::visits, Measure::visitors, Measure::pageviews, Measure::site_searches, Measure::outlinks,
        Measure::downloads, Measure::events, Measure::orders, Measure::revenue_cents}) {
    out[m] = 0;
  }
  std::set<std::string> visitors;
  for (std::size_t offset = 0;; offset += static_cast<std::size_t>(page)) {
    const auto visits = client.call("Live.getLastVisitsDetails",
                                    with(with(period_params(site, days), "filter_limit", std::to_string(page)),
                                         "filter_offset", std::to_string(offset)));
    for (const auto& visit : visits) {
      *out[Measure::visits] += 1;
      const auto id = visit.value("visitorId", std::string{});
      visitors.insert(id);
      auto& seen = out.by_visitor[id];
      ++seen.visits;
      for (const auto& action : visit.value("actionDetails", json::array())) {
        seen.actions += is_live_action(action) ? 1U : 0U;
        count_action(out, action);
      }
    }
    if (!visits.is_array() || visits.size() < static_cast<std::size_t>(page)) {
      break;
    }
  }
  out[Measure::visitors] = visitors.size();
  return out;
}

bool live_has_visits(const ReportingClient& client, int site, DayRange days) {
  const auto visits = client.call("Live.getLastVisitsDetails", with(period_params(site, days), "filter_limit", "1"));
  return visits.is_array() && !visits.empty();
}

}  // namespace tf::app
