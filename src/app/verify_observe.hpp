#pragma once
// What Matomo reports for one site over some site-local days, in the ledger's measures
// (metrics/ledger.hpp), read through the Reporting API (archived reports) or Live (raw visits).
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/reporting_client.hpp"
#include "metrics/ledger.hpp"

namespace tf::app {

/// One visitor's visits and actions (pageviews, site searches, outlinks, downloads, events,
/// content interactions) in Live.
struct VisitorSeen {
  std::uint64_t visits = 0;
  std::uint64_t actions = 0;
};

/// Matomo's numbers; nullopt: the measure is not read (content interactions and cart updates:
/// no report counts them as the ledger does; distinct visitors over a range).
struct Observed {
  std::array<std::optional<std::uint64_t>, metrics::k_measure_count> measures{};
  std::map<int, std::uint64_t> goals;  ///< conversions per goal id
  std::map<std::string, VisitorSeen> by_visitor;  ///< by idvisitor; Live only

  std::optional<std::uint64_t>& operator[](metrics::Measure m) { return measures[static_cast<std::size_t>(m)]; }
};

/// Days since 1970-01-01 (site-local), inclusive; period "day" when first == last, else "range".
struct DayRange {
  std::int64_t first = 0, last = 0;
};

/// From the archived reports: VisitsSummary.get, Actions.get, Events.getCategory,
/// Goals.get idGoal=ecommerceOrder and Goals.get per goal of `goals`.
Observed observe_reports(const ReportingClient& client, int site, DayRange days, const std::vector<int>& goals);

/// From Live.getLastVisitsDetails, paged (`page` visits a request): visits, distinct visitor
/// ids, actions by type, orders and revenue, goal conversions. Needs no archiving.
Observed observe_live(const ReportingClient& client, int site, DayRange days, int page = 500);

/// True when Live holds at least one visit of the days (reports empty but Live not: not archived).
bool live_has_visits(const ReportingClient& client, int site, DayRange days);

}  // namespace tf::app
