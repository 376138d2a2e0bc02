// Backfill across a crash: the checkpoint's write-ahead log records every hit handed to the
// transport, so a resume reports the hits a killed run left in flight as unconfirmed
// (dead-lettered maybe_recorded) instead of resending them, unless --retry-unconfirmed.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "backfill_harness.hpp"

using namespace tf;
using namespace tf::testing::backfill;
using tf::testing::read_file;
using tf::testing::TempDir;

namespace {

using Ranges = std::vector<std::tuple<std::size_t, std::size_t, std::size_t>>;

Ranges ranges(const std::vector<app::Checkpoint::InFlight>& in_flight) {
  Ranges out;
  for (const auto& r : in_flight) {
    out.emplace_back(r.target, r.from, r.to);
  }
  return out;
}

/// The lines of an NDJSON file, parsed.
std::vector<nlohmann::json> ndjson(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::istringstream text(read_file(path));
  for (std::string line; std::getline(text, line);) {
    out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

}  // namespace

TEST_CASE("a checkpoint rebuilds the hits handed over and not answered from its write-ahead log", "[app]") {
  TempDir dir;
  const auto path = dir.file("cp.json");
  {
    app::Checkpoint c(path, identity(), std::nullopt);
    c.sending({{2, 0, 0}});
    c.acked(2, 0, 0);
    c.sending({{2, 0, 1}, {3, 0, 0}, {4, 1, 0}});  // one batch: one write
    c.not_recorded(3, 0);  // refused: not recorded, a rerun sends it
    c.save();  // the file holds what is in flight now (visits 2 and 4), the log starts again
    c.sending({{5, 0, 0}});
    c.acked(4, 1, 0);
    c.sending({{4, 1, 1}});
    // then the process dies: nothing more is saved
  }
  const auto content = app::read_checkpoint(path);
  REQUIRE(content.has_value());
  CHECK(content->at("in_flight") == nlohmann::json::parse("[[2, 0, 1, 2], [4, 1, 0, 1]]"));
  app::Checkpoint resumed(path, identity(), content);
  CHECK(ranges(resumed.in_flight(2)) == Ranges{{0, 1, 2}});
  CHECK(ranges(resumed.in_flight(3)).empty());
  CHECK(ranges(resumed.in_flight(4)) == Ranges{{1, 1, 2}});  // hit 1 acked after the save
  CHECK(ranges(resumed.in_flight(5)) == Ranges{{0, 0, 1}});
  CHECK(resumed.sent(2, 0) == 1);
  CHECK(resumed.sent(3, 0) == 0);
  resumed.reported(2, {0, 1, 2});
  CHECK(resumed.sent(2, 0) == 2);  // settled: never sent again
  CHECK(ranges(resumed.in_flight(2)).empty());
}

TEST_CASE("a resumed backfill reports the hits in flight at a crash unconfirmed and never resends them", "[app]") {
  TempDir dir;
  auto [options, total_requests] = single_visits(dir.file("cp.json"));

  // The first run stops short of one visit (its hit 30 is refused); then it "dies" with that
  // hit handed over again and unanswered: the log says so, as a killed run's would.
  BackfillHarness first;
  first.answer = [](std::size_t call) { return call == 30 ? Answer{400, engine::ErrorKind::http_4xx} : Answer{}; };
  first.run(options);
  const auto partial = nlohmann::json::parse(read_file(dir.file("cp.json")))["partial"];
  REQUIRE(partial.size() == 1);
  const auto visit = partial[0][0].get<std::uint64_t>();
  const auto acked = partial[0][2].get<std::size_t>();
  std::ofstream(dir.file("cp.json.wal"), std::ios::app) << "s " << visit << " 0 " << acked + 1 << "\n";

  SECTION("listed, not resent") {
    BackfillHarness second;
    second.run(options);
    CHECK(second.complete);
    CHECK(second.summary["in_flight_at_crash"] == 1);
    CHECK(first.requests.size() + second.requests.size() == total_requests);
    for (const auto& r : second.requests) {
      CHECK(r.body != first.requests[30].body);
    }
    const auto dead = ndjson(second.dead_letter_dir.file("dead.ndjson"));
    REQUIRE(dead.size() == 1);
    CHECK(dead[0]["outcome"] == "unconfirmed");
    CHECK(dead[0]["reason"] == "in-flight-at-crash");
    CHECK(dead[0]["maybe_recorded"] == true);
    CHECK(nlohmann::json::parse(read_file(dir.file("cp.json")))["in_flight"] == nlohmann::json::array());
  }
  SECTION("resent with --retry-unconfirmed") {
    options.settings.retry_unconfirmed = true;
    BackfillHarness second;
    second.run(options);
    CHECK(second.complete);
    CHECK(second.summary["in_flight_at_crash"] == 0);
    REQUIRE_FALSE(second.requests.empty());
    CHECK(second.requests.front().body == first.requests[30].body);
  }
}

TEST_CASE("an ack record is written first in the log's next write, before the visit's next send record", "[app]") {
  TempDir dir;
  const auto path = dir.file("cp.json");
  const auto wal = path + ".wal";
  {
    app::Checkpoint c(path, identity(), std::nullopt);
    c.sending({{2, 0, 0}, {3, 0, 0}});
    c.acked(2, 0, 0);
    c.acked(3, 0, 0);  // a bulk answer's acks: kept for the next write
    CHECK(read_file(wal) == "s 2 0 1\ns 3 0 1\n");
    c.sending({{2, 0, 1}});
    CHECK(read_file(wal) == "s 2 0 1\ns 3 0 1\n2 0 1\n3 0 1\ns 2 0 2\n");
    c.acked(2, 0, 1);
    c.save();  // the file holds the ack: the log starts again, without it
    CHECK(read_file(wal).empty());
    CHECK(app::read_checkpoint(path)->at("partial") == nlohmann::json::parse("[[2, 0, 2], [3, 0, 1]]"));
    c.sending({{4, 0, 0}});
    c.acked(4, 0, 0);
    // then the run ends without a save (an error): the pending ack is still written
  }
  CHECK(read_file(wal) == "s 4 0 1\n4 0 1\n");
}
