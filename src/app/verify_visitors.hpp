#pragma once
// `verify --live`'s per-visitor comparison (issue 21): each visitor's visits and actions in the
// ledger (metrics::LedgerDay::by_visitor) against the visits Live.getLastVisitsDetails lists
// under that idvisitor. One summary row per target and date, and the visitors that differ.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/verify_observe.hpp"
#include "app/verify_result.hpp"
#include "metrics/ledger.hpp"

namespace tf::app {

/// How many differing visitors the table and the JSON name (all of them are counted).
inline constexpr std::size_t k_named_visitors = 10;

struct VisitorDiff {
  std::string target;
  int site_id = 1;
  std::string date;
  std::string visitor;  ///< Matomo's idvisitor
  metrics::VisitorCounts ledger;
  VisitorSeen matomo;
};

/// The per-visitor comparisons of a verify run.
struct VisitorReport {
  std::size_t compared = 0;  ///< visitors compared (ledger or Matomo)
  std::size_t differ = 0;  ///< … of which visits or actions differ
  std::uint64_t untracked_visits = 0;  ///< ledger visits past the itemising cap (not compared)
  std::vector<VisitorDiff> named;  ///< the first k_named_visitors that differ
};

/// Compares each visitor of `ledger` and `matomo` (ok: within [acked, acked + unconfirmed] for
/// visits and actions); returns the row "visitors_matching" (ledger: visitors compared, Matomo:
/// visitors that hold) and adds the differing ones to `report`. A visitor only Matomo has differs,
/// unless the ledger's day has untracked visitors (past the cap): then it is not compared.
VerifyRow compare_visitors(const std::string& target, int site_id, const std::string& date,
                           const metrics::LedgerDay& ledger, const Observed& matomo, VisitorReport& report);

/// "visitor ID of TARGET (site N) on DATE: visits Matomo M, ledger L; actions Matomo M, ledger L"
/// per named visitor, then "… and K more visitors differ" and a note on untracked visitors.
std::string render_visitors(const VisitorReport& report);

/// {"compared","differ","untracked_visits","named":[{"target","site_id","date","visitor",
///  "visits":{"acked","unconfirmed","matomo"},"actions":{…}}]}
nlohmann::json visitors_json(const VisitorReport& report);

}  // namespace tf::app
