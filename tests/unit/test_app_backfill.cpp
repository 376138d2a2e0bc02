// Backfill in `run`: the checkpoint (watermark, shards, identity, atomic file), the arrival rate
// from BACKFILL_RPS_LIMIT, and whole backfills through the engine on a fake transport: complete,
// incomplete after a failed hit, and resumed from the checkpoint without sending a visit twice.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include <nlohmann/json.hpp>

#include "backfill_harness.hpp"
#include "error_of.hpp"

using tf::testing::error_of;

using namespace tf;
using namespace tf::testing::backfill;
using tf::engine::testing::Answer;
using tf::testing::read_file;
using tf::testing::TempDir;

TEST_CASE("a checkpoint's watermark advances over completed visits, in any completion order", "[app]") {
  app::Checkpoint c("", identity(), std::nullopt);
  c.complete(2);
  c.complete(1);
  CHECK(c.watermark() == 0);
  CHECK(c.done(2));
  CHECK_FALSE(c.done(0));
  c.complete(0);
  CHECK(c.watermark() == 3);
  c.complete(5);
  c.complete(5);
  CHECK(c.completed() == 4);
  const auto j = c.to_json();
  CHECK(j["watermark"] == 3);
  CHECK(j["completed"] == nlohmann::json::array({5}));
  CHECK(j["completed_visits"] == 4);
}

TEST_CASE("a sharded checkpoint steps its watermark over the other shards' visits", "[app]") {
  app::Checkpoint c("", identity({1, 3}), std::nullopt);  // visits 1, 4, 7, …
  c.complete(4);
  CHECK(c.watermark() == 0);
  c.complete(1);
  CHECK(c.watermark() == 5);
  CHECK(c.done(1));
  CHECK(c.done(4));
  CHECK_FALSE(c.done(7));
  CHECK(c.completed() == 2);
}

TEST_CASE("a checkpoint file is written atomically and resumes the same backfill only", "[app]") {
  TempDir dir;
  const auto path = dir.file("cp.json");
  CHECK_FALSE(app::read_checkpoint(path).has_value());
  {
    app::Checkpoint c(path, identity(), std::nullopt);
    c.complete(0);
    c.complete(1);
    c.complete(3);
    c.partial(2, 1, 4);
    c.partial(3, 0, 2);  // complete already: ignored
    c.save();
  }
  const auto content = app::read_checkpoint(path);
  REQUIRE(content.has_value());
  CHECK(app::checkpoint_seed(*content) == 11);
  {
    app::Checkpoint resumed(path, identity(), content);
    CHECK(resumed.done(1));
    CHECK_FALSE(resumed.done(2));
    CHECK(resumed.done(3));
    CHECK(resumed.completed() == 3);
    CHECK(resumed.sent(2, 1) == 4);
    CHECK(resumed.sent(2, 0) == 0);
    CHECK(resumed.sent(3, 0) == 0);
    CHECK(content->at("partial") == nlohmann::json::parse("[[2, 1, 4]]"));
    resumed.complete(2);
    CHECK(resumed.sent(2, 1) == 0);
    CHECK(resumed.watermark() == 4);
    // one user of a checkpoint at a time: FILE.lock is held while it is in use
    CHECK(error_of([&] { app::Checkpoint(path, identity(), content); }) == path + " is locked by another process");
  }

  auto other = identity();
  other.window = "2025-03-01..2025-03-04";
  CHECK(error_of([&] { app::Checkpoint(path, other, content); }) ==
        "--checkpoint " + path +
          ": written for another backfill: window \"2025-03-01..2025-03-03\" there, "
          "\"2025-03-01..2025-03-04\" now (delete the file to start over)");
  CHECK(error_of([&] {
          app::Checkpoint(path, identity({0, 2}), content);
        }) ==
        "--checkpoint " + path +
          ": written for another backfill: shard \"0/1\" there, \"0/2\" now (delete the file to start over)");

  std::ofstream(dir.file("bad.json")) << "{\"visits\": 3}";
  CHECK(error_of([&] { app::read_checkpoint(dir.file("bad.json")); }) ==
        "--checkpoint " + dir.file("bad.json") +
          ": not a trafficinator checkpoint (expected a JSON object with \"trafficinator_checkpoint\": 1)");
}

TEST_CASE("BACKFILL_RPS_LIMIT is requests per second: visits/s = RPS × hits per request / hits per visit", "[app]") {
  config::Settings s;  // 3–6 pageviews, extra actions 0.75, the ping: 6.25 hits per visit
  CHECK(app::expected_hits_per_visit(s) == Approx(6.25));
  CHECK(app::backfill_arrival_rate(s, {}) == Approx(1e6));
  s.backfill_rps_limit = 10;
  CHECK(app::backfill_arrival_rate(s, {}) == Approx(1.6));
  s.bulk = 100;
  CHECK(app::backfill_arrival_rate(s, {}) == Approx(160));
  CHECK(app::backfill_arrival_rate(s, {0, 4}) == Approx(40));
}

// BULK 100 and CONCURRENCY for a backfill are config rules (test_config_derived.cpp).
TEST_CASE("backfill run options: delivery settings as loaded, seed from BACKFILL_SEED or the checkpoint", "[app]") {
  app::RunOptions o;
  o.settings.backfill_seed = 9;
  auto b = app::backfill_run_options(o);
  CHECK(b.settings.bulk == 0);
  CHECK(b.settings.seed == std::optional<std::uint64_t>(9));

  o.settings.bulk = 20;
  o.settings.origins["BULK"] = {config::Layer::command_line, "--bulk", 0};
  o.settings.concurrency = 30;
  o.settings.origins["CONCURRENCY"] = {config::Layer::environment, "environment", 0};
  o.settings.seed = 4;
  b = app::backfill_run_options(o);
  CHECK(b.settings.bulk == 20);
  CHECK(b.settings.concurrency == 30);
  CHECK(b.settings.seed == std::optional<std::uint64_t>(4));

  TempDir dir;
  app::Checkpoint c(dir.file("cp.json"), identity(), std::nullopt);
  c.save();
  app::RunOptions r;
  r.checkpoint_file = dir.file("cp.json");
  CHECK(app::backfill_run_options(r).settings.seed == std::optional<std::uint64_t>(11));
}

TEST_CASE("a backfill delivers every planned visit with cdt inside its day and no real pauses", "[app]") {
  TempDir dir;
  BackfillHarness h;
  h.run(backfill_options(dir.file("cp.json")));
  CHECK(h.complete);
  CHECK(h.summary["complete"] == true);
  CHECK(h.summary["visits_planned"] == 24);
  CHECK(h.summary["visits_completed"] == 24);
  CHECK(h.summary["incomplete_days"] == nlohmann::json::array());
  REQUIRE(h.requests.size() > 24 * 3);
  const long long day1 = 1'696'204'800;  // 2023-10-02T00:00:00Z
  std::set<std::string> new_visits;
  for (const auto& r : h.requests) {
    REQUIRE(r.post);
    const auto cdt = std::stoll(form_value(r.body, "cdt"));
    CHECK(cdt >= day1);
    CHECK(cdt < day1 + 2 * 86400);
    CHECK(form_value(r.body, "token_auth") == "0123456789abcdef0123456789abcdef");
  }
  const auto saved = nlohmann::json::parse(read_file(dir.file("cp.json")));
  CHECK(saved["watermark"] == 24);
  CHECK(saved["completed_visits"] == 24);
}

TEST_CASE("a failed hit leaves its visit and day incomplete; the rerun sends only that visit's unsent hits", "[app]") {
  TempDir dir;
  auto [options, total_requests] = single_visits(dir.file("cp.json"));

  BackfillHarness first;
  first.answer = [](std::size_t call) { return call == 30 ? Answer{400, engine::ErrorKind::http_4xx} : Answer{}; };
  first.run(options);
  CHECK_FALSE(first.complete);
  CHECK(first.summary["visits_completed"] == 23);
  REQUIRE(first.summary["incomplete_days"].size() == 1);
  const auto failed_visit = form_value(first.requests[30].body, "_id");
  const auto partial = nlohmann::json::parse(read_file(dir.file("cp.json")))["partial"];
  REQUIRE(partial.size() == 1);  // the failed visit's hits before the failed one were acked
  CHECK(partial[0][1] == 0);
  CHECK(partial[0][2] > 0);

  BackfillHarness second;
  second.run(options);
  CHECK(second.complete);
  CHECK(second.summary["visits_completed"] == 24);
  CHECK(second.summary["resumed_visits"] == 23);
  REQUIRE_FALSE(second.requests.empty());
  for (const auto& r : second.requests) {
    CHECK(form_value(r.body, "_id") == failed_visit);
  }
  // The rerun sends the failed visit from its failed hit on: every hit reaches the target once
  // (the failed one was refused, so it is sent twice but recorded once).
  CHECK(first.requests.size() + second.requests.size() == total_requests + 1);
  CHECK(second.requests.front().body == first.requests[30].body);
}
