#include "delivery/ledger_feed.hpp"

#include <algorithm>
#include <functional>

#include <date/tz.h>

namespace tf::delivery {
namespace {

constexpr std::int64_t k_day_s = 86'400;
constexpr std::int64_t k_us = 1'000'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

std::optional<metrics::Measure> action_of(const model::Hit& hit) {
  using metrics::Measure;
  using model::HitKind;
  switch (hit.kind) {
    case HitKind::pageview: return Measure::pageviews;
    case HitKind::site_search: return Measure::site_searches;
    case HitKind::outlink: return Measure::outlinks;
    case HitKind::download: return Measure::downloads;
    case HitKind::event: return Measure::events;
    case HitKind::content: return hit.content_click ? std::optional{Measure::content_interactions} : std::nullopt;
    case HitKind::ecommerce_order: return Measure::orders;
    case HitKind::cart_update: return Measure::cart_updates;
    case HitKind::goal:
    case HitKind::ping: return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::int64_t LedgerFeed::local_day(const date::time_zone* zone, std::int64_t time_us) {
  if (zone == m_zone && time_us >= m_begin_us && time_us < m_end_us) {
    return m_day;
  }
  const std::int64_t s = floor_div(time_us, k_us);
  std::int64_t offset = 0, begin = std::numeric_limits<std::int64_t>::min() / 2;
  std::int64_t end = std::numeric_limits<std::int64_t>::max() / 2;
  if (zone != nullptr) {
    const auto info = zone->get_info(date::sys_seconds{std::chrono::seconds{s}});
    offset = info.offset.count();
    begin = info.begin.time_since_epoch().count();
    end = info.end.time_since_epoch().count();
  }
  m_zone = zone;
  m_day = floor_div(s + offset, k_day_s);
  m_begin_us = std::max(begin, m_day * k_day_s - offset) * k_us;
  m_end_us = std::min(end, (m_day + 1) * k_day_s - offset) * k_us;
  return m_day;
}

metrics::LedgerHit LedgerFeed::view_of(const VisitFlow& flow, std::size_t step, std::int64_t day, bool starts_visit) {
  const auto& visit = flow.visit();
  const auto& hit = visit.hits[step];
  metrics::LedgerHit out;
  out.site_id = flow.context().site_id;
  out.day = day;
  out.starts_visit = starts_visit;
  if (out.starts_visit) {
    const auto& id = visit.visitor.uid.empty() ? visit.visitor.id : visit.visitor.uid;
    out.visitor = std::hash<std::string>{}(id);
  }
  out.action = action_of(hit);
  if (hit.kind == model::HitKind::ecommerce_order && hit.order) {
    out.revenue_cents = hit.order->revenue;
  }
  if (hit.kind == model::HitKind::goal && hit.idgoal > 0) {
    out.goal = hit.idgoal;
  }
  return out;
}

bool LedgerFeed::new_day_after_previous(VisitFlow& flow, std::size_t step, std::int64_t day) {
  const std::int64_t before_us = flow.hit_time_us(step - 1);
  return !same_day_as_last(before_us) && day != local_day(flow.zone(), before_us);
}

metrics::LedgerHit LedgerFeed::hit_of(VisitFlow& flow, std::size_t step, const std::string& name) {
  const std::int64_t day = local_day(flow.zone(), flow.hit_time_us(step));
  auto out = view_of(flow, step, day, step == 0 || new_day_after_previous(flow, step, day));
  out.target = &name;
  return out;
}

void LedgerFeed::mark(VisitFlow& flow, std::size_t step, std::int64_t time_us) {
  auto& mark = flow.ledger_mark;
  if (mark.step == step) {
    return;  // encoded again (a retry, a dead letter): dated once, the same view
  }
  const std::int64_t day = local_day(flow.zone(), time_us);
  bool starts_visit = step == 0;
  if (step > 0 && mark.step == step - 1) {
    starts_visit = day != mark.hit.day;  // the usual case: the previous hit's mark
  } else if (step > 0) {
    starts_visit = new_day_after_previous(flow, step, day);
  }
  mark.hit = view_of(flow, step, day, starts_visit);
  mark.step = step;
  if (step == 0 && flow.tally.visitor_id.empty()) {
    flow.tally.visitor_id = matomo_visitor_id(flow.visit().visitor);
  }
}

metrics::LedgerHit LedgerFeed::ledger_hit(VisitFlow& flow, std::size_t step, const std::string& name) {
  if (flow.ledger_mark.step != step) {
    return hit_of(flow, step, name);
  }
  auto out = flow.ledger_mark.hit;
  out.target = &name;
  return out;
}

LedgerFeed& thread_feed() {
  thread_local LedgerFeed feed;
  return feed;
}

}  // namespace tf::delivery
