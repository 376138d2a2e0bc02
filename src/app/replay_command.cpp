// `trafficinator replay FILE`: dead-letter file → visits → engine → the same table as `run`.
#include "app/replay_command.hpp"

#include <algorithm>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "app/replay_flow.hpp"
#include "app/replay_marker.hpp"
#include "app/replay_progress.hpp"
#include "delivery/console.hpp"
#include "delivery/run_observer.hpp"
#include "delivery/session.hpp"
#include "delivery/verdict.hpp"
#include "engine/admission.hpp"
#include "report/health_table.hpp"
#include "util/error.hpp"
#include "util/file_lock.hpp"

namespace tf::app {

namespace {

/// Arrivals "as fast as CONCURRENCY allows": far above any rate the loop can start visits at.
constexpr double k_replay_arrivals_per_second = 1e6;

/// Each target reserves the share of CONCURRENCY its visits have in the file, so a slow target
/// does not hold back the replay of the others.
engine::EngineConfig engine_config(const config::Settings& s, const ReplayTargets& plan) {
  engine::EngineConfig config = delivery::delivery_config(s, plan.contexts);
  std::vector<double> shares(plan.contexts.size(), 0.0);
  for (const std::size_t target : plan.visit_targets) {
    shares[target] += 1.0;
  }
  for (auto& share : shares) {
    share /= static_cast<double>(std::max<std::size_t>(1, plan.visit_targets.size()));
  }
  engine::reserve_shares(config, shares);
  config.arrivals_per_second = k_replay_arrivals_per_second;
  config.max_arrivals = static_cast<long long>(plan.visit_targets.size());
  config.seed = s.seed.value_or(0);
  return config;
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  return std::filesystem::weakly_canonical(a, ec) == std::filesystem::weakly_canonical(b, ec);
}

void check_not_replayed(const ReplayOptions& options, const delivery::DeadLetterFile& file) {
  const auto marker = marker_path(options.file);
  const auto when = replayed_at(marker, file.hash);
  if (when && !options.force) {
    throw Error(fmt::format("{} was already replayed at {} (marker {}); Matomo records replayed hits "
                            "again, so it is not resent: use --force to replay it anyway",
                            options.file, *when, marker));
  }
}

metrics::RunMetrics initial_replay_metrics(const ReplayTargets& plan, const config::Settings& s, const Clock& clock) {
  metrics::RunMetrics run;
  for (const auto& t : plan.contexts) {
    run.target(t.name);
  }
  run.seed = s.seed.value_or(0);
  run.started = clock.system_now();
  run.threads = static_cast<unsigned>(std::max(1, s.threads));
  return run;
}

/// The replay's progress log; a replay of this content before (the marker) is resumed from it:
/// its settled lines are left out, and so are its lines in flight at a crash unless
/// --include-unconfirmed. A replay that settled every line is refused (check_not_replayed).
std::unique_ptr<ReplayProgress> start_progress(const ReplayOptions& options, delivery::DeadLetterFile& file,
                                               const Clock& clock) {
  std::error_code ec;
  const bool resume = !options.force && replayed_at(marker_path(options.file), file.hash).has_value();
  if (resume && !std::filesystem::exists(options.file + ".progress", ec)) {
    check_not_replayed(options, file);  // an older replay, without a progress log: refused
  }
  auto progress = std::make_unique<ReplayProgress>(options.file, resume);
  if (!resume) {
    return progress;
  }
  const auto resumed = resume_replay(file, *progress, options.include_unconfirmed);
  if (file.hits == 0 && resumed.in_flight_skipped == 0) {
    check_not_replayed(options, file);
  }
  delivery::log_line(fmt::format("resuming an interrupted replay of {}: {} line(s) settled before are not resent; {} "
                                 "line(s) in flight when it stopped {}",
                                 options.file, resumed.settled, resumed.in_flight_skipped + resumed.in_flight_resent,
                                 options.include_unconfirmed
                                   ? "are resent (--include-unconfirmed; possible duplicates)"
                                   : "are left out (Matomo may hold them: --include-unconfirmed "
                                     "resends them)"),
                     clock);
  return progress;
}

}  // namespace

std::string replay_output_path(const ReplayOptions& options) {
  const auto it = options.settings.origins.find("DEAD_LETTER_FILE");
  if (it != options.settings.origins.end() && it->second.layer == config::Layer::command_line &&
      !options.settings.dead_letter_file.empty()) {
    return options.settings.dead_letter_file;
  }
  return options.file + ".failed";
}

int replay_command(const ReplayOptions& options, const ReplaySeams& seams) {
  const auto& s = options.settings;
  const auto& clock = seams.clock;
  const LockFile run_lock(s.lock_file);
  delivery::DeadLetterFile file =
    delivery::read_dead_letter_file(options.file, delivery::ReplaySelection{options.include_unconfirmed});
  const std::string output = replay_output_path(options);
  if (same_file(output, options.file)) {
    throw Error(fmt::format("--dead-letter: the output {} is the file being replayed; choose another file", output));
  }
  auto progress = start_progress(options, file, clock);
  if (file.skipped_unconfirmed > 0) {
    delivery::log_line(fmt::format("{} hit(s) marked maybe_recorded are not resent (Matomo may have recorded them): "
                                   "--include-unconfirmed resends them",
                                   file.skipped_unconfirmed),
                       clock);
  }
  if (file.hits == 0) {
    delivery::log_line(fmt::format("{} holds no hits: nothing to replay", options.file), clock);
    return static_cast<int>(ExitCode::success);
  }
  const ReplayTargets plan = resolve_replay_targets(s, file, clock.system_now());
  delivery::check_outputs_writable({options.summary_json, options.report_html});

  metrics::SharedMetrics shared(initial_replay_metrics(plan, s, clock));
  std::vector<std::string> names;
  for (const auto& t : plan.contexts) {
    names.push_back(t.name);
  }
  delivery::DeadLetterWriter dead_letters(output, delivery::current_run(s.seed.value_or(0), clock));
  ReplayObserver observer(shared, dead_letters, names, clock);
  ReplaySource source(file.visits, plan.visit_targets, plan.contexts, observer);
  source.set_send_log(progress.get());
  const auto tracked = progress_observer(observer, *progress);
  delivery::BulkCodec codec(plan.contexts);
  codec.set_send_log(progress.get());
  const auto thresholds = delivery::user_thresholds(s);
  delivery::DeliverySession session(s, shared, clock);
  session.start_engine(engine_config(s, plan), source, *tracked, s.bulk > 0 ? &codec : nullptr, seams.transport);

  write_marker(marker_path(options.file), file, clock.system_now());
  progress->open();
  delivery::warn_insecure(s, clock);
  delivery::log_line(fmt::format("replaying {} hit(s) of {} visit(s) from {}; still failing hits go to {}", file.hits,
                                 file.visits.size(), options.file, output),
                     clock);
  session.watch();
  std::optional<delivery::ReporterOptions> reporting;
  if (seams.interactive) {
    session.handle_signals();
    reporting = delivery::reporter_options(s, false, "");
  }
  const bool color = seams.interactive && delivery::reporter_options(s, false, "").color;
  const auto result = session.run(std::move(reporting));
  for (std::size_t i = source.taken(); i < file.visits.size(); ++i) {
    observer.on_not_taken(file.visits[i], source.target_of(i));
    for (const auto& hit : file.visits[i].hits) {
      progress->settle(hit.line);  // written to the output
    }
  }
  const bool dead_letters_saved = dead_letters.flush();

  const auto final_snapshot = session.final_snapshot(result, thresholds, dead_letters.unsaved());
  delivery::SessionOutputs outputs;
  outputs.summary_json = options.summary_json;
  outputs.report_html = options.report_html;
  outputs.table_out = seams.table_out;
  session.write_outputs(
    report::render_health_table(final_snapshot, color, seams.table_out == stdout ? delivery::table_width() : 0),
    final_snapshot, outputs);
  delivery::log_line(fmt::format("{} hit(s) still failing written to {}", dead_letters.lines(), output), clock);
  if (!dead_letters_saved) {
    delivery::log_line(fmt::format("error: {} hit(s) could not be saved to {}: {}", dead_letters.unsaved(), output,
                                   dead_letters.error()),
                       clock);
  }
  const int code = session.finish(result, final_snapshot);
  return dead_letters_saved ? code : static_cast<int>(ExitCode::runtime);
}

int replay_command(const ReplayOptions& options) {
  SystemClock clock;
  return replay_command(options, ReplaySeams{clock, {}, true, stdout});
}

}  // namespace tf::app
