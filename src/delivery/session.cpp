#include "delivery/session.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include <fmt/format.h>

#include "config/settings_table.hpp"
#include "delivery/console.hpp"
#include "delivery/dead_letter.hpp"
#include "delivery/run_observer.hpp"
#include "delivery/summary_fields.hpp"
#include "delivery/verdict.hpp"
#include "report/atomic_file.hpp"
#include "report/html_report.hpp"
#include "report/prometheus.hpp"
#include "report/summary_json.hpp"
#include "util/error.hpp"

namespace tf::delivery {

namespace {

void engine_stop(void* engine) { static_cast<engine::Engine*>(engine)->request_stop(); }
void engine_stop_now(void* engine) { static_cast<engine::Engine*>(engine)->request_immediate_stop(); }

}  // namespace

DeliverySession::DeliverySession(const config::Settings& settings, metrics::SharedMetrics& metrics, const Clock& clock)
  : m_settings(settings), m_metrics(metrics), m_clock(clock) {}

DeliverySession::~DeliverySession() = default;

engine::Engine& DeliverySession::start_engine(const engine::EngineConfig& config, engine::FlowSource& source,
                                              engine::Observer& observer, engine::BatchCodec* batch,
                                              const engine::TransportFactory& transport) {
  m_engine = transport ? std::make_unique<engine::Engine>(config, source, observer, batch, m_clock, transport)
                       : std::make_unique<engine::Engine>(config, source, observer, batch, m_clock);
  return *m_engine;
}

void DeliverySession::handle_signals() {
  m_signals = std::make_unique<SignalScope>(SignalHooks{engine_stop, engine_stop_now, m_engine.get()});
}

void DeliverySession::watch(std::function<std::string(double)> speed) {
  m_watch = std::make_unique<RunWatch>(
    m_settings, redacted_config(m_settings),
    WatchHooks{[this] { return snapshot(false); }, [this] { m_engine->request_stop(); }, std::move(speed)}, m_clock);
}

metrics::Snapshot DeliverySession::snapshot(bool visitor_details) const {
  auto snapshot = m_metrics.snapshot(visitor_details);
  const auto stats = m_engine->stats();
  snapshot.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(m_clock.system_now() - snapshot.started);
  snapshot.loop_lag = stats.loop_lag;
  snapshot.start_lag = stats.start_lag;
  snapshot.generator_cpu_seconds = static_cast<double>((stats.cpu_user + stats.cpu_system).count()) / 1e6;
  snapshot.visits_waiting = static_cast<std::uint64_t>(std::max<long long>(stats.flows_waiting, 0));
  for (std::size_t i = 0; i < stats.targets.size() && i < snapshot.targets.size(); ++i) {
    auto& t = snapshot.targets[i];
    t.in_flight = stats.targets[i].in_flight;
    t.breaker = stats.targets[i].breaker;
    t.breaker_transitions = static_cast<std::uint64_t>(stats.targets[i].breaker_opens);
    t.breaker_open_time = stats.targets[i].time_open;
  }
  return snapshot;
}

engine::RunResult DeliverySession::run(std::optional<ReporterOptions> reporting) {
  std::unique_ptr<Reporter> reporter;
  if (reporting) {
    reporter = std::make_unique<Reporter>(
      std::move(*reporting), [this] { return snapshot(false); }, m_clock);  // no per-visitor ledger
    reporter->start();
  }
  if (m_watch) {
    m_watch->start();
  }
  const auto result = m_engine->run();
  if (reporter) {
    reporter->stop();
  }
  return result;
}

metrics::Snapshot DeliverySession::final_snapshot(const engine::RunResult& result,
                                                  const std::vector<metrics::Threshold>& user,
                                                  std::uint64_t dead_letters_unsaved) {
  auto final_snapshot = snapshot();
  final_snapshot.stop_reason = engine::to_string(result.reason);
  final_snapshot.thresholds = judge(final_snapshot, m_settings.max_failure_rate, user);
  final_snapshot.dead_letter_unsaved = dead_letters_unsaved;
  if (m_watch) {
    m_watch->finish(final_snapshot);
  }
  return final_snapshot;
}

void DeliverySession::write_outputs(const std::string& table, const metrics::Snapshot& snapshot,
                                    const SessionOutputs& outputs) {
  if (outputs.table_out == stdout) {
    print_table(table);
  } else {
    std::fwrite(table.data(), 1, table.size(), outputs.table_out);
    std::fflush(outputs.table_out);
  }
  m_summary = report::summary_to_json(snapshot, redacted_config(m_settings));
  {
    const SummaryFieldsAdded fields(m_summary, outputs.summary_fields);  // not copied: added, then taken out
    if (!outputs.summary_json.empty()) {
      report::write_summary_file(outputs.summary_json, m_summary);
    }
    if (!outputs.report_html.empty()) {
      report::write_html_report(outputs.report_html, m_summary);
    }
  }
  if (!outputs.metrics_file.empty()) {
    report::write_prometheus_file(outputs.metrics_file, snapshot);
  }
}

int DeliverySession::finish(const engine::RunResult& result, const metrics::Snapshot& snapshot) {
  // Only a live view needs the summary, and it gets a reference: the ledger's visitors can make
  // the summary megabytes large, too large to copy for nothing.
  if (m_watch && m_watch->serving()) {
    if (!m_summary.is_object()) {
      m_summary = report::summary_to_json(snapshot, redacted_config(m_settings));
    }
    m_watch->linger(snapshot, m_summary);
  }
  return finish_delivery(result, snapshot, m_clock);
}

engine::EngineConfig delivery_config(const config::Settings& s, const std::vector<TargetContext>& targets) {
  engine::EngineConfig config;
  // A visit has at most one hit in flight: more than CONCURRENCY requests can never be used.
  config.targets.assign(targets.size(), engine::TargetLimits{std::max(1, std::min(s.max_in_flight, s.concurrency))});
  for (const auto& target : targets) {
    config.networks.push_back(target.network);
  }
  config.max_flows_in_progress = s.concurrency;
  config.threads = s.threads;
  config.bulk = s.bulk;
  config.bulk_linger = s.bulk_linger;
  config.connect_timeout = s.connect_timeout;
  config.request_timeout = s.request_timeout;
  config.http2 = s.http2;
  config.insecure = s.insecure;
  config.retry.max_retries = s.max_retries;
  config.retry.backoff = s.retry_backoff;
  config.retry.retry_after_cap = s.retry_after_cap;
  config.retry.budget = s.retry_budget;
  config.retry.retry_unconfirmed = s.retry_unconfirmed;
  config.drain_timeout = s.drain_timeout;
  return config;
}

void warn_insecure(const config::Settings& settings, const Clock& clock) {
  if (settings.insecure) {
    log_line("warning: INSECURE (--insecure): TLS certificates and host names are not verified; "
             "use --cacert FILE to trust a private CA instead",
             clock);
  }
}

ReporterOptions reporter_options(const config::Settings& settings, bool quiet, const std::string& metrics_file) {
  ReporterOptions r;
  const bool tty = isatty(STDERR_FILENO) == 1;
  r.live = tty && !quiet;
  r.color = tty && std::getenv("NO_COLOR") == nullptr;
  r.interval = settings.report_interval;
  r.metrics_file = metrics_file;
  return r;
}

void check_outputs_writable(const std::vector<std::string>& paths) {
  for (const auto& path : paths) {
    if (!path.empty()) {
      report::check_output_writable(path);
    }
  }
}

int finish_delivery(const engine::RunResult& result, const metrics::Snapshot& snapshot, const Clock& clock) {
  const auto accounting = metrics::check_accounting(snapshot);
  if (!accounting.ok()) {
    throw Error(fmt::format("accounting does not add up for {}", fmt::join(accounting.unbalanced, ", ")),
                ExitCode::runtime);
  }
  switch (result.reason) {
    case engine::StopReason::error:
      log_line("error: " + result.error_text, clock);
      return static_cast<int>(ExitCode::runtime);
    case engine::StopReason::stop_requested:
    case engine::StopReason::immediate_stop: return static_cast<int>(ExitCode::interrupted);
    default: break;
  }
  // The verdict (delivery/verdict.hpp): the default thresholds and the user's, judged by the caller.
  return report_failures(snapshot.thresholds, clock) ? static_cast<int>(ExitCode::success)
                                                     : static_cast<int>(ExitCode::thresholds_failed);
}

nlohmann::json redacted_config(const config::Settings& settings) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& spec : config::settings_table()) {
    out[std::string(spec.name)] = config::format_value(spec, settings, false);
  }
  return out;
}

std::string config_fingerprint(const nlohmann::json& redacted) {
  // Where a shard writes and how it logs do not change what it sends.
  static const std::set<std::string> k_local = {
    "DEAD_LETTER_FILE", "LOCK_FILE",  "START_SIGNAL_FILE", "AUTO_START", "START_CHECK_INTERVAL",
    "LOG_LEVEL",        "LOG_FORMAT", "REPORT_INTERVAL",   "LISTEN",     "LISTEN_TOKEN_FILE",
    "LISTEN_LINGER"};
  nlohmann::json effective = redacted;
  for (const auto& key : k_local) {
    effective.erase(key);
  }
  return content_hash(effective.dump());
}

}  // namespace tf::delivery
