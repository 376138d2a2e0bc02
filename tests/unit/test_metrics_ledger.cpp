#include <catch2/catch.hpp>

#include "metrics/ledger.hpp"
#include "metrics/ledger_recorder.hpp"

using tf::metrics::Bound;
using tf::metrics::Ledger;
using tf::metrics::LedgerHit;
using tf::metrics::LedgerRecorder;
using tf::metrics::Measure;

namespace {

const std::string k_target = "default";

LedgerHit hit(std::uint64_t visitor, bool starts, std::optional<Measure> action, std::int64_t day = 20'425) {
  LedgerHit h;
  h.target = &k_target;
  h.site_id = 4;
  h.day = day;
  h.visitor = visitor;
  h.starts_visit = starts;
  h.action = action;
  return h;
}

}  // namespace

TEST_CASE("the ledger counts acked hits by measure and unconfirmed ones as the upper bound", "[metrics]") {
  Ledger ledger;
  LedgerRecorder recorder;
  recorder.record(ledger, hit(1, true, Measure::pageviews), true);
  recorder.record(ledger, hit(1, false, Measure::events), false);
  auto order = hit(1, false, Measure::orders);
  order.revenue_cents = 12'345;
  recorder.record(ledger, order, true);
  auto goal = hit(1, false, std::nullopt);
  goal.goal = 2;
  recorder.record(ledger, goal, false);
  const auto& target = ledger.targets.at("default");
  CHECK(target.site_id == 4);
  const auto& day = target.days.at(20'425);
  CHECK(day[Measure::visits] == Bound{1, 0});
  CHECK(day[Measure::pageviews] == Bound{1, 0});
  CHECK(day[Measure::events] == Bound{0, 1});
  CHECK(day[Measure::orders] == Bound{1, 0});
  CHECK(day[Measure::revenue_cents] == Bound{12'345, 0});
  CHECK(day.goals.at(2) == Bound{0, 1});
}

TEST_CASE("distinct visitors count each visitor once a day, acked over unconfirmed", "[metrics]") {
  Ledger ledger;
  LedgerRecorder recorder;
  recorder.record(ledger, hit(7, true, Measure::pageviews), false);  // possibly there
  recorder.record(ledger, hit(7, true, Measure::pageviews), true);  // then certainly
  recorder.record(ledger, hit(7, true, Measure::pageviews), true);  // a second visit, same visitor
  recorder.record(ledger, hit(8, true, Measure::pageviews), false);
  recorder.record(ledger, hit(7, true, Measure::pageviews, 20'426), true);  // the next day
  const auto& days = ledger.targets.at("default").days;
  CHECK(days.at(20'425)[Measure::visitors] == Bound{1, 1});
  CHECK(days.at(20'425)[Measure::visits] == Bound{2, 2});
  CHECK(days.at(20'426)[Measure::visitors] == Bound{1, 0});
}

TEST_CASE("merged ledgers add per target and day", "[metrics]") {
  Ledger a, b;
  LedgerRecorder ra, rb;
  ra.record(a, hit(1, true, Measure::pageviews), true);
  rb.record(b, hit(2, true, Measure::pageviews), true);
  rb.record(b, hit(2, true, Measure::downloads, 20'426), false);
  a.merge(b);
  const auto& days = a.targets.at("default").days;
  CHECK(days.at(20'425)[Measure::visits] == Bound{2, 0});
  CHECK(days.at(20'425)[Measure::visitors] == Bound{2, 0});
  CHECK(days.at(20'426)[Measure::downloads] == Bound{0, 1});
}

TEST_CASE("ledger days are written and read as YYYY-MM-DD", "[metrics]") {
  CHECK(tf::metrics::format_day(0) == "1970-01-01");
  CHECK(tf::metrics::format_day(20'425) == "2025-12-03");
  CHECK(tf::metrics::parse_day("2025-12-03") == 20'425);
  CHECK(tf::metrics::parse_day("2024-02-29") == tf::metrics::parse_day("2024-03-01").value() - 1);
  CHECK_FALSE(tf::metrics::parse_day("2025-02-30"));
  CHECK_FALSE(tf::metrics::parse_day("2025-1-03"));
  CHECK(tf::metrics::measure_from_string("revenue_cents") == Measure::revenue_cents);
  CHECK_FALSE(tf::metrics::measure_from_string("revenue"));
}

TEST_CASE("the ledger itemises visitors up to its cap, then counts the rest untracked", "[metrics]") {
  Ledger ledger;
  LedgerRecorder recorder;
  const tf::metrics::VisitorCounts one_visit{{1, 0}, {3, 1}};
  for (std::size_t i = 0; i < tf::metrics::k_ledger_visitor_cap + 2; ++i) {
    recorder.record_visitor(ledger, k_target, 4, 20'425, std::to_string(i), one_visit);
  }
  recorder.record_visitor(ledger, k_target, 4, 20'425, "0", one_visit);  // itemised: adds up
  const auto& day = ledger.targets.at(k_target).days.at(20'425);
  CHECK(day.by_visitor.size() == tf::metrics::k_ledger_visitor_cap);
  CHECK(day.by_visitor.at("0") == tf::metrics::VisitorCounts{{2, 0}, {6, 2}});
  CHECK(day.untracked == tf::metrics::VisitorCounts{{2, 0}, {6, 2}});
  Ledger twice = ledger;
  twice.merge(ledger);
  CHECK(twice.targets.at(k_target).days.at(20'425).by_visitor.at("0").visits.acked == 4);
}
