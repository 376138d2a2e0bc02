#pragma once
// A backfill through the engine on a fake transport, for the backfill tests (test_app_backfill*.cpp).
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/backfill_checkpoint.hpp"
#include "app/backfill_run.hpp"
#include "app/run_setup.hpp"
#include "delivery/dead_letter.hpp"
#include "delivery/run_observer.hpp"
#include "temp_dir.hpp"
#include "test_engine_support.hpp"
#include "util/error.hpp"

#include "error_of.hpp"

namespace tf::testing::backfill {

using tf::testing::error_of;

using tf::engine::testing::Answer;
using tf::engine::testing::FakeTransport;

inline app::CheckpointIdentity identity(app::Shard shard = {}) {
  return {11, "2025-03-01..2025-03-03", "UTC", 40, shard};
}

/// A two-day backfill (UTC, 2023-10-02 and -03, before FakeClock's "now") on one target.
inline app::RunOptions backfill_options(const std::string& checkpoint) {
  app::RunOptions o;
  auto& s = o.settings;
  s.matomo_url = "http://127.0.0.1:9/matomo.php";
  s.matomo_token_auth = "0123456789abcdef0123456789abcdef";
  s.timezone = "UTC";
  s.backfill_enabled = true;
  s.backfill_start_date = "2023-10-02";
  s.backfill_end_date = "2023-10-03";
  s.backfill_max_visits_per_day = 12;
  s.backfill_daily_variation = 0;
  s.seed = 5;
  s.returning_visitor_probability = 0.5;
  s.returning_visitor_pool = 5;
  o.checkpoint_file = checkpoint;
  return o;
}

/// One backfill run through the engine; `answer(call)` decides each request's answer.
struct BackfillHarness {
  FakeClock clock;
  TempDir dead_letter_dir;
  std::vector<engine::HttpRequest> requests;
  std::function<Answer(std::size_t)> answer = [](std::size_t) { return Answer{}; };
  bool complete = false;
  nlohmann::json summary;

  void run(const app::RunOptions& options) {
    auto setup = app::prepare_run(options.settings, clock);
    metrics::SharedMetrics shared(app::initial_metrics(setup, options, clock));
    delivery::DeadLetterWriter dead_letters(dead_letter_dir.file("dead.ndjson"), delivery::RunId{});
    delivery::RunObserver observer(shared, dead_letters, app::target_names(setup), clock);
    app::BackfillRun backfill(options, setup, observer, clock);
    engine::EngineConfig config;
    config.targets.assign(1, engine::TargetLimits{8});
    config.max_flows_in_progress = 8;
    config.retry.max_retries = 0;
    config.circuits = setup.health->board();
    backfill.configure(config);
    engine::Engine engine(
      config, backfill.source(), backfill.observer(), nullptr, clock, [this](const engine::EngineConfig&) {
        return std::make_unique<FakeTransport>(clock, [this](const engine::HttpRequest& r, std::size_t) {
          requests.push_back(r);
          return answer(requests.size() - 1);
        });
      });
    engine.run();
    complete = backfill.finish();
    summary = backfill.summary();
  }
};

/// The value of `key` in a form body ("a=1&b=2").
inline std::string form_value(const std::string& body, const std::string& key) {
  const auto at = body.find(key + "=");
  if (at == std::string::npos || (at > 0 && body[at - 1] != '&')) {
    return "";
  }
  const auto end = body.find('&', at);
  return body.substr(at + key.size() + 1, end == std::string::npos ? std::string::npos : end - at - key.size() - 1);
}

/// The backfill_options with one visit per visitor id, and the requests the same backfill sends
/// without a checkpoint, all delivered.
inline std::pair<app::RunOptions, std::size_t> single_visits(const std::string& checkpoint) {
  auto options = backfill_options(checkpoint);
  options.settings.returning_visitor_probability = 0;
  auto no_checkpoint = options;
  no_checkpoint.checkpoint_file.clear();
  BackfillHarness all;
  all.run(no_checkpoint);
  return {options, all.requests.size()};
}

}  // namespace tf::testing::backfill
