#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <string>
#include <thread>

#include "metrics/ledger_recorder.hpp"
#include "metrics/run_metrics.hpp"
#include "metrics/visitor_table.hpp"

using tf::metrics::Ledger;
using tf::metrics::LedgerRecorder;
using tf::metrics::VisitorCounts;
using tf::metrics::VisitorTable;

namespace {

const std::string k_shop = "shop";

}  // namespace

TEST_CASE("visitor ids of 16 lowercase hex digits pack into 64 bits in their order", "[metrics]") {
  CHECK(VisitorTable::pack("0123456789abcdef") == 0x0123456789abcdefULL);
  CHECK(VisitorTable::unpack(0x0123456789abcdefULL) == "0123456789abcdef");
  CHECK(VisitorTable::unpack(0) == "0000000000000000");
  CHECK(VisitorTable::pack("ffffffffffffffff") == ~0ULL);
  CHECK_FALSE(VisitorTable::pack("0123456789ABCDEF"));  // Matomo's ids are lowercase
  CHECK_FALSE(VisitorTable::pack("0123456789abcde"));
  CHECK_FALSE(VisitorTable::pack("0123456789abcdef0"));
  CHECK_FALSE(VisitorTable::pack("0123456789abcdeg"));
  CHECK_FALSE(VisitorTable::pack("v1"));
  CHECK(VisitorTable::pack("09ffffffffffffff") < VisitorTable::pack("0a00000000000000"));
}

TEST_CASE("a recorder keeps hex visitors out of its ledger until add_visitors sorts them into a copy", "[metrics]") {
  Ledger ledger;
  LedgerRecorder recorder;
  std::map<std::string, VisitorCounts> expected, next_day;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 3'000; ++i) {
    const auto id = VisitorTable::unpack(rng() % 1'000);  // returning visitors too
    const std::int64_t day = 20'425 + static_cast<std::int64_t>(rng() % 2);
    const VisitorCounts counts{{1, 0}, {static_cast<std::uint64_t>(i % 5), 1}};
    recorder.record_visitor(ledger, k_shop, 3, day, id, counts);
    (day == 20'425 ? expected : next_day)[id].add(counts);
  }
  recorder.record_visitor(ledger, k_shop, 3, 20'425, "not-hex", VisitorCounts{{1, 0}, {2, 0}});
  expected["not-hex"].add(VisitorCounts{{1, 0}, {2, 0}});
  const auto& fed = ledger.targets.at(k_shop).days.at(20'425);
  CHECK(fed.by_visitor.size() == 1);  // the id the run never sends; the others wait in the recorder
  Ledger snapshot = ledger;
  recorder.add_visitors(snapshot);
  CHECK(snapshot.targets.at(k_shop).site_id == 3);
  CHECK(snapshot.targets.at(k_shop).days.at(20'425).by_visitor == expected);
  CHECK(snapshot.targets.at(k_shop).days.at(20'426).by_visitor == next_day);
  Ledger elsewhere;  // entries already there add up; new targets and days are made
  elsewhere.targets["shop"].days[20'425].by_visitor[expected.begin()->first] = {{5, 0}, {0, 0}};
  recorder.add_visitors(elsewhere);
  const auto& first = elsewhere.targets.at(k_shop).days.at(20'425).by_visitor.begin()->second;
  CHECK(first.visits.acked == 5 + expected.begin()->second.visits.acked);
  CHECK(elsewhere.targets.at(k_shop).days.at(20'425).by_visitor.size() == expected.size() - 1);  // not "not-hex"
}

TEST_CASE("hex visitors past the cap count untracked, and the cap counts both kinds of id", "[metrics]") {
  Ledger ledger;
  LedgerRecorder recorder;
  const VisitorCounts one_visit{{1, 0}, {3, 1}};
  recorder.record_visitor(ledger, k_shop, 1, 20'425, "v1", one_visit);
  for (std::uint64_t i = 0; i < tf::metrics::k_ledger_visitor_cap + 1; ++i) {
    recorder.record_visitor(ledger, k_shop, 1, 20'425, VisitorTable::unpack(i * 7919), one_visit);
  }
  recorder.record_visitor(ledger, k_shop, 1, 20'425, VisitorTable::unpack(0), one_visit);  // itemised: adds up
  Ledger snapshot = ledger;
  recorder.add_visitors(snapshot);
  const auto& day = snapshot.targets.at(k_shop).days.at(20'425);
  CHECK(day.by_visitor.size() == tf::metrics::k_ledger_visitor_cap);
  CHECK(day.by_visitor.at(VisitorTable::unpack(0)) == VisitorCounts{{2, 0}, {6, 2}});
  CHECK(day.untracked == VisitorCounts{{2, 0}, {6, 2}});
}

TEST_CASE("a snapshot with visitor details has every part's hex visitors, one without has none", "[metrics]") {
  tf::metrics::RunMetrics initial;
  initial.targets.emplace_back().name = "shop";
  tf::metrics::SharedMetrics shared(initial);
  auto add_visitors = [&](std::uint64_t first) {
    for (std::uint64_t i = first; i < first + 100; ++i) {
      shared.update([&](tf::metrics::RunMetrics& run, LedgerRecorder& recorder) {
        recorder.record_visitor(run.ledger, k_shop, 1, 20'000, VisitorTable::unpack(i % 150),
                                VisitorCounts{{1, 0}, {1, 0}});
      });
    }
  };
  std::thread other([&] { add_visitors(0); });
  other.join();
  add_visitors(100);
  const auto full = shared.snapshot();
  const auto& visitors = full.ledger.targets.at("shop").days.at(20'000).by_visitor;
  CHECK(visitors.size() == 150);
  CHECK(visitors.at(VisitorTable::unpack(0)).visits.acked == 2);  // 0 and 150, one from each part
  CHECK(visitors.at(VisitorTable::unpack(60)).visits.acked == 1);
  CHECK(shared.snapshot(false).ledger.targets.at("shop").days.at(20'000).by_visitor.empty());
  CHECK(shared.snapshot().ledger.targets.at("shop").days.at(20'000).by_visitor == visitors);  // taken again: the same
}
