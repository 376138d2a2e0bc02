#pragma once
// The pieces `run` (and its backfill) assemble before the engine starts: seed, targets, time
// zone, catalogue, funnels, generator and router.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "config/settings.hpp"
#include "delivery/target_health.hpp"
#include "delivery/visit_flow.hpp"
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
  std::vector<delivery::TargetContext> targets;
  routing::Strategy strategy = routing::Strategy::round_robin;
  const date::time_zone* zone = nullptr;
  std::unique_ptr<model::VisitGenerator> generator;
  /// The targets' circuits: the engine's loops write them (EngineConfig::circuits = board()), the
  /// router reads them. Made before both.
  std::unique_ptr<delivery::TargetHealth> health;
  std::unique_ptr<routing::Router> router;
  /// How realtime hits were dated (the summary's "timestamps"); unused by backfill.
  std::unique_ptr<delivery::RealtimeDating> dating = std::make_unique<delivery::RealtimeDating>();
};

/// Resolves the seed, targets, time zone, catalogue and funnels; throws tf::Error on bad input.
RunSetup prepare_run(const config::Settings& settings, const Clock& clock);
std::vector<std::string> target_names(const RunSetup& setup);
metrics::RunMetrics initial_metrics(const RunSetup& setup, const RunOptions& options, const Clock& clock);
/// The summary's "timestamps" object: how the hits' times (cdt, h/m/s) were derived.
nlohmann::json timestamps_summary(const RunSetup& setup, bool backfill);
void print_run_banner(const RunSetup& setup, const RunOptions& options, const engine::EngineConfig& config,
                      const Clock& clock);
}  // namespace tf::app
