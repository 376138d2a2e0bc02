// The checkpoint's write-ahead log records (app/checkpoint_log.hpp) and the checkpoint's table
// of visits in progress, whose slots two visits far apart in index order can share.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "app/checkpoint_log.hpp"
#include "backfill_harness.hpp"

using namespace tf;
using tf::testing::read_file;
using tf::testing::TempDir;

TEST_CASE("a log record is the visit and target formatted once, then the hit number", "[app]") {
  namespace log = app::checkpoint_log;
  std::string out;
  const auto small = log::prefix(7, 0);
  log::append_sending(out, small, 1);
  log::append_settled(out, small, 12);
  log::append_sending(out, small, 345);
  const auto big = log::prefix(18446744073709551614ULL, 99);
  log::append_sending(out, big, 18446744073709551615ULL);
  log::append_settled(out, 4096, 3, 100);
  log::append_not_recorded(out, 4096, 3);
  CHECK(out == "s 7 0 1\n7 0 12\ns 7 0 345\ns 18446744073709551614 99 18446744073709551615\n4096 3 100\nx 4096 3\n");
}

TEST_CASE("two visits in progress that share a slot of the checkpoint's table both keep their hits", "[app]") {
  TempDir dir;
  const auto path = dir.file("cp.json");
  app::Checkpoint c(path, testing::backfill::identity(), std::nullopt);
  // 5 and 5 + 4096 (k_ring_slots) share a slot; 8197 then takes it from 4101
  c.sending({{5, 0, 0}, {5, 1, 0}});
  c.acked(5, 0, 0);
  c.sending({{4101, 0, 0}, {4101, 0, 1}});
  c.acked(4101, 0, 0);
  c.sending({{5, 0, 1}});  // 5 comes back to its slot
  c.acked(5, 0, 1);
  c.sending({{8197, 0, 0}});
  c.not_recorded(4101, 0);  // hit 2 of 4101, handed over, was not recorded
  c.save();
  const auto content = app::read_checkpoint(path);
  CHECK(content->at("partial") == nlohmann::json::parse("[[5, 0, 2], [4101, 0, 1]]"));
  CHECK(content->at("in_flight") == nlohmann::json::parse("[[5, 1, 0, 1], [8197, 0, 0, 1]]"));
  c.complete(5);
  c.complete(4101);
  c.save();
  const auto after = app::read_checkpoint(path);
  CHECK(after->at("partial") == nlohmann::json::array());
  CHECK(after->at("in_flight") == nlohmann::json::parse("[[8197, 0, 0, 1]]"));
  CHECK(read_file(path + ".wal").empty());
}
