#include <catch2/catch.hpp>

#include <thread>

#include "metrics/run_metrics.hpp"

using tf::metrics::LedgerRecorder;
using tf::metrics::RunMetrics;
using tf::metrics::SharedMetrics;

namespace {

RunMetrics two_targets() {
  RunMetrics run;
  run.target("a");
  run.target("b");
  run.seed = 7;
  return run;
}

/// Counts `n` acked hits of target `index` and records their latency, on the calling thread.
void count_acked(SharedMetrics& shared, std::size_t index, int n) {
  for (int i = 0; i < n; ++i) {
    shared.update([&](RunMetrics& run) {
      ++run.targets[index].acked;
      run.targets[index].service_time.record(static_cast<std::uint64_t>(100 + i));
    });
  }
}

}  // namespace

TEST_CASE("shared metrics add up what each thread counted in its own part", "[metrics]") {
  SharedMetrics shared(two_targets());
  std::thread other([&] { count_acked(shared, 1, 300); });
  count_acked(shared, 0, 200);
  count_acked(shared, 1, 5);
  other.join();
  const auto snap = shared.snapshot();
  REQUIRE(snap.targets.size() == 2);
  CHECK(snap.seed == 7);
  CHECK(snap.targets[0].name == "a");
  CHECK(snap.targets[0].acked == 200);
  CHECK(snap.targets[1].acked == 305);
  CHECK(snap.targets[1].service_time.count() == 305);
}

TEST_CASE("a count taken down in one thread's part and up in another's adds up", "[metrics]") {
  SharedMetrics shared(two_targets());
  shared.update([](RunMetrics& run) { run.targets[0].hits_generated += 10; });
  std::thread other([&] { shared.update([](RunMetrics& run) { run.targets[0].hits_generated -= 4; }); });
  other.join();
  CHECK(shared.snapshot().targets[0].hits_generated == 6);
}

TEST_CASE("configure sets run-wide fields and gives every part the stages", "[metrics]") {
  SharedMetrics shared(two_targets());
  shared.update([](RunMetrics& run) { run.targets[0].possible_duplicates += 2; });  // a part before the stages
  shared.configure([](RunMetrics& run) {
    run.requested_visit_rate = 12.5;
    run.stages.resize(2);
    run.stages[1].spec = "10s:5";
  });
  shared.update([](RunMetrics& run) {
    REQUIRE(run.stages.size() == 2);
    CHECK(run.stages[1].spec == "10s:5");
    ++run.stages[1].visits_started;
  });
  const auto snap = shared.snapshot();
  CHECK(snap.requested_visit_rate == 12.5);
  CHECK(snap.stages.at(1).visits_started == 1);
  CHECK(snap.stages.at(0).visits_started == 0);
  CHECK(snap.targets[0].possible_duplicates == 2);
}

TEST_CASE("the parts' ledger recorders share one cap on itemised visitors", "[metrics]") {
  SharedMetrics shared(two_targets());
  const std::string target = "a";
  auto add_visitors = [&](int first, int count) {
    for (int i = first; i < first + count; ++i) {
      shared.update([&](RunMetrics& run, LedgerRecorder& recorder) {
        tf::metrics::VisitorCounts counts;
        counts.visits.acked = 1;
        recorder.record_visitor(run.ledger, target, 1, 20'000, std::to_string(i), counts);
      });
    }
  };
  const int half = static_cast<int>(tf::metrics::k_ledger_visitor_cap / 2);
  std::thread other([&] { add_visitors(0, half + 10); });
  other.join();
  add_visitors(half + 10, half + 10);
  const auto snap = shared.snapshot();
  const auto& day = snap.ledger.targets.at("a").days.at(20'000);
  CHECK(day.by_visitor.size() == tf::metrics::k_ledger_visitor_cap);
  CHECK(day.untracked.visits.acked == 20);
}

TEST_CASE("a snapshot without visitor details keeps the ledger's counts and drops its visitors", "[metrics]") {
  SharedMetrics shared(two_targets());
  const std::string target = "a";
  shared.update([&](RunMetrics& run, LedgerRecorder& recorder) {
    tf::metrics::LedgerHit hit;
    hit.target = &target;
    hit.day = 20'000;
    hit.starts_visit = true;
    hit.visitor = 42;
    hit.action = tf::metrics::Measure::pageviews;
    recorder.record(run.ledger, hit, true);
    tf::metrics::VisitorCounts counts;
    counts.visits.acked = 1;
    recorder.record_visitor(run.ledger, target, 1, 20'000, "0123456789abcdef", counts);
  });
  const auto full = shared.snapshot();
  const auto lite = shared.snapshot(false);
  const auto& full_day = full.ledger.targets.at("a").days.at(20'000);
  const auto& lite_day = lite.ledger.targets.at("a").days.at(20'000);
  CHECK(full_day.by_visitor.size() == 1);
  CHECK(lite_day.by_visitor.empty());
  CHECK(lite_day.measures == full_day.measures);
  CHECK(lite_day[tf::metrics::Measure::visitors].acked == 1);
}

TEST_CASE("a recorder adds a returning visitor to its entry, also one another recorder made", "[metrics]") {
  tf::metrics::Ledger ledger;
  const std::string target = "a";
  tf::metrics::VisitorCounts one;
  one.visits.acked = 1;
  LedgerRecorder first, second;
  first.record_visitor(ledger, target, 1, 20'000, "v1", one);
  first.record_visitor(ledger, target, 1, 20'000, "v1", one);  // through the recorder's index
  second.record_visitor(ledger, target, 1, 20'000, "v1", one);  // an entry the second did not make
  second.record_visitor(ledger, target, 1, 20'000, "v2", one);
  const auto& day = ledger.targets.at("a").days.at(20'000);
  REQUIRE(day.by_visitor.size() == 2);
  CHECK(day.by_visitor.at("v1").visits.acked == 3);
  CHECK(day.by_visitor.at("v2").visits.acked == 1);
}
