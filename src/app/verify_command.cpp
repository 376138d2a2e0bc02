#include "app/verify_command.hpp"

#include <algorithm>
#include <map>
#include <ostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "app/reporting_client.hpp"
#include "app/verify_result.hpp"
#include "app/verify_visitors.hpp"
#include "config/dotenv.hpp"
#include "config/targets_json.hpp"
#include "report/atomic_file.hpp"
#include "report/merge.hpp"
#include "util/error.hpp"

namespace tf::app {
namespace {

struct Endpoint {
  std::string url;  ///< as given (tracking endpoint or base URL)
  std::string token;  ///< "" = anonymous
};

std::string read_token(const std::string& path) {
  std::string error;
  const auto text = config::read_text_file(path, error, 64U << 10U);
  if (!text) {
    throw Error(fmt::format("--token-file {}: cannot read: {}", path, error));
  }
  const auto first = text->find_first_not_of(" \t\r\n");
  const auto last = text->find_last_not_of(" \t\r\n");
  if (first == std::string::npos) {
    throw Error(fmt::format("--token-file {}: the file is empty (expected a token_auth with view access)", path));
  }
  return text->substr(first, last - first + 1);
}

std::map<std::string, Endpoint> targets_from_file(const std::string& path) {
  std::string error;
  const auto text = config::read_text_file(path, error);
  if (!text) {
    throw Error(fmt::format("--targets {}: cannot read: {}", path, error));
  }
  config::Diagnostics diags;
  const auto parsed = config::parse_targets(*text, path, diags, config::process_environment());
  if (!parsed) {
    throw Error(config::join_errors(diags));
  }
  std::map<std::string, Endpoint> out;
  for (const auto& t : parsed->targets) {
    out[t.name] = {t.url, t.token_auth};
  }
  return out;
}

/// The URL the run used: MATOMO_URL of a single-target run, the targets of MULTI_TARGET_CONFIG.
std::map<std::string, Endpoint> targets_from_summary(const nlohmann::json& config) {
  std::map<std::string, Endpoint> out;
  const auto multi = config.value("MULTI_TARGET_CONFIG", std::string{});
  if (!multi.empty() && multi.front() == '{') {
    config::Diagnostics diags;
    if (const auto parsed = config::parse_targets(multi, "MULTI_TARGET_CONFIG", diags, config::process_environment())) {
      for (const auto& t : parsed->targets) {
        out[t.name] = {t.url, {}};
      }
    }
  }
  if (const auto url = config.value("MATOMO_URL", std::string{}); !url.empty()) {
    out.try_emplace("default", Endpoint{url, {}});
  }
  return out;
}

std::map<std::string, Endpoint> endpoints(const VerifyOptions& o, const nlohmann::json& config,
                                          const metrics::Ledger& ledger) {
  std::map<std::string, Endpoint> known =
    o.targets_file.empty() ? targets_from_summary(config) : targets_from_file(o.targets_file);
  const std::string token = o.token_file.empty() ? std::string{} : read_token(o.token_file);
  std::map<std::string, Endpoint> out;
  for (const auto& [name, target] : ledger.targets) {
    Endpoint e;
    if (!o.url.empty()) {
      e.url = o.url;
    } else if (const auto it = known.find(name); it != known.end()) {
      e = it->second;
    } else {
      throw Error(
        fmt::format("no Matomo URL for target \"{}\" of the ledger: give --url{}", name,
                    o.targets_file.empty() ? " or --targets FILE" : fmt::format(" or add it to {}", o.targets_file)));
    }
    if (!o.token_file.empty()) {
      e.token = token;
    }
    out[name] = e;
  }
  return out;
}

/// The day ranges to compare, each with the ledger's sum over it.
std::vector<std::pair<DayRange, metrics::LedgerDay>> ranges(const VerifyOptions& o, const metrics::LedgerTarget& t) {
  DayRange limit{std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()};
  if (!o.date.empty()) {
    const auto comma = o.date.find(',');
    const auto first = metrics::parse_day(o.date.substr(0, comma));
    const auto last = comma == std::string::npos ? first : metrics::parse_day(o.date.substr(comma + 1));
    if (!first || !last || *last < *first) {
      throw Error(fmt::format("--date: expected YYYY-MM-DD or FROM,TO (YYYY-MM-DD,YYYY-MM-DD), found \"{}\"", o.date));
    }
    limit = {*first, *last};
  }
  std::vector<std::pair<DayRange, metrics::LedgerDay>> out;
  for (const auto& [day, counts] : t.days) {
    if (day < limit.first || day > limit.last) {
      continue;
    }
    if (o.period == "day" || out.empty()) {
      out.push_back({{day, day}, counts});
    } else {
      out.back().first.last = day;
      out.back().second.add(counts);
    }
  }
  return out;
}

std::string date_label(DayRange days) {
  return days.first == days.last ? metrics::format_day(days.first)
                                 : metrics::format_day(days.first) + "," + metrics::format_day(days.last);
}

[[noreturn]] void not_archived(const ReportingClient& client, int site, DayRange days) {
  throw Error(
    fmt::format(
      "Matomo's reports for site {} on {} are not archived yet (Live holds visits, VisitsSummary.get none). "
      "Archive them with the console command `./console core:archive --url={}` on the Matomo server, or enable "
      "browser-triggered archiving (System > General settings); or compare raw visits with `verify --live`",
      site, date_label(days),
      client.endpoint().substr(0, client.endpoint().size() - std::string_view{"index.php"}.size())),
    ExitCode::runtime);
}

std::vector<VerifyRow> verify_target(const VerifyOptions& o, const metrics::LedgerTarget& target, const Endpoint& e,
                                     VisitorReport& visitors) {
  const ReportingClient client(api_endpoint(e.url), e.token, o.timeout);
  std::vector<VerifyRow> rows;
  for (const auto& [days, ledger] : ranges(o, target)) {
    std::vector<int> goals;
    for (const auto& [goal, bound] : ledger.goals) {
      goals.push_back(goal);
    }
    const Observed matomo =
      o.live ? observe_live(client, target.site_id, days) : observe_reports(client, target.site_id, days, goals);
    if (!o.live && matomo.measures[0].value_or(0) == 0 && ledger[metrics::Measure::visits].acked > 0 &&
        live_has_visits(client, target.site_id, days)) {
      not_archived(client, target.site_id, days);
    }
    auto some = compare(target.name, target.site_id, date_label(days), ledger, matomo, days.first != days.last);
    rows.insert(rows.end(), some.begin(), some.end());
    if (o.live) {
      rows.push_back(compare_visitors(target.name, target.site_id, date_label(days), ledger, matomo, visitors));
    }
  }
  return rows;
}

}  // namespace

int verify_command(const VerifyOptions& options, std::ostream& out) {
  if (options.period != "day" && options.period != "range") {
    throw Error(fmt::format("--period: expected day or range, found \"{}\"", options.period));
  }
  const auto merged = report::merge_summary_files(options.files);
  if (!merged.missing_shards.empty()) {
    throw Error(fmt::format("missing shard(s) {}: verify needs the summary of every shard",
                            fmt::join(merged.missing_shards, ", ")));
  }
  const auto& ledger = merged.run.ledger;
  if (ledger.empty()) {
    throw Error(fmt::format("{}: no ledger to verify (no hit was acked, or the summary was written by a build "
                            "without one)",
                            fmt::join(options.files, ", ")));
  }
  const auto targets = endpoints(options, merged.config, ledger);
  std::vector<VerifyRow> rows;
  VisitorReport visitors;
  for (const auto& [name, target] : ledger.targets) {
    auto some = verify_target(options, target, targets.at(name), visitors);
    rows.insert(rows.end(), some.begin(), some.end());
  }
  if (rows.empty()) {
    throw Error(fmt::format("--date {}: the ledger has no day in it", options.date));
  }
  out << render_verify(rows, options.live);
  auto json = verify_json(rows, options.live);
  if (options.live) {
    out << render_visitors(visitors);
    json["visitors"] = visitors_json(visitors);
  }
  if (!options.json_file.empty()) {
    report::write_output_file(options.json_file, json.dump(2) + "\n");
  }
  return totals_of(rows).differences == 0 ? static_cast<int>(ExitCode::success)
                                          : static_cast<int>(ExitCode::thresholds_failed);
}

}  // namespace tf::app
