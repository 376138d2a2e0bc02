#include "app/run_setup.hpp"

#include <algorithm>
#include <random>

#include <date/tz.h>
#include <fmt/format.h>

#include "config/referenced_files.hpp"
#include "delivery/run_observer.hpp"
#include "util/error.hpp"

namespace tf::app {

namespace {

std::uint64_t random_seed() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32U) ^ device();
}

}  // namespace

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
    delivery::TargetContext context{t.name,   t.url, t.site_id, t.token_auth, false, settings.user_agent_header,
                                    t.network};
    context.send_cip = settings.randomize_visitor_countries && !t.token_auth.empty();
    setup.targets.push_back(std::move(context));
  }
  setup.health = std::make_unique<delivery::TargetHealth>(targets.targets.size());
  setup.router = std::make_unique<routing::Router>(targets, setup.health.get());
  // URLS_FILE and FUNNEL_CONFIG_PATH as config::load parsed them.
  setup.generator = std::make_unique<model::VisitGenerator>(settings, *config::url_catalogue_of(settings),
                                                            config::funnels_of(settings), setup.seed);
  return setup;
}

std::vector<std::string> target_names(const RunSetup& setup) {
  std::vector<std::string> names;
  for (const auto& t : setup.targets) {
    names.push_back(t.name);
  }
  return names;
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
  if (setup.strategy == routing::Strategy::mirror) {
    const auto targets = config::effective_targets(options.settings).targets;
    per_arrival =
      static_cast<std::size_t>(std::count_if(targets.begin(), targets.end(), [](const auto& t) { return t.enabled; }));
  }
  run.requested_visit_rate = options.settings.target_visits_per_day / 86400.0 * options.settings.speed /
    options.shard.count * static_cast<double>(per_arrival);
  return run;
}

void print_run_banner(const RunSetup& setup, const RunOptions& options, const engine::EngineConfig& config,
                      const Clock& clock) {
  std::string targets;
  for (const auto& t : setup.targets) {
    targets += (targets.empty() ? "" : ", ") + t.name;
  }
  delivery::log_line(
    fmt::format("seed {}{}; {:.3f} visits/s; concurrency {}; {}; targets: {} ({}){}", setup.seed,
                setup.seed_given ? "" : " (random)", config.arrivals_per_second, config.max_flows_in_progress,
                config.bulk > 0 ? fmt::format("bulk {}", config.bulk) : std::string("single hits"), targets,
                routing::to_string(setup.strategy), options.dry_run ? "; dry run: nothing sent" : ""),
    clock);
}

nlohmann::json timestamps_summary(const RunSetup& setup, bool backfill) {
  if (backfill) {
    return {{"derived", "model"}, {"note", "the model's timeline, each visit placed in the backfill window"}};
  }
  const std::uint64_t later = setup.dating->later_hits(), clipped = setup.dating->clipped();
  const char* derived = clipped == 0 ? "model" : clipped == later ? "send_time" : "model_or_send_time";
  return {{"derived", derived},
          {"later_hits", later},
          {"clipped_to_send_time", clipped},
          {"note",
           "a visit's first hit is dated at its send time; a later hit at the first hit's time "
           "plus the model's dwell, or at its own send time when the real pause "
           "(PAUSE_BETWEEN_PVS_*) was shorter (clipped), so no hit is dated in the future; "
           "each strictly after the visitor's previous hit"}};
}

}  // namespace tf::app
