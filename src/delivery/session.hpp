#pragma once
// The skeleton every delivering command (run, its backfill, replay) shares: the engine, the
// signals, the reporter, the run, the final snapshot and verdict, the table, the summary JSON and
// the metrics file. Every output is wired here once: a new one is added in this file pair.
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/settings.hpp"
#include "delivery/reporter.hpp"
#include "delivery/run_watch.hpp"
#include "delivery/signals.hpp"
#include "delivery/visit_flow.hpp"
#include "engine/engine.hpp"
#include "metrics/run_metrics.hpp"
#include "metrics/thresholds.hpp"
#include "util/clock.hpp"

namespace tf::delivery {

/// Where a delivering command writes what it learned.
struct SessionOutputs {
  std::string summary_json;  ///< --summary-json FILE; empty: none
  std::string metrics_file;  ///< --metrics-file FILE (Prometheus text); empty: none
  std::string report_html;  ///< --report-html FILE (the offline HTML report); empty: none
  /// The health table: stdout (stderr when stdout cannot be written), or this stream.
  std::FILE* table_out = stdout;
  /// Fields the command adds to the summary (run: timestamps, shard, config_fingerprint, backfill).
  nlohmann::json summary_fields = nlohmann::json::object();
};

class DeliverySession {
public:
  DeliverySession(const config::Settings& settings, metrics::SharedMetrics& metrics, const Clock& clock);
  ~DeliverySession();
  DeliverySession(const DeliverySession&) = delete;
  DeliverySession& operator=(const DeliverySession&) = delete;

  /// Builds the engine over `source`; an empty `transport` means the real (libcurl) one.
  engine::Engine& start_engine(const engine::EngineConfig& config, engine::FlowSource& source,
                               engine::Observer& observer, engine::BatchCodec* batch,
                               const engine::TransportFactory& transport = {});
  engine::Engine& engine() { return *m_engine; }
  /// From now until the session ends, SIGINT/SIGTERM drain the engine (a later one stops it at
  /// once) and SIGUSR1 asks the reporter for the table (signals.hpp).
  void handle_signals();
  /// Watches the run from now on (run_watch.hpp): the summary's time series and, with LISTEN,
  /// the live view (binds it now: throws tf::Error before anything is sent when it cannot).
  /// `speed` answers POST /speed (speed_hook); none: it answers 400.
  void watch(std::function<std::string(double speed)> speed = {});
  /// The run's metrics merged with the engine's own live figures (lags, CPU, in flight, breakers).
  /// The reporter and the watch take it each second without the ledger's `visitor_details`.
  metrics::Snapshot snapshot(bool visitor_details = true) const;
  /// Runs the engine to its end; with `reporting`, the reporter runs alongside (live line or log
  /// line, metrics file, SIGUSR1 table, --abort-on-fail watch), and the watch samples each second.
  engine::RunResult run(std::optional<ReporterOptions> reporting);
  /// The snapshot after the run: its stop reason, the verdict (default thresholds and `user`'s),
  /// the dead-letter lines that could not be saved and the watch's whole time series.
  metrics::Snapshot final_snapshot(const engine::RunResult& result, const std::vector<metrics::Threshold>& user,
                                   std::uint64_t dead_letters_unsaved);
  /// Prints `table`, then writes the summary JSON, the HTML report and the metrics file of
  /// `outputs` (the summary with `outputs.summary_fields` in both files).
  void write_outputs(const std::string& table, const metrics::Snapshot& snapshot, const SessionOutputs& outputs);
  /// With LISTEN, serves the final snapshot and summary for LISTEN_LINGER (RunWatch::linger);
  /// then the exit code (finish_delivery).
  int finish(const engine::RunResult& result, const metrics::Snapshot& snapshot);

private:
  const config::Settings& m_settings;
  metrics::SharedMetrics& m_metrics;
  const Clock& m_clock;
  std::unique_ptr<engine::Engine> m_engine;
  std::unique_ptr<SignalScope> m_signals;
  std::unique_ptr<RunWatch> m_watch;  ///< after m_engine: its thread reads the engine's stats
  /// The summary write_outputs built, without the command's summary_fields: the watch's final
  /// /status, which has the keys of the live one.
  nlohmann::json m_summary;
};

/// The engine settings every delivering command shares (limits, timeouts, retries, bulk, TLS,
/// threads, drain); the caller sets pacing, stop conditions and the targets' reserved shares.
engine::EngineConfig delivery_config(const config::Settings& settings, const std::vector<TargetContext>& targets);

/// With INSECURE, logs once that TLS certificates are not verified (a run, a backfill, a replay).
void warn_insecure(const config::Settings& settings, const Clock& clock);

/// The reporter's options from the settings: live on a terminal unless `quiet`, colour unless
/// NO_COLOR, REPORT_INTERVAL, the metrics file it refreshes (empty: none).
ReporterOptions reporter_options(const config::Settings& settings, bool quiet, const std::string& metrics_file);

/// Checks, before anything is sent, that each of `paths` (empty ones skipped) can be written;
/// throws tf::Error (usage) "cannot write PATH: REASON".
void check_outputs_writable(const std::vector<std::string>& paths);

/// The end of a delivering command: checks the accounting identity (tf::Error, runtime, when a
/// target does not add up), logs an engine error, and returns the exit code: 3 engine error,
/// 130 interrupted, 1 (with a "threshold failed: EXPR (VALUE)" line each) when a threshold of
/// snapshot.thresholds failed (delivery/verdict.hpp: no hit acked, failure_rate above
/// MAX_FAILURE_RATE, the user's), else 0.
int finish_delivery(const engine::RunResult& result, const metrics::Snapshot& snapshot, const Clock& clock);

/// Every setting as a string, token values as "***" (for the JSON summary).
nlohmann::json redacted_config(const config::Settings& settings);

/// "fnv1a64:<hex>" of the effective configuration (the summary's redacted "config"), without
/// the settings that only say where a run writes or how it logs: equal for the shards of one run.
std::string config_fingerprint(const nlohmann::json& redacted_config);

}  // namespace tf::delivery
