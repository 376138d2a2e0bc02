#pragma once
// `trafficinator verify SUMMARY.json...`: Matomo's own numbers against the ledger (issue 21).
#include <chrono>
#include <iosfwd>
#include <string>
#include <vector>

namespace tf::app {

struct VerifyOptions {
  std::vector<std::string> files;  ///< summaries (shards are merged as `merge` does)
  std::string url;  ///< --url: one Matomo for every target
  std::string targets_file;  ///< --targets: each target's URL (and token) by name
  std::string token_file;  ///< --token-file: a token with view access
  std::string date;  ///< --date YYYY-MM-DD or FROM,TO; empty: the ledger's days
  std::string period = "day";  ///< --period day|range
  bool live = false;  ///< --live: Live.getLastVisitsDetails instead of reports
  std::string json_file;  ///< --json FILE
  std::chrono::milliseconds timeout{30'000};  ///< per API request
};

/// Exit 0 when every measure holds, 1 on a difference; throws tf::Error: usage (2) for bad
/// input, runtime (3) when Matomo cannot be reached, refuses the token or has not archived.
int verify_command(const VerifyOptions& options, std::ostream& out);

}  // namespace tf::app
