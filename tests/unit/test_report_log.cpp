#include <catch2/catch.hpp>

#include "temp_dir.hpp"
#include "report/merge.hpp"
#include "report/summary_json.hpp"
#include "report/summary_log.hpp"
#include "util/error.hpp"

using nlohmann::json;
using tf::metrics::RunMetrics;

namespace {

std::string summary_text(std::uint64_t acked) {
  RunMetrics run;
  run.seed = 7;
  run.started = tf::SysTime{std::chrono::seconds{1'767'225'600}};
  auto& t = run.target("main");
  t.hits_generated = acked;
  t.acked = acked;
  return tf::report::summary_to_json(run, json::object()).dump(2);
}

/// The summary as a pod prints it: the markers around it, each line after `prefix`.
std::string block(const std::string& prefix, std::uint64_t acked) {
  std::string out = prefix + std::string(tf::report::k_summary_begin) + "\n";
  std::size_t start = 0;
  const std::string text = summary_text(acked);
  while (start <= text.size()) {
    const auto end = text.find('\n', start);
    out += prefix + text.substr(start, end == std::string::npos ? std::string::npos : end - start) + "\n";
    if (end == std::string::npos) {
      break;
    }
    start = end + 1;
  }
  return out + prefix + std::string(tf::report::k_summary_end) + "\n";
}

std::string message_of(const std::string& file) {
  try {
    tf::report::read_summary_log(file);
  } catch (const tf::Error& e) {
    CHECK(e.code() == tf::ExitCode::usage);
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a log's summaries between the marker lines are read, around other output", "[report]") {
  tf::testing::TempDir dir;
  const auto log = dir.write(
    "pods.log", "2026-12-03T08:00:00Z seed 7\ntarget status\n" + block("", 3) + "some later line\n" + block("", 4));
  const auto found = tf::report::read_summary_log(log);
  REQUIRE(found.size() == 2);
  CHECK(found[0].source == log + ":3");
  CHECK(found[0].summary.at("totals").at("acked") == 3);
  CHECK(found[1].summary.at("totals").at("acked") == 4);
  const auto merged = tf::report::merge_summary_logs({log});
  CHECK(merged.shard_count == 2);
  CHECK(merged.run.totals().acked == 7);
}

TEST_CASE("kubectl logs --prefix: interleaved pods' lines are told apart by their prefix", "[report]") {
  tf::testing::TempDir dir;
  const std::string a = block("[pod/tf-0-x/trafficinator] ", 3);
  const std::string b = block("[pod/tf-1-y/trafficinator] ", 5);
  // interleave line by line, with CRLF line ends on pod b
  std::string mixed;
  std::size_t ia = 0, ib = 0;
  while (ia < a.size() || ib < b.size()) {
    for (auto* text : {&a, &b}) {
      auto& i = text == &a ? ia : ib;
      if (i < text->size()) {
        const auto end = text->find('\n', i);
        mixed += text->substr(i, end - i) + (text == &b ? "\r\n" : "\n");
        i = end + 1;
      }
    }
  }
  const auto found = tf::report::read_summary_log(dir.write("mixed.log", mixed));
  REQUIRE(found.size() == 2);
  CHECK(found[0].summary.at("totals").at("acked") == 3);
  CHECK(found[1].summary.at("totals").at("acked") == 5);
}

TEST_CASE("a log without a summary, a cut summary or bad JSON is refused with file and line", "[report]") {
  tf::testing::TempDir dir;
  const auto none = dir.write("none.log", "trafficinator: error: no target\n");
  CHECK(message_of(none) ==
        none +
          ": no summary between the marker lines \"==== trafficinator summary begin ====\" and "
          "\"==== trafficinator summary end ====\"");
  const std::string full = block("", 3);
  const auto cut = dir.write("cut.log", "x\n" + full.substr(0, full.size() / 2) + "\n");
  CHECK(message_of(cut) == cut + ":2: summary without an end marker (\"==== trafficinator summary end ====\")");
  const auto bad = dir.write("bad.log",
                             std::string(tf::report::k_summary_begin) + "\n{\"a\": 1,\n" +
                               std::string(tf::report::k_summary_end) + "\n");
  CHECK_THAT(message_of(bad), Catch::StartsWith(bad + ":1: invalid JSON after the begin marker: "));
  CHECK_THAT(message_of(dir.file("missing.log")), Catch::StartsWith(dir.file("missing.log") + ": cannot read: "));
}
