// LedgerFeed::mark: the ledger's view of a hit, noted on its flow as the hit is encoded, is the
// view hit_of computes from the visit when the answer arrives (issue 22: the answer path reads
// only the flow).
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "delivery/ledger_feed.hpp"
#include "model/visitor.hpp"
#include "util/clock.hpp"

namespace {

using namespace tf;

/// 2026-03-28 22:00 UTC: 23:00 in Berlin, an hour before its midnight (and a day before its
/// summer time), in ms.
constexpr std::int64_t k_start_ms = 1'774'735'200'000;

/// A visit of `uid`'s visitor with hits at these offsets (min) from k_start_ms: pageview,
/// event, order, goal, ping, ... in turn.
std::shared_ptr<const model::Visit> visit_at(const std::vector<std::int64_t>& offsets_min, std::string uid) {
  auto visit = std::make_shared<model::Visit>();
  visit->visitor.id = "0123456789abcdef";
  visit->visitor.uid = std::move(uid);
  visit->start_ms = k_start_ms;
  const model::HitKind kinds[] = {model::HitKind::pageview, model::HitKind::event, model::HitKind::ecommerce_order,
                                  model::HitKind::goal, model::HitKind::ping};
  auto order = std::make_shared<model::Order>();
  order->revenue = 1999;
  for (std::size_t i = 0; i < offsets_min.size(); ++i) {
    model::Hit hit;
    hit.kind = kinds[i % 5];
    hit.offset_ms = offsets_min[i] * 60'000;
    hit.new_visit = i == 0;
    if (hit.kind == model::HitKind::ecommerce_order) {
      hit.order = order;
      hit.idgoal = 0;
    }
    if (hit.kind == model::HitKind::goal) {
      hit.idgoal = 3;
    }
    visit->hits.push_back(hit);
  }
  return visit;
}

void require_same(const metrics::LedgerHit& a, const metrics::LedgerHit& b) {
  CHECK(a.target == b.target);
  CHECK(a.site_id == b.site_id);
  CHECK(a.day == b.day);
  CHECK(a.action == b.action);
  CHECK(a.starts_visit == b.starts_visit);
  CHECK(a.visitor == b.visitor);
  CHECK(a.revenue_cents == b.revenue_cents);
  CHECK(a.goal == b.goal);
}

}  // namespace

TEST_CASE("a hit's ledger view noted when it is encoded is the one computed at its answer", "[delivery]") {
  const std::string zone_name = GENERATE("Europe/Berlin", "");
  const std::string uid = GENERATE("", "user-7");
  const date::time_zone* zone = zone_name.empty() ? nullptr : model::zone_named(zone_name);
  REQUIRE((zone != nullptr) == !zone_name.empty());
  delivery::TargetContext target;
  target.site_id = 4;
  const std::string name = "main";
  FakeClock clock;
  // across Berlin's midnight (minute 60) and UTC's (minute 120), a retry of hit 2 in between
  const auto visit = visit_at({0, 30, 59, 61, 90, 119, 121, 125}, uid);
  delivery::VisitFlow flow(visit, 0, target, zone, clock);
  delivery::LedgerFeed fresh;
  int days_started = 0;
  for (std::size_t step = 0; step < visit->hits.size(); ++step) {
    (void)flow.params(step);  // encodes the hit, as build_request and append_bulk_item do
    if (step == 2) {
      (void)flow.params(step);  // encoded again: the same view
    }
    CHECK(flow.ledger_mark.step == step);
    const auto noted = delivery::thread_feed().ledger_hit(flow, step, name);
    require_same(noted, fresh.hit_of(flow, step, name));
    CHECK(noted.target == &name);
    days_started += noted.starts_visit ? 1 : 0;
  }
  CHECK(days_started == 2);  // the visit's start and the next local midnight
  CHECK(flow.tally.visitor_id == delivery::matomo_visitor_id(visit->visitor));
}

TEST_CASE("a hit asked for without its mark gets the view computed from the visit", "[delivery]") {
  delivery::TargetContext target;
  const std::string name = "main";
  FakeClock clock;
  const auto visit = visit_at({0, 30, 90, 150}, "");
  delivery::VisitFlow flow(visit, 0, target, nullptr, clock);
  (void)flow.params(3);  // a later hit encoded (a dead letter's parameters): hit 2 has no mark
  delivery::LedgerFeed fresh;
  const auto hit = delivery::thread_feed().ledger_hit(flow, 2, name);
  require_same(hit, fresh.hit_of(flow, 2, name));
  CHECK_FALSE(hit.starts_visit);  // 23:30 UTC, after 22:30
  const auto next = delivery::thread_feed().ledger_hit(flow, 3, name);
  require_same(next, fresh.hit_of(flow, 3, name));
  CHECK(next.starts_visit);  // 00:30 UTC: the next day
}
