#include "app/verify_visitors.hpp"

#include <set>

#include <fmt/format.h>

namespace tf::app {
namespace {

bool holds(const metrics::Bound& ledger, std::uint64_t matomo) {
  return verdict_of(ledger, matomo) != Verdict::difference;
}

std::string bound_text(const metrics::Bound& b) {
  return b.unconfirmed == 0 ? std::to_string(b.acked) : fmt::format("{}..{}", b.acked, b.acked + b.unconfirmed);
}

nlohmann::json measure_json(const metrics::Bound& ledger, std::uint64_t matomo) {
  return {{"acked", ledger.acked}, {"unconfirmed", ledger.unconfirmed}, {"matomo", matomo}};
}

}  // namespace

VerifyRow compare_visitors(const std::string& target, int site_id, const std::string& date,
                           const metrics::LedgerDay& ledger, const Observed& matomo, VisitorReport& report) {
  std::set<std::string> ids;
  for (const auto& [id, counts] : ledger.by_visitor) {
    ids.insert(id);
  }
  const bool partial = !ledger.untracked.empty();
  for (const auto& [id, seen] : matomo.by_visitor) {
    if (!partial || ledger.by_visitor.contains(id)) {
      ids.insert(id);
    }
  }
  std::uint64_t matching = 0;
  for (const auto& id : ids) {
    const auto in_ledger = ledger.by_visitor.find(id);
    const auto in_matomo = matomo.by_visitor.find(id);
    const auto counts = in_ledger == ledger.by_visitor.end() ? metrics::VisitorCounts{} : in_ledger->second;
    const auto seen = in_matomo == matomo.by_visitor.end() ? VisitorSeen{} : in_matomo->second;
    if (holds(counts.visits, seen.visits) && holds(counts.actions, seen.actions)) {
      ++matching;
      continue;
    }
    ++report.differ;
    if (report.named.size() < k_named_visitors) {
      report.named.push_back({target, site_id, date, id, counts, seen});
    }
  }
  report.compared += ids.size();
  report.untracked_visits += ledger.untracked.visits.acked + ledger.untracked.visits.unconfirmed;
  VerifyRow row{target, site_id, date, "visitors_matching", {ids.size(), 0}, matching, {}};
  row.verdict = verdict_of(row.ledger, row.matomo);
  return row;
}

std::string render_visitors(const VisitorReport& report) {
  std::string out;
  for (const auto& d : report.named) {
    out += fmt::format("visitor {} of {} (site {}) on {}: visits Matomo {}, ledger {}; actions Matomo {}, ledger {}\n",
                       d.visitor, d.target, d.site_id, d.date, d.matomo.visits, bound_text(d.ledger.visits),
                       d.matomo.actions, bound_text(d.ledger.actions));
  }
  if (report.differ > report.named.size()) {
    out += fmt::format("… and {} more visitors differ (--json FILE names the first {})\n",
                       report.differ - report.named.size(), k_named_visitors);
  }
  if (report.untracked_visits > 0) {
    out += fmt::format("verify: {} visits of visitors past the ledger's cap of {} itemised visitors were not "
                       "compared per visitor (their totals were)\n",
                       report.untracked_visits, metrics::k_ledger_visitor_cap);
  }
  return out;
}

nlohmann::json visitors_json(const VisitorReport& report) {
  nlohmann::json named = nlohmann::json::array();
  for (const auto& d : report.named) {
    named.push_back({{"target", d.target},
                     {"site_id", d.site_id},
                     {"date", d.date},
                     {"visitor", d.visitor},
                     {"visits", measure_json(d.ledger.visits, d.matomo.visits)},
                     {"actions", measure_json(d.ledger.actions, d.matomo.actions)}});
  }
  return {{"compared", report.compared},
          {"differ", report.differ},
          {"untracked_visits", report.untracked_visits},
          {"named", std::move(named)}};
}

}  // namespace tf::app
