#pragma once
// The pieces `run` (and `replay`) assemble before the engine starts, and the outputs written
// after it stops.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "app/signals.hpp"
#include "app/visit_flow.hpp"
#include "config/settings.hpp"
#include "engine/engine.hpp"
#include "metrics/run_metrics.hpp"
#include "model/generator.hpp"
#include "routing/router.hpp"

namespace date {
class time_zone;
}

namespace tf::app {

struct RunSetup {
  std::uint64_t seed = 0;
  bool seed_given = false;
  std::vector<TargetContext> targets;
  config::Strategy strategy = config::Strategy::round_robin;
  const date::time_zone* zone = nullptr;
  config::UrlCatalogue catalogue;  ///< loaded URLS_FILE (empty when the built-in one is used)
  bool builtin_catalogue = true;
  std::unique_ptr<model::VisitGenerator> generator;
  std::unique_ptr<routing::Router> router;
  /// How realtime hits were dated (the summary's "timestamps"); unused by backfill.
  std::unique_ptr<RealtimeDating> dating = std::make_unique<RealtimeDating>();
};

/// Resolves the seed, targets, time zone, catalogue and funnels; throws tf::Error on bad input.
RunSetup prepare_run(const config::Settings& settings, const Clock& clock);
std::vector<std::string> target_names(const RunSetup& setup);
/// The engine settings every delivering command shares (limits, timeouts, retries, bulk, TLS,
/// threads, drain); the caller sets pacing, stop conditions and the targets' reserved shares.
engine::EngineConfig delivery_config(const config::Settings& settings, const std::vector<TargetContext>& targets);

/// With INSECURE, logs once that TLS certificates are not verified (a run, a backfill, a replay).
void warn_insecure(const config::Settings& settings, const Clock& clock);
/// Visits of the first `visits` indices that fall to `shard` (i ≡ K mod N).
long long shard_share(long long visits, Shard shard);
metrics::RunMetrics initial_metrics(const RunSetup& setup, const RunOptions& options, const Clock& clock);
/// The run's metrics merged with the engine's own live figures (lags, CPU, in flight, breakers).
metrics::Snapshot merged_snapshot(const metrics::SharedMetrics& shared, const engine::Engine& engine,
                                  const Clock& clock);
/// A transport that answers every request at once with 204 and sends nothing (--dry-run).
engine::TransportFactory make_dry_run_transport();
struct ReporterOptions;
ReporterOptions reporter_options(const RunOptions& options);
/// The summary's "timestamps" object: how the hits' times (cdt, h/m/s) were derived.
nlohmann::json timestamps_summary(const RunSetup& setup, bool backfill);
/// Every setting as a string, token values as "***" (for the JSON summary).
nlohmann::json redacted_config(const config::Settings& settings);
void print_run_banner(const RunSetup& setup, const RunOptions& options, const engine::EngineConfig& config,
                      const Clock& clock);
/// SIGINT/SIGTERM hooks that drain `engine` (first signal) or stop it at once (second).
SignalHooks engine_signal_hooks(engine::Engine& engine);
/// The end of a delivering command: checks the accounting identity (tf::Error, runtime, when a
/// target does not add up), logs an engine error, and returns the exit code: 3 engine error,
/// 130 interrupted, 1 (with a "threshold failed: EXPR (VALUE)" line each) when a threshold of
/// snapshot.thresholds failed (app/verdict.hpp: no hit acked, failure_rate above
/// MAX_FAILURE_RATE, the user's), else 0.
int finish_delivery(const engine::RunResult& result, const metrics::Snapshot& snapshot, const Clock& clock);
/// Checks, before anything is sent, that --summary-json, --metrics-file and --checkpoint can be
/// written; throws tf::Error (usage) "cannot write PATH: REASON".
void check_outputs_writable(const RunOptions& options);
/// "fnv1a64:<hex>" of the effective configuration (the summary's redacted "config"), without
/// the settings that only say where a run writes or how it logs: equal for the shards of one run.
std::string config_fingerprint(const nlohmann::json& redacted_config);
/// --summary-json (with "shard": "K/N" and "config_fingerprint") and --metrics-file.
void write_outputs(const RunOptions& options, const RunSetup& setup, const metrics::Snapshot& snapshot);

} // namespace tf::app
