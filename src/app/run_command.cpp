// `trafficinator run`: settings → visits → engine → metrics, dead letters and the health table.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include <date/tz.h>
#include <fmt/format.h>

#include "app/backfill_run.hpp"
#include "app/commands.hpp"
#include "app/load_shapes.hpp"
#include "app/run_setup.hpp"
#include "app/start_at.hpp"
#include "delivery/console.hpp"
#include "delivery/dead_letter.hpp"
#include "delivery/dry_run.hpp"
#include "delivery/reporter.hpp"
#include "delivery/run_observer.hpp"
#include "delivery/run_watch.hpp"
#include "delivery/session.hpp"
#include "delivery/signals.hpp"
#include "delivery/verdict.hpp"
#include "delivery/visit_flow.hpp"
#include "engine/admission.hpp"
#include "engine/engine.hpp"
#include "report/health_table.hpp"
#include "util/error.hpp"
#include "util/file_lock.hpp"

namespace tf::app {

namespace {

engine::EngineConfig engine_config(const RunOptions& options, const RunSetup& setup) {
  const auto& s = options.settings;
  engine::EngineConfig config = delivery::delivery_config(s, setup.targets);
  // Each target reserves the share of CONCURRENCY its routing gives it.
  engine::reserve_shares(config, setup.router->shares());
  config.arrivals_per_second = s.target_visits_per_day / 86400.0 * s.speed / options.shard.count;
  if (options.duration) {
    config.duration = *options.duration;
  } else if (s.auto_stop_after_hours > 0) {
    config.duration = Millis{static_cast<long long>(s.auto_stop_after_hours * 3600e3)};
  }
  if (options.visits) {
    config.max_arrivals = delivery::shard_share(*options.visits, options.shard);
  }
  config.rolling_cap_per_day = s.max_total_visits;
  config.seed = mix_keys(setup.seed, 0x656e67696e65ULL, static_cast<std::uint64_t>(options.shard.index));
  config.circuits = setup.health->board();  // the router reads it
  return config;
}

/// What a dry run would have sent, instead of a table of answers it never got.
std::string dry_run_summary(const metrics::Snapshot& snapshot, const RunSetup& setup) {
  const auto totals = snapshot.totals();
  std::string targets;
  for (const auto& t : setup.targets) {
    targets += fmt::format("{}{} ({})", targets.empty() ? "" : ", ", t.name, t.url);
  }
  return fmt::format("dry run: nothing sent. The run would have sent {} hits of {} visits in {} requests to {}.\n",
                     totals.hits_generated, totals.visits_started, totals.requests, targets);
}

/// Waits for START_SIGNAL_FILE when AUTO_START=false (the predecessor's start gate); deletes it.
bool wait_for_start_signal(const config::Settings& s, const Clock& clock) {
  if (s.auto_start) {
    return true;
  }
  delivery::log_line(fmt::format("waiting for the start signal file {}", s.start_signal_file), clock);
  const auto period = Millis{static_cast<long long>(s.start_check_interval * 1000)};
  while (delivery::SignalScope::stop_requests() == 0) {
    std::error_code ec;
    if (std::filesystem::exists(s.start_signal_file, ec)) {
      std::filesystem::remove(s.start_signal_file, ec);
      delivery::log_line("start signal found", clock);
      return true;
    }
    std::this_thread::sleep_for(std::min(period, Millis{200}));
  }
  return false;
}

/// The summary fields only `run` writes: how hits were dated, the shard, the configuration's
/// fingerprint and, for a backfill, its days.
nlohmann::json run_summary_fields(const RunOptions& options, const RunSetup& setup, const BackfillRun* backfill) {
  nlohmann::json fields = nlohmann::json::object();
  fields["timestamps"] = timestamps_summary(setup, options.settings.backfill_enabled);
  fields["shard"] = fmt::format("{}/{}", options.shard.index, std::max(1, options.shard.count));
  fields["config_fingerprint"] = delivery::config_fingerprint(delivery::redacted_config(options.settings));
  if (backfill != nullptr) {
    fields["backfill"] = backfill->summary();
  }
  return fields;
}

}  // namespace

int run_command(const RunOptions& raw_options) {
  const RunOptions options = raw_options.settings.backfill_enabled ? backfill_run_options(raw_options) : raw_options;
  if (!options.dry_run && !options.settings.targets && options.settings.origins.count("MATOMO_URL") == 0) {
    // The built-in MATOMO_URL is the predecessor's example host: never send traffic to it.
    throw Error("no target: set MATOMO_URL to a tracking endpoint (.../matomo.php), or give "
                "--targets FILE or MULTI_TARGET_CONFIG");
  }
  SystemClock clock;
  const LockFile run_lock(options.settings.lock_file);
  const auto start_at = start_instant(options.settings, clock);  // "+30s" counts from here
  RunSetup setup = prepare_run(options.settings, clock);
  delivery::warn_insecure(options.settings, clock);
  const auto& s = options.settings;
  const auto thresholds = delivery::user_thresholds(s);
  delivery::check_outputs_writable({options.summary_json, options.metrics_file, options.report_html,
                                    options.dry_run ? std::string() : options.checkpoint_file});

  metrics::SharedMetrics shared(initial_metrics(setup, options, clock));
  delivery::DeadLetterWriter dead_letters(s.dead_letter_file, delivery::current_run(setup.seed, clock));
  delivery::RunObserver observer(shared, dead_letters, target_names(setup), clock);
  delivery::VisitSource source(*setup.generator, *setup.router, setup.targets, setup.zone, clock, options.shard,
                               observer, setup.dating.get());
  delivery::BulkCodec codec(setup.targets);
  auto backfill = s.backfill_enabled ? std::make_unique<BackfillRun>(options, setup, observer, clock) : nullptr;
  engine::FlowSource& flow_source = backfill ? backfill->source() : source;
  engine::Observer& engine_observer = backfill ? backfill->observer() : observer;
  codec.set_send_log(backfill ? &backfill->send_log() : nullptr);  // the checkpoint logs each batch before it is sent

  auto config = engine_config(options, setup);
  if (!backfill) {
    config.shape = load_shape(s, config.arrivals_per_second, options.shard.count, setup.zone, clock.system_now());
    shared.configure([&](metrics::RunMetrics& run) {
      run.stages = stage_rows(config.shape.get());
      run.requested_visit_rate = shaped_average(config.shape.get()).value_or(run.requested_visit_rate);
    });
  }
  auto rate_scale = std::make_shared<std::atomic<double>>(1.0);  // POST /speed (--listen)
  config.rate_scale = rate_scale;
  if (backfill) {
    backfill->configure(config);
    // Backfill paces by BACKFILL_RPS_LIMIT (or as fast as CONCURRENCY allows), not by
    // TARGET_VISITS_PER_DAY: report the rate the engine was actually asked for.
    // Without BACKFILL_RPS_LIMIT it runs as fast as CONCURRENCY allows: no rate was requested.
    const double requested = s.backfill_rps_limit ? config.arrivals_per_second : 0.0;
    shared.configure([&](metrics::RunMetrics& run) { run.requested_visit_rate = requested; });
  }
  delivery::DeliverySession session(s, shared, clock);
  auto& engine =
    session.start_engine(config, flow_source, engine_observer, s.bulk > 0 ? &codec : nullptr,
                         options.dry_run ? delivery::make_dry_run_transport() : engine::TransportFactory{});

  session.handle_signals();
  session.watch(delivery::speed_hook(rate_scale, s.speed, config.arrivals_per_second, shared));
  print_run_banner(setup, options, config, clock);
  if (backfill) {
    backfill->print_banner();
  }
  if (!wait_for_start_signal(s, clock)) {
    return static_cast<int>(ExitCode::interrupted);
  }
  if (start_at) {
    const auto late = wait_for_start_at(*start_at, s.report_interval, clock);
    if (!late) {
      return static_cast<int>(ExitCode::interrupted);
    }
    shared.configure([&](metrics::RunMetrics& run) {
      run.start_late_ms = *late;
      run.started = clock.system_now();
    });
  }

  std::atomic<bool> aborted{false};
  auto reporting = delivery::reporter_options(s, options.quiet, options.metrics_file);
  if (s.abort_on_fail && !thresholds.empty()) {
    reporting.watch = [&](const metrics::Snapshot& now) {
      if (!aborted && delivery::abort_check(thresholds, now, clock)) {
        aborted = true;
        engine.request_stop();
      }
    };
  }
  reporting.bound.visits =
    backfill ? backfill->planned_visits() : static_cast<std::uint64_t>(config.max_arrivals.value_or(0));
  reporting.bound.duration = config.duration.value_or(Millis{0});
  if (const auto end = config.shape ? config.shape->end() : std::nullopt) {
    const Millis shape_end{static_cast<long long>(*end * 1000.0)};
    reporting.bound.duration = config.duration ? std::min(*config.duration, shape_end) : shape_end;
  }
  const bool color = reporting.color;
  observer.time_stages(clock.steady_now());
  const auto result = session.run(std::move(reporting));
  const bool dead_letters_saved = delivery::finish_dead_letters(dead_letters, clock);

  const auto final_snapshot = session.final_snapshot(result, thresholds, dead_letters.unsaved());
  if (codec.invalid() > 0) {
    delivery::log_line(fmt::format("warning: bulk answers counted {} hit(s) invalid", codec.invalid()), clock);
  }
  const bool backfill_complete = !backfill || backfill->finish();
  delivery::SessionOutputs outputs;
  outputs.summary_json = options.summary_json;
  outputs.metrics_file = options.metrics_file;
  outputs.report_html = options.report_html;
  outputs.summary_fields = run_summary_fields(options, setup, backfill.get());
  session.write_outputs(options.dry_run ? dry_run_summary(final_snapshot, setup)
                                        : report::render_health_table(final_snapshot, color, delivery::table_width()),
                        final_snapshot, outputs);
  int code = session.finish(result, final_snapshot);
  if (aborted && code == static_cast<int>(ExitCode::interrupted)) {
    code = static_cast<int>(ExitCode::thresholds_failed);  // stopped by --abort-on-fail, not by a signal
  }
  if (!dead_letters_saved) {
    return static_cast<int>(ExitCode::runtime);  // hits were given up and not saved anywhere
  }
  // A backfill that left visits undelivered has not done its job, even under the thresholds.
  return !backfill_complete && code == static_cast<int>(ExitCode::success)
    ? static_cast<int>(ExitCode::thresholds_failed)
    : code;
}

}  // namespace tf::app
