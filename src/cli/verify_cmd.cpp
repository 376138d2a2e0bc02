// `verify SUMMARY.json...`: Matomo's reports (or Live) against the ledger of a run.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "app/verify_command.hpp"
#include "cli/subcommands.hpp"
#include "util/error.hpp"
#include "util/units.hpp"

namespace tf::cli {
namespace {

struct VerifyState {
  app::VerifyOptions options;
  std::string timeout = "30s";
};

int verify(VerifyState& state) {
  const auto timeout = parse_duration(state.timeout);
  if (!timeout || timeout->count() <= 0) {
    throw Error(fmt::format("--timeout: expected a duration such as 500ms or 30s, found \"{}\"", state.timeout));
  }
  state.options.timeout = *timeout;
  return app::verify_command(state.options, std::cout);
}

}  // namespace

void add_verify(CLI::App& app, Action& action) {
  auto state = std::make_shared<VerifyState>();
  auto& o = state->options;
  CLI::App* sub =
    app.add_subcommand("verify", "Compare Matomo's reports with the ledger of run summaries: exit 0 when they agree");
  sub->add_option("SUMMARY", o.files, "JSON summaries written by run --summary-json (shards are added as merge does)")
    ->required();
  sub->add_option("--url", o.url, "Matomo's URL (its index.php, or the tracking endpoint) for every target")
    ->type_name("URL")
    ->group("Verify");
  sub->add_option("--targets", o.targets_file, "Targets JSON: each target's URL (and token) by name")
    ->type_name("FILE")
    ->group("Verify");
  sub
    ->add_option("--token-file", o.token_file,
                 "File holding a token_auth with view access (sent in the POST body, never printed)")
    ->type_name("FILE")
    ->group("Verify");
  sub->add_option("--date", o.date, "Only this site-local day, or FROM,TO (default: every day of the ledger)")
    ->type_name("DATE")
    ->group("Verify");
  sub->add_option("--period", o.period, "day: one comparison per day (default); range: one over all the days")
    ->type_name("day|range")
    ->group("Verify");
  sub
    ->add_flag("--live", o.live,
               "Read raw visits from Live.getLastVisitsDetails (no archiving needed) instead of the reports")
    ->group("Verify");
  sub->add_option("--timeout", state->timeout, "Timeout of each API request (default 30s)")
    ->type_name("DURATION")
    ->group("Verify");
  sub->add_option("--json", o.json_file, "Write the verdicts as JSON to FILE")->type_name("FILE")->group("Verify");
  sub->callback([state, &action] { action = [state] { return verify(*state); }; });
}

}  // namespace tf::cli
