// `merge`: the exit code is the merged thresholds' verdict (and missing shards').
#include <catch2/catch.hpp>

#include <sstream>

#include "app/merge_command.hpp"
#include "report/summary_json.hpp"
#include "temp_dir.hpp"

using nlohmann::json;

namespace {

/// A shard's summary with `rejected` rejected hits that passed "rejected<10" on its own.
std::string shard_file(const tf::testing::TempDir& dir, const std::string& name, int index, std::uint64_t rejected) {
  tf::metrics::RunMetrics run;
  run.seed = 7;
  auto& t = run.target("main");
  t.hits_generated = 100;
  t.acked = 100 - rejected;
  t.rejected = rejected;
  run.thresholds = {{"acked>0", static_cast<double>(t.acked), true},
                    {"rejected<10", static_cast<double>(rejected), rejected < 10}};
  auto summary = tf::report::summary_to_json(run, json::object());
  summary["shard"] = std::to_string(index) + "/2";
  const auto path = dir.file(name);
  tf::report::write_summary_file(path, summary);
  return path;
}

}  // namespace

TEST_CASE("merge exits 1 when a threshold fails on the merged metrics although every shard passed", "[app]") {
  const tf::testing::TempDir dir;
  const auto a = shard_file(dir, "a.json", 0, 6);
  const auto b = shard_file(dir, "b.json", 1, 6);
  std::ostringstream table;
  CHECK(tf::app::merge_summaries({a, b}, dir.file("merged.json"), table, false, false, false) == 1);
  CHECK(table.str().find("rejected<10") != std::string::npos);
  const auto c = shard_file(dir, "c.json", 1, 3);
  CHECK(tf::app::merge_summaries({a, c}, "", table, false, false, false) == 0);
  CHECK(tf::app::merge_summaries({a}, "", table, false, false, true) == 0);  // partial, accepted: a passes alone
  CHECK(tf::app::merge_summaries({b}, "", table, false, false, false) == 1);  // a shard missing
}
