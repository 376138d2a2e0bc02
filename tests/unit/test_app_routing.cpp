// One routing rule for every source: `run` (delivery::VisitSource) and its backfill
// (app::BackfillSource) send a visitor to the same target(s) for the same targets and seed,
// because both route by routing::route_key, the visitor's key.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "app/backfill_checkpoint.hpp"
#include "app/backfill_run.hpp"
#include "app/run_setup.hpp"
#include "delivery/dead_letter.hpp"
#include "delivery/run_observer.hpp"
#include "delivery/visit_flow.hpp"
#include "temp_dir.hpp"

namespace {

using namespace tf;

/// Targets (by index) each visitor id was sent to, and which visitors were fresh.
struct RouteLog final : delivery::FlowSink {
  std::map<std::string, std::set<std::size_t>> targets;
  std::set<std::string> fresh;
  void on_generated(const delivery::VisitFlow&) override {}
  /// Records the flows of one arrival; false after the last.
  bool record(const std::optional<std::vector<std::unique_ptr<engine::Flow>>>& flows) {
    if (!flows) {
      return false;
    }
    for (const auto& flow : *flows) {
      const auto& visitor = static_cast<const delivery::VisitFlow&>(*flow).visit().visitor;
      targets[visitor.id].insert(flow->target());
      if (!visitor.pooled) {
        fresh.insert(visitor.id);
      }
    }
    return true;
  }
};

config::TargetsConfig three_targets(routing::Strategy strategy) {
  config::TargetsConfig t;
  t.strategy = strategy;
  const int weights[] = {60, 30, 10};
  for (int i = 0; i < 3; ++i) {
    config::TargetSpec spec;
    spec.name = "t" + std::to_string(i);
    spec.url = "http://127.0.0.1:9/matomo.php";
    spec.site_id = i + 1;
    spec.token_auth = "0123456789abcdef0123456789abcde" + std::to_string(i);
    spec.weight = weights[i];
    t.targets.push_back(spec);
  }
  return t;
}

config::Settings routed_settings(routing::Strategy strategy) {
  config::Settings s;
  s.targets = three_targets(strategy);
  s.timezone = "UTC";
  s.seed = 17;
  s.returning_visitor_probability = 0.4;
  s.returning_visitor_pool = 20;
  s.backfill_start_date = "2023-10-02";
  s.backfill_end_date = "2023-10-03";
  s.backfill_max_visits_per_day = 150;
  s.backfill_daily_variation = 0;
  return s;
}

/// The first `visits` visits of a realtime run.
RouteLog realtime_routes(const config::Settings& settings, int visits) {
  FakeClock clock;
  auto setup = app::prepare_run(settings, clock);
  RouteLog log;
  delivery::VisitSource source(*setup.generator, *setup.router, setup.targets, setup.zone, clock, {}, log,
                               setup.dating.get());
  for (int i = 0; i < visits; ++i) {
    REQUIRE(log.record(source.next_arrival(clock.steady_now())));
  }
  return log;
}

/// Every visit of the backfill window.
RouteLog backfill_routes(config::Settings settings) {
  settings.backfill_enabled = true;
  FakeClock clock;
  auto setup = app::prepare_run(settings, clock);
  const auto plan = app::make_backfill_plan(settings, setup.zone, setup.seed, clock.system_now());
  app::Checkpoint checkpoint("", {setup.seed, plan.options().window.label(), "UTC", plan.total_visits(), {}},
                             std::nullopt);
  metrics::SharedMetrics shared(app::initial_metrics(setup, {}, clock));
  testing::TempDir dir;
  delivery::DeadLetterWriter dead_letters(dir.file("dead.ndjson"), delivery::RunId{});
  delivery::RunObserver observer(shared, dead_letters, app::target_names(setup), clock);
  app::BackfillTracker tracker(observer, checkpoint, clock);
  app::BackfillSource source(*setup.generator, plan, *setup.router, setup.targets, setup.zone, clock, {}, checkpoint,
                             tracker, false);
  RouteLog log;
  while (log.record(source.next_arrival(clock.steady_now()))) {
  }
  return log;
}

}  // namespace

TEST_CASE("run and backfill share one routing rule: a visitor goes to the same target(s) in both", "[app]") {
  for (const auto strategy : {routing::Strategy::weighted, routing::Strategy::mirror, routing::Strategy::round_robin}) {
    INFO("strategy " << routing::to_string(strategy));
    const auto settings = routed_settings(strategy);
    const RouteLog run = realtime_routes(settings, 300);
    const RouteLog backfill = backfill_routes(settings);
    int common = 0, common_fresh = 0;
    std::set<std::size_t> used;
    for (const auto& [id, targets] : run.targets) {
      used.insert(targets.begin(), targets.end());
      const auto other = backfill.targets.find(id);
      if (other == backfill.targets.end()) {
        continue;
      }
      INFO("visitor " << id);
      CHECK(targets == other->second);
      ++common;
      common_fresh += run.fresh.count(id) > 0 && backfill.fresh.count(id) > 0 ? 1 : 0;
    }
    // Both kinds of visitor meet in both modes: the pool's, and fresh ones (visit i's own).
    CHECK(common - common_fresh >= 10);
    CHECK(common_fresh >= 50);
    CHECK(used == std::set<std::size_t>{0, 1, 2});
    if (strategy == routing::Strategy::mirror) {
      CHECK(run.targets.begin()->second.size() == 3);
    }
  }
}
