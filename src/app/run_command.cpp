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
#include "app/console.hpp"
#include "app/dead_letter.hpp"
#include "app/load_shapes.hpp"
#include "app/reporter.hpp"
#include "app/run_observer.hpp"
#include "app/run_setup.hpp"
#include "app/run_watch.hpp"
#include "app/signals.hpp"
#include "app/start_at.hpp"
#include "app/verdict.hpp"
#include "app/visit_flow.hpp"
#include "engine/engine.hpp"
#include "report/health_table.hpp"
#include "report/prometheus.hpp"
#include "report/summary_json.hpp"
#include "util/error.hpp"
#include "util/file_lock.hpp"

namespace tf::app {

namespace {

engine::EngineConfig engine_config(const RunOptions& options, const RunSetup& setup) {
  const auto& s = options.settings;
  engine::EngineConfig config = delivery_config(s, setup.targets);
  // Each target reserves the share of CONCURRENCY its routing gives it.
  engine::reserve_shares(config, setup.router->shares());
  config.arrivals_per_second = s.target_visits_per_day / 86400.0 * s.speed / options.shard.count;
  if (options.duration) {
    config.duration = *options.duration;
  } else if (s.auto_stop_after_hours > 0) {
    config.duration = Millis{static_cast<long long>(s.auto_stop_after_hours * 3600e3)};
  }
  if (options.visits) {
    config.max_arrivals = shard_share(*options.visits, options.shard);
  }
  config.rolling_cap_per_day = s.max_total_visits;
  config.seed = mix_keys(setup.seed, 0x656e67696e65ULL, static_cast<std::uint64_t>(options.shard.index));
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
  log_line(fmt::format("waiting for the start signal file {}", s.start_signal_file), clock);
  const auto period = Millis{static_cast<long long>(s.start_check_interval * 1000)};
  while (SignalScope::stop_requests() == 0) {
    std::error_code ec;
    if (std::filesystem::exists(s.start_signal_file, ec)) {
      std::filesystem::remove(s.start_signal_file, ec);
      log_line("start signal found", clock);
      return true;
    }
    std::this_thread::sleep_for(std::min(period, Millis{200}));
  }
  return false;
}

} // namespace

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
  warn_insecure(options.settings, clock);
  const auto& s = options.settings;
  const auto thresholds = user_thresholds(s);
  check_outputs_writable(options);

  metrics::SharedMetrics shared(initial_metrics(setup, options, clock));
  DeadLetterWriter dead_letters(s.dead_letter_file, current_run(setup.seed, clock));
  RunObserver observer(shared, dead_letters, target_names(setup), clock);
  VisitSource source(*setup.generator, *setup.router, setup.targets, setup.zone, clock, options.shard, observer,
                     setup.dating.get());
  BulkCodec codec(setup.targets);
  auto backfill = s.backfill_enabled ? std::make_unique<BackfillRun>(options, setup, observer, clock) : nullptr;
  engine::FlowSource& flow_source = backfill ? backfill->source() : source;
  engine::Observer& engine_observer = backfill ? backfill->observer() : observer;
  codec.set_send_log(backfill ? &backfill->send_log() : nullptr);  // the checkpoint logs each batch before it is sent

  auto config = engine_config(options, setup);
  if (!backfill) {
    config.shape = load_shape(s, config.arrivals_per_second, options.shard.count, setup.zone, clock.system_now());
    shared.update([&](metrics::RunMetrics& run) {
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
    shared.update([&](metrics::RunMetrics& run) { run.requested_visit_rate = requested; });
  }
  auto transport = options.dry_run ? make_dry_run_transport() : engine::TransportFactory{};
  auto engine = transport ? std::make_unique<engine::Engine>(config, flow_source, engine_observer, s.bulk > 0 ? &codec : nullptr, clock, transport)
                          : std::make_unique<engine::Engine>(config, flow_source, engine_observer, s.bulk > 0 ? &codec : nullptr, clock);
  source.set_engine(engine.get());
  if (backfill) {
    backfill->set_engine(engine.get());
  }

  SignalScope signals(engine_signal_hooks(*engine));
  auto snapshot = [&] { return merged_snapshot(shared, *engine, clock); };
  RunWatch watch(s, redacted_config(s),
                 {snapshot, [&] { engine->request_stop(); },
                  speed_hook(rate_scale, s.speed, config.arrivals_per_second, shared)},
                 clock);
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
    shared.update([&](metrics::RunMetrics& run) {
      run.start_late_ms = *late;
      run.started = clock.system_now();
    });
  }

  std::atomic<bool> aborted{false};
  auto reporting = reporter_options(options);
  if (s.abort_on_fail && !thresholds.empty()) {
    reporting.watch = [&](const metrics::Snapshot& now) {
      if (!aborted && abort_check(thresholds, now, clock)) {
        aborted = true;
        engine->request_stop();
      }
    };
  }
  reporting.bound.visits = backfill ? backfill->planned_visits() : static_cast<std::uint64_t>(config.max_arrivals.value_or(0));
  reporting.bound.duration = config.duration.value_or(Millis{0});
  if (const auto end = config.shape ? config.shape->end() : std::nullopt) {
    const Millis shape_end{static_cast<long long>(*end * 1000.0)};
    reporting.bound.duration = config.duration ? std::min(*config.duration, shape_end) : shape_end;
  }
  Reporter reporter(reporting, snapshot, clock);
  reporter.start();
  observer.time_stages(clock.steady_now());
  watch.start();
  const auto result = engine->run();
  reporter.stop();
  const bool dead_letters_saved = finish_dead_letters(dead_letters, clock);

  auto final_snapshot = snapshot();
  final_snapshot.stop_reason = engine::to_string(result.reason);
  final_snapshot.thresholds = judge(final_snapshot, s.max_failure_rate, thresholds);
  final_snapshot.dead_letter_unsaved = dead_letters.unsaved();
  watch.finish(final_snapshot);
  if (codec.invalid() > 0) {
    log_line(fmt::format("warning: bulk answers counted {} hit(s) invalid", codec.invalid()), clock);
  }
  const bool color = reporter_options(options).color;
  const auto table = options.dry_run ? dry_run_summary(final_snapshot, setup) : report::render_health_table(final_snapshot, color, table_width());
  print_table(table);
  const bool backfill_complete = !backfill || backfill->finish();
  write_outputs(options, setup, final_snapshot);
  if (backfill && !options.summary_json.empty()) {
    backfill->amend_summary_file(options.summary_json);
  }
  watch.linger(final_snapshot, report::summary_to_json(final_snapshot, redacted_config(s)));
  int code = finish_delivery(result, final_snapshot, clock);
  if (aborted && code == static_cast<int>(ExitCode::interrupted)) {
    code = static_cast<int>(ExitCode::thresholds_failed);  // stopped by --abort-on-fail, not by a signal
  }
  if (!dead_letters_saved) {
    return static_cast<int>(ExitCode::runtime);  // hits were given up and not saved anywhere
  }
  // A backfill that left visits undelivered has not done its job, even under the thresholds.
  return !backfill_complete && code == static_cast<int>(ExitCode::success) ? static_cast<int>(ExitCode::thresholds_failed)
                                                                             : code;
}

} // namespace tf::app
