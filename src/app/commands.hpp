#pragma once
// One entry point per subcommand. The CLI fills the options; each returns the process exit code
// (util/error.hpp ExitCode) and throws tf::Error only for usage/config/runtime errors.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "config/settings.hpp"
#include "delivery/shard.hpp"

namespace tf::app {

using delivery::Shard;

struct RunOptions {
  config::Settings settings;
  std::optional<long long> visits;  ///< --visits: stop after N visits started
  std::optional<std::chrono::milliseconds> duration;  ///< --duration
  std::string backfill_range;  ///< --backfill FROM..TO (empty: none)
  std::string checkpoint_file;  ///< --checkpoint
  std::string summary_json;  ///< --summary-json FILE
  std::string metrics_file;  ///< --metrics-file FILE (Prometheus text)
  std::string report_html;  ///< --report-html FILE
  Shard shard;  ///< --shard K/N
  bool dry_run = false;  ///< --dry-run: build visits, send nothing
  bool show_secrets = false;  ///< --show-secrets
  bool quiet = false;  ///< --quiet: no live status line
};

struct GenerateOptions {
  config::Settings settings;
  long long visits = 100;  ///< --visits
  std::string format = "ndjson";  ///< --format ndjson|urls
  std::string output;  ///< --output FILE, empty = stdout
  std::string backfill_range;  ///< --backfill FROM..TO
  Shard shard;
  bool show_secrets = false;
};

struct ReplayOptions {
  config::Settings settings;
  std::string file;
  std::string summary_json;
  std::string report_html;  ///< --report-html FILE
  bool force = false;
  bool include_unconfirmed = false;  ///< --include-unconfirmed: also "maybe_recorded" lines
};

struct CapacityOptions {
  config::Settings settings;  ///< CAPACITY_* for the search, the rest as for run
  std::string summary_json;  ///< --summary-json FILE: capacity, broke, steps
};

int run_command(const RunOptions& options);
/// find-capacity: 0 when a rate held, 1 when none did, 130 interrupted.
int find_capacity_command(const CapacityOptions& options);
int generate_command(const GenerateOptions& options);
int replay_command(const ReplayOptions& options);
/// `from_logs`: FILEs are logs with summaries between marker lines (merge --from-logs);
/// `allow_partial`: missing shards do not fail the merge (merge --allow-partial).
/// `trafficinator report SUMMARY.json... -o FILE`: one HTML report of the (merged) summaries.
int report_command(const std::vector<std::string>& files, const std::string& output);
int merge_command(const std::vector<std::string>& files, const std::string& summary_json, bool from_logs = false,
                  bool allow_partial = false);

}  // namespace tf::app
