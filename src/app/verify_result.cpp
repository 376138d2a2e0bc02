#include "app/verify_result.hpp"

#include <fmt/format.h>

#include "report/text_table.hpp"

namespace tf::app {
namespace {

std::string ledger_text(const metrics::Bound& b) {
  return b.unconfirmed == 0 ? std::to_string(b.acked) : fmt::format("{}..{}", b.acked, b.acked + b.unconfirmed);
}

long long difference(const VerifyRow& row) {
  return static_cast<long long>(row.matomo.value_or(0)) - static_cast<long long>(row.ledger.acked);
}

std::string verdict_text(const VerifyRow& row) {
  switch (row.verdict) {
    case Verdict::equal: return "ok";
    case Verdict::within_bracket: return "ok (within bracket)";
    case Verdict::difference: return fmt::format("DIFFERENT ({:+})", difference(row));
    case Verdict::not_checked: return "not checked";
  }
  return "";
}

}  // namespace

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::equal: return "equal";
    case Verdict::within_bracket: return "within_bracket";
    case Verdict::difference: return "difference";
    case Verdict::not_checked: return "not_checked";
  }
  return "";
}

Verdict verdict_of(const metrics::Bound& ledger, std::optional<std::uint64_t> matomo) {
  if (!matomo) {
    return Verdict::not_checked;
  }
  if (*matomo == ledger.acked) {
    return Verdict::equal;
  }
  return *matomo > ledger.acked && *matomo <= ledger.acked + ledger.unconfirmed ? Verdict::within_bracket
                                                                                : Verdict::difference;
}

std::vector<VerifyRow> compare(const std::string& target, int site_id, const std::string& date,
                               const metrics::LedgerDay& ledger, const Observed& matomo, bool skip_visitors) {
  std::vector<VerifyRow> rows;
  for (std::size_t i = 0; i < metrics::k_measure_count; ++i) {
    const auto m = static_cast<metrics::Measure>(i);
    VerifyRow row{target, site_id, date, std::string(metrics::to_string(m)), ledger[m], matomo.measures[i], {}};
    if (skip_visitors && m == metrics::Measure::visitors) {
      row.matomo.reset();
    }
    row.verdict = verdict_of(row.ledger, row.matomo);
    rows.push_back(std::move(row));
  }
  for (const auto& [goal, bound] : ledger.goals) {
    const auto it = matomo.goals.find(goal);
    VerifyRow row{target, site_id,
                  date,   fmt::format("goal_{}", goal),
                  bound,  it == matomo.goals.end() ? std::optional<std::uint64_t>{0} : it->second,
                  {}};
    row.verdict = verdict_of(row.ledger, row.matomo);
    rows.push_back(std::move(row));
  }
  for (const auto& [goal, count] : matomo.goals) {  // conversions of goals the run never sent
    if (!ledger.goals.contains(goal) && count > 0) {
      rows.push_back({target, site_id, date, fmt::format("goal_{}", goal), {}, count, Verdict::difference});
    }
  }
  return rows;
}

VerifyTotals totals_of(const std::vector<VerifyRow>& rows) {
  VerifyTotals t;
  for (const auto& row : rows) {
    switch (row.verdict) {
      case Verdict::equal: ++t.equal; break;
      case Verdict::within_bracket: ++t.within; break;
      case Verdict::difference: ++t.differences; break;
      case Verdict::not_checked: ++t.not_checked; break;
    }
  }
  return t;
}

std::string render_verify(const std::vector<VerifyRow>& rows, bool live) {
  report::TextTable table;
  table.add_heading({"target", "site", "date", "measure", "ledger", live ? "Matomo (Live)" : "Matomo", "verdict"});
  for (const auto& row : rows) {
    table.add_row({row.target, report::TextTable::Cell(std::to_string(row.site_id)).right_align(), row.date,
                   row.measure, report::TextTable::Cell(ledger_text(row.ledger)).right_align(),
                   report::TextTable::Cell(row.matomo ? std::to_string(*row.matomo) : "-").right_align(),
                   verdict_text(row)});
  }
  std::string out = table.render();
  const auto t = totals_of(rows);
  for (const auto& row : rows) {
    if (row.verdict == Verdict::difference) {
      out += fmt::format("difference: {} of {} (site {}) on {}: Matomo {}, ledger {} ({:+})\n", row.measure, row.target,
                         row.site_id, row.date, row.matomo.value_or(0), ledger_text(row.ledger), difference(row));
    }
  }
  const auto checked = t.equal + t.within + t.differences;
  if (t.differences > 0) {
    out += fmt::format("verify: {} of {} measures differ\n", t.differences, checked);
  } else if (t.within > 0) {
    out += fmt::format("verify: all {} measures hold: {} equal, {} within the bracket [acked, acked + unconfirmed] "
                       "(unconfirmed hits that Matomo recorded)\n",
                       checked, t.equal, t.within);
  } else {
    out += fmt::format("verify: all {} measures equal\n", checked);
  }
  if (t.not_checked > 0) {
    out +=
      fmt::format("verify: {} measures not checked (no Matomo report counts them as the ledger does)\n", t.not_checked);
  }
  return out;
}

nlohmann::json verify_json(const std::vector<VerifyRow>& rows, bool live) {
  const auto t = totals_of(rows);
  nlohmann::json measures = nlohmann::json::array();
  for (const auto& row : rows) {
    measures.push_back({{"target", row.target},
                        {"site_id", row.site_id},
                        {"date", row.date},
                        {"measure", row.measure},
                        {"acked", row.ledger.acked},
                        {"unconfirmed", row.ledger.unconfirmed},
                        {"matomo", row.matomo ? nlohmann::json(*row.matomo) : nlohmann::json(nullptr)},
                        {"verdict", to_string(row.verdict)},
                        {"difference", row.matomo ? nlohmann::json(difference(row)) : nlohmann::json(nullptr)}});
  }
  return {{"mode", live ? "live" : "reports"}, {"ok", t.differences == 0}, {"differences", t.differences},
          {"within_bracket", t.within},        {"equal", t.equal},         {"not_checked", t.not_checked},
          {"measures", std::move(measures)}};
}

}  // namespace tf::app
