#include "metrics/ledger_recorder.hpp"

namespace tf::metrics {
namespace {

std::uint64_t mix_key(std::uint64_t h, std::uint64_t v) noexcept {
  return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6U) + (h >> 2U));
}

}  // namespace

void LedgerRecorder::count_visitor(Bound& bound, const LedgerHit& hit, bool acked) {
  // the target's name is stable while recording: its address stands for it
  const auto key =
    mix_key(mix_key(reinterpret_cast<std::uintptr_t>(hit.target), static_cast<std::uint64_t>(hit.day)), hit.visitor);
  const auto [it, first] = m_visitors.try_emplace(key, acked);
  if (first) {
    ++(acked ? bound.acked : bound.unconfirmed);
  } else if (acked && !it->second) {
    it->second = true;
    ++bound.acked;
    if (bound.unconfirmed > 0) {
      --bound.unconfirmed;  // counted before as possibly there; now certainly
    }
  }
}

LedgerDay& LedgerRecorder::day_of(Ledger& ledger, const LedgerHit& hit) {
  if (m_counts != nullptr && m_ledger == &ledger && m_target == hit.target && m_day == hit.day) {
    return *m_counts;
  }
  auto& target = ledger.targets[*hit.target];
  if (target.name.empty()) {
    target.name = *hit.target;
    target.site_id = hit.site_id;
  }
  m_ledger = &ledger;
  m_target = hit.target;
  m_day = hit.day;
  m_target_counts = &target;
  m_counts = &target.days[hit.day];
  return *m_counts;
}

void LedgerRecorder::record(Ledger& ledger, const LedgerHit& hit, bool acked) {
  auto& day = day_of(ledger, hit);
  auto bump = [acked](Bound& bound, std::uint64_t n) { (acked ? bound.acked : bound.unconfirmed) += n; };
  if (hit.starts_visit) {
    bump(day[Measure::visits], 1);
    count_visitor(day[Measure::visitors], hit, acked);
  }
  if (hit.action) {
    bump(day[*hit.action], 1);
    if (*hit.action == Measure::orders && hit.revenue_cents > 0) {
      bump(day[Measure::revenue_cents], static_cast<std::uint64_t>(hit.revenue_cents));
    }
  }
  if (hit.goal > 0) {
    bump(day.goals[hit.goal], 1);
  }
}

void LedgerRecorder::record_visitor(Ledger& ledger, const std::string& target, int site_id, std::int64_t day,
                                    const std::string& visitor_id, const VisitorCounts& counts) {
  LedgerHit at;  // the day's look-up as record()'s, through its cache of the last day
  at.target = &target;
  at.site_id = site_id;
  at.day = day;
  auto& counts_of_day = day_of(ledger, at);
  if (const auto packed = VisitorTable::pack(visitor_id)) {
    if (auto* found = m_table.find(counts_of_day, *packed)) {
      found->add(counts);
    } else if (take_itemised_slot()) {
      m_table.add(counts_of_day, *m_target_counts, day, *packed, counts);
    } else {
      counts_of_day.untracked.add(counts);
    }
    return;
  }
  auto& visitors = counts_of_day.by_visitor;  // an id the run does not send: rare, in the ledger itself
  if (const auto found = visitors.find(visitor_id); found != visitors.end()) {
    found->second.add(counts);
  } else if (take_itemised_slot()) {
    visitors.emplace(visitor_id, counts);
  } else {
    counts_of_day.untracked.add(counts);
  }
}

bool LedgerRecorder::take_itemised_slot() noexcept {
  if (m_shared_itemised == nullptr) {
    return m_itemised < k_ledger_visitor_cap && ++m_itemised > 0;
  }
  std::size_t taken = m_shared_itemised->load(std::memory_order_relaxed);
  while (taken < k_ledger_visitor_cap) {
    if (m_shared_itemised->compare_exchange_weak(taken, taken + 1, std::memory_order_relaxed)) {
      return true;
    }
  }
  return false;
}

}  // namespace tf::metrics
