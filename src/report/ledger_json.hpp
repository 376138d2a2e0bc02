#pragma once
// The summary's "ledger" (metrics/ledger.hpp), documented in the man page:
// [{"target","site_id","days":[{"date":"YYYY-MM-DD","visits":{"acked","unconfirmed"},…,
//   "goals":{"ID":{"acked","unconfirmed"}},
//   "by_visitor":{"IDVISITOR":[visits acked, visits unconfirmed, actions acked, actions unconfirmed]},
//   "untracked":[same] (only past the itemising cap)}]}]
#include <string>

#include <nlohmann/json.hpp>

#include "metrics/ledger.hpp"

namespace tf::report {

nlohmann::json ledger_to_json(const metrics::Ledger& ledger);

/// Reads what ledger_to_json wrote. Throws tf::Error (usage) naming `source` and the JSON path.
metrics::Ledger ledger_from_json(const nlohmann::json& ledger, const std::string& source);

}  // namespace tf::report
