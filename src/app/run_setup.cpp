#include "app/run_setup.hpp"

#include <unistd.h>

#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <date/tz.h>
#include <fmt/format.h>

#include "app/replay_file.hpp"
#include "app/reporter.hpp"
#include "app/run_observer.hpp"
#include "app/verdict.hpp"
#include "config/catalogue_file.hpp"
#include "config/funnels_json.hpp"
#include "config/settings_table.hpp"
#include "engine/transport.hpp"
#include "report/atomic_file.hpp"
#include "report/prometheus.hpp"
#include "report/html_report.hpp"
#include "report/summary_json.hpp"
#include "util/error.hpp"
#include "util/random.hpp"

namespace tf::app {

namespace {

std::uint64_t random_seed() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32U) ^ device();
}

/// `body` with the value of token_auth replaced by *** (form `token_auth=…` and bulk JSON
/// `"token_auth":"…"`).
std::string redact_token(std::string body) {
  for (const std::string_view key : {std::string_view("token_auth="), std::string_view("\"token_auth\":\"")}) {
    for (auto at = body.find(key); at != std::string::npos; at = body.find(key, at + 1)) {
      const auto start = at + key.size();
      const auto end = body.find(key.front() == '"' ? '"' : '&', start);
      body.replace(start, (end == std::string::npos ? body.size() : end) - start, "***");
    }
  }
  return body;
}

/// Dry run: every request "answered" 204 at once, nothing sent; each request is printed to
/// stdout instead, one line: `POST URL BODY` (tokens as ***).
class DryRunTransport final : public engine::Transport {
public:
  void start(std::uint64_t token, engine::HttpRequest& request) override {
    const std::string line = fmt::format("{} {} {}\n", request.post ? "POST" : "GET", request.url, redact_token(request.body));
    std::fwrite(line.data(), 1, line.size(), stdout);
    engine::Completion c;
    c.token = token;
    c.result.status = 204;
    m_done.push_back(std::move(c));
  }
  void wait(SteadyTime deadline, std::vector<engine::Completion>& out) override {
    if (m_done.empty()) {
      const auto now = std::chrono::steady_clock::now();
      if (deadline > now) {
        std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(deadline - now, Millis{50}));
      }
      return;
    }
    for (auto& c : m_done) {
      out.push_back(std::move(c));
    }
    m_done.clear();
  }
  void wakeup() noexcept override {}
  void cancel_all() override { m_done.clear(); }

private:
  std::vector<engine::Completion> m_done;
};

} // namespace

RunSetup prepare_run(const config::Settings& settings, const Clock& /*clock*/) {
  RunSetup setup;
  setup.seed_given = settings.seed.has_value();
  setup.seed = settings.seed.value_or(random_seed());
  try {
    setup.zone = date::locate_zone(settings.timezone);
  } catch (const std::exception&) {
    throw Error(fmt::format("TIMEZONE: unknown time zone '{}'", settings.timezone));
  }
  const auto targets = config::effective_targets(settings);
  setup.strategy = targets.strategy;
  // A target without a token gets no cip; config::load warned about it once.
  for (const auto& t : targets.targets) {
    TargetContext context{t.name, t.url, t.site_id, t.token_auth, false, settings.user_agent_header, t.network};
    context.send_cip = settings.randomize_visitor_countries && !t.token_auth.empty();
    setup.targets.push_back(std::move(context));
  }
  setup.router = std::make_unique<routing::Router>(targets);
  if (!settings.urls_file.empty()) {
    setup.catalogue = config::load_catalogue(settings.urls_file);
    setup.builtin_catalogue = false;
  }
  auto funnels = settings.funnel_config_path.empty() ? std::vector<config::Funnel>{}
                                                      : config::load_funnels(settings.funnel_config_path);
  const auto& catalogue = setup.builtin_catalogue ? config::builtin_catalogue(settings.site_profile) : setup.catalogue;
  setup.generator = std::make_unique<model::VisitGenerator>(settings, catalogue, std::move(funnels), setup.seed);
  return setup;
}

void warn_insecure(const config::Settings& settings, const Clock& clock) {
  if (settings.insecure) {
    log_line("warning: INSECURE (--insecure): TLS certificates and host names are not verified; "
             "use --cacert FILE to trust a private CA instead", clock);
  }
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

std::vector<std::string> target_names(const RunSetup& setup) {
  std::vector<std::string> names;
  for (const auto& t : setup.targets) {
    names.push_back(t.name);
  }
  return names;
}

long long shard_share(long long visits, Shard shard) {
  if (visits <= shard.index) {
    return 0;
  }
  return (visits - shard.index + shard.count - 1) / shard.count;
}

metrics::RunMetrics initial_metrics(const RunSetup& setup, const RunOptions& options, const Clock& clock) {
  metrics::RunMetrics run;
  for (const auto& t : setup.targets) {
    run.target(t.name);
  }
  run.seed = setup.seed;
  run.started = clock.system_now();
  run.threads = static_cast<unsigned>(std::max(1, options.settings.threads));
  // Mirror starts one visit per enabled target at each arrival: that many visits are requested.
  std::size_t per_arrival = 1;
  if (setup.strategy == config::Strategy::mirror) {
    const auto targets = config::effective_targets(options.settings).targets;
    per_arrival = static_cast<std::size_t>(std::count_if(targets.begin(), targets.end(), [](const auto& t) { return t.enabled; }));
  }
  run.requested_visit_rate = options.settings.target_visits_per_day / 86400.0 * options.settings.speed /
                             options.shard.count * static_cast<double>(per_arrival);
  return run;
}

metrics::Snapshot merged_snapshot(const metrics::SharedMetrics& shared, const engine::Engine& engine,
                                  const Clock& clock) {
  auto snapshot = shared.snapshot();
  const auto stats = engine.stats();
  snapshot.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(clock.system_now() - snapshot.started);
  snapshot.loop_lag = stats.loop_lag;
  snapshot.start_lag = stats.start_lag;
  snapshot.generator_cpu_seconds =
      static_cast<double>((stats.cpu_user + stats.cpu_system).count()) / 1e6;
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

namespace {

void engine_stop(void* engine) { static_cast<engine::Engine*>(engine)->request_stop(); }
void engine_stop_now(void* engine) { static_cast<engine::Engine*>(engine)->request_immediate_stop(); }

} // namespace

SignalHooks engine_signal_hooks(engine::Engine& engine) {
  return SignalHooks{engine_stop, engine_stop_now, &engine};
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
    case engine::StopReason::immediate_stop:
      return static_cast<int>(ExitCode::interrupted);
    default:
      break;
  }
  // The verdict (app/verdict.hpp): the default thresholds and the user's, judged by the caller.
  return report_failures(snapshot.thresholds, clock) ? static_cast<int>(ExitCode::success)
                                                     : static_cast<int>(ExitCode::thresholds_failed);
}

engine::TransportFactory make_dry_run_transport() {
  return [](const engine::EngineConfig&) { return std::make_unique<DryRunTransport>(); };
}

ReporterOptions reporter_options(const RunOptions& options) {
  ReporterOptions r;
  const bool tty = isatty(STDERR_FILENO) == 1;
  r.live = tty && !options.quiet;
  r.color = tty && std::getenv("NO_COLOR") == nullptr;
  r.interval = options.settings.report_interval;
  r.metrics_file = options.metrics_file;
  return r;
}

nlohmann::json redacted_config(const config::Settings& settings) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& spec : config::settings_table()) {
    out[std::string(spec.name)] = config::format_value(spec, settings, false);
  }
  return out;
}

void print_run_banner(const RunSetup& setup, const RunOptions& options, const engine::EngineConfig& config,
                      const Clock& clock) {
  std::string targets;
  for (const auto& t : setup.targets) {
    targets += (targets.empty() ? "" : ", ") + t.name;
  }
  log_line(fmt::format("seed {}{}; {:.3f} visits/s; concurrency {}; {}; targets: {} ({}){}", setup.seed,
                       setup.seed_given ? "" : " (random)", config.arrivals_per_second,
                       config.max_flows_in_progress,
                       config.bulk > 0 ? fmt::format("bulk {}", config.bulk) : std::string("single hits"),
                       targets, config::to_string(setup.strategy), options.dry_run ? "; dry run: nothing sent" : ""),
           clock);
}

nlohmann::json timestamps_summary(const RunSetup& setup, bool backfill) {
  if (backfill) {
    return {{"derived", "model"},
            {"note", "the model's timeline, each visit placed in the backfill window"}};
  }
  const std::uint64_t later = setup.dating->later_hits(), clipped = setup.dating->clipped();
  const char* derived = clipped == 0 ? "model" : clipped == later ? "send_time" : "model_or_send_time";
  return {{"derived", derived}, {"later_hits", later}, {"clipped_to_send_time", clipped},
          {"note", "a visit's first hit is dated at its send time; a later hit at the first hit's time "
                   "plus the model's dwell, or at its own send time when the real pause "
                   "(PAUSE_BETWEEN_PVS_*) was shorter (clipped), so no hit is dated in the future; "
                   "each strictly after the visitor's previous hit"}};
}

void check_outputs_writable(const RunOptions& options) {
  for (const std::string* path : {&options.summary_json, &options.metrics_file, &options.checkpoint_file, &options.report_html}) {
    if (!path->empty() && !(options.dry_run && path == &options.checkpoint_file)) {
      report::check_output_writable(*path);
    }
  }
}

std::string config_fingerprint(const nlohmann::json& redacted) {
  // Where a shard writes and how it logs do not change what it sends.
  static const std::set<std::string> k_local = {"DEAD_LETTER_FILE", "LOCK_FILE",  "START_SIGNAL_FILE", "AUTO_START",
                                                "START_CHECK_INTERVAL", "LOG_LEVEL", "LOG_FORMAT", "REPORT_INTERVAL",
                                                "LISTEN", "LISTEN_TOKEN_FILE", "LISTEN_LINGER"};
  nlohmann::json effective = redacted;
  for (const auto& key : k_local) {
    effective.erase(key);
  }
  return content_hash(effective.dump());
}

void write_outputs(const RunOptions& options, const RunSetup& setup, const metrics::Snapshot& snapshot) {
  if (!options.summary_json.empty() || !options.report_html.empty()) {
    const nlohmann::json config = redacted_config(options.settings);
    nlohmann::json summary = report::summary_to_json(snapshot, config);
    summary["timestamps"] = timestamps_summary(setup, options.settings.backfill_enabled);
    summary["shard"] = fmt::format("{}/{}", options.shard.index, std::max(1, options.shard.count));
    summary["config_fingerprint"] = config_fingerprint(config);
    if (!options.summary_json.empty()) {
      report::write_summary_file(options.summary_json, summary);
    }
    if (!options.report_html.empty()) {
      report::write_html_report(options.report_html, summary);
    }
  }
  if (!options.metrics_file.empty()) {
    report::write_prometheus_file(options.metrics_file, snapshot);
  }
}

} // namespace tf::app
