#pragma once
// `verify`'s verdicts: each measure of the ledger against Matomo's number, the table and the
// JSON (`--json FILE`), documented in the man page.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/verify_observe.hpp"
#include "metrics/ledger.hpp"

namespace tf::app {

enum class Verdict { equal, within_bracket, difference, not_checked };
/// "equal", "within_bracket", "difference", "not_checked".
const char* to_string(Verdict verdict);

/// ok when Matomo's number equals acked or lies within [acked, acked + unconfirmed].
Verdict verdict_of(const metrics::Bound& ledger, std::optional<std::uint64_t> matomo);

struct VerifyRow {
  std::string target;
  int site_id = 1;
  std::string date;  ///< "YYYY-MM-DD" or "FROM,TO"
  std::string measure;  ///< a metrics::Measure name or "goal_ID"
  metrics::Bound ledger;
  std::optional<std::uint64_t> matomo;  ///< nullopt: not read
  Verdict verdict = Verdict::not_checked;
};

/// The rows of one target and day range: every measure, then each goal of the ledger.
/// `skip_visitors`: distinct visitors are not compared (a range adds per-day counts).
std::vector<VerifyRow> compare(const std::string& target, int site_id, const std::string& date,
                               const metrics::LedgerDay& ledger, const Observed& matomo, bool skip_visitors);

struct VerifyTotals {
  std::size_t differences = 0, within = 0, equal = 0, not_checked = 0;
};
VerifyTotals totals_of(const std::vector<VerifyRow>& rows);

/// The table (target, date, measure, ledger, Matomo, verdict), then one line per difference
/// ("MEASURE of TARGET on DATE: Matomo M, ledger L (±D)") and the conclusion.
std::string render_verify(const std::vector<VerifyRow>& rows, bool live);

/// {"mode":"reports"|"live","ok","differences","within_bracket","equal","not_checked",
///  "measures":[{"target","site_id","date","measure","acked","unconfirmed","matomo","verdict","difference"}]}
nlohmann::json verify_json(const std::vector<VerifyRow>& rows, bool live);

}  // namespace tf::app
