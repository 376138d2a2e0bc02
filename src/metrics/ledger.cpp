#include "metrics/ledger.hpp"

#include <charconv>

#include <fmt/format.h>

namespace tf::metrics {
namespace {

constexpr std::array<std::string_view, k_measure_count> k_names{
  "visits", "visitors",      "pageviews",   "site_searches", "outlinks", "downloads", "events", "content_interactions",
  "orders", "revenue_cents", "cart_updates"};

std::uint64_t mix(std::uint64_t h, std::uint64_t v) noexcept {
  return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6U) + (h >> 2U));
}

// Howard Hinnant's days_from_civil / civil_from_days.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned mp = m > 2 ? m - 3 : m + 9;
  const unsigned doy = (153 * mp + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

}  // namespace

std::string_view to_string(Measure measure) noexcept { return k_names[static_cast<std::size_t>(measure)]; }

std::optional<Measure> measure_from_string(std::string_view name) noexcept {
  for (std::size_t i = 0; i < k_measure_count; ++i) {
    if (k_names[i] == name) {
      return static_cast<Measure>(i);
    }
  }
  return std::nullopt;
}

void LedgerDay::add(const LedgerDay& other, bool visitor_details) {
  for (std::size_t i = 0; i < k_measure_count; ++i) {
    measures[i].add(other.measures[i]);
  }
  for (const auto& [goal, bound] : other.goals) {
    goals[goal].add(bound);
  }
  if (!visitor_details) {
    return;
  }
  for (const auto& [visitor, counts] : other.by_visitor) {
    by_visitor[visitor].add(counts);
  }
  untracked.add(other.untracked);
}

void Ledger::merge(const Ledger& other, bool visitor_details) {
  for (const auto& [name, target] : other.targets) {
    auto& into = targets[name];
    into.name = name;
    into.site_id = target.site_id;
    for (const auto& [day, counts] : target.days) {
      into.days[day].add(counts, visitor_details);
    }
  }
}

void Ledger::drop_visitor_details() noexcept {
  for (auto& [name, target] : targets) {
    for (auto& [day, counts] : target.days) {
      counts.by_visitor.clear();
      counts.untracked = {};
    }
  }
}

void LedgerRecorder::count_visitor(Bound& bound, const LedgerHit& hit, bool acked) {
  // the target's name is stable while recording: its address stands for it
  const auto key =
    mix(mix(reinterpret_cast<std::uintptr_t>(hit.target), static_cast<std::uint64_t>(hit.day)), hit.visitor);
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
  if (auto* found = find_visitor(counts_of_day, visitor_id)) {
    found->add(counts);
  } else if (take_itemised_slot()) {
    auto& entry = *counts_of_day.by_visitor.emplace(visitor_id, counts).first;
    // keyed by a view of the map node's own key: stable, like the node
    m_index.emplace(std::pair<const LedgerDay*, std::string_view>{&counts_of_day, entry.first}, &entry.second);
    ++m_indexed[&counts_of_day];
  } else {
    counts_of_day.untracked.add(counts);
  }
}

VisitorCounts* LedgerRecorder::find_visitor(LedgerDay& day, std::string_view visitor_id) {
  if (const auto it = m_index.find(std::pair<const LedgerDay*, std::string_view>{&day, visitor_id});
      it != m_index.end()) {
    return it->second;
  }
  const auto indexed = m_indexed.find(&day);
  if (day.by_visitor.size() == (indexed == m_indexed.end() ? 0 : indexed->second)) {
    return nullptr;  // every entry of the day is this recorder's, and indexed
  }
  const auto it = day.by_visitor.find(std::string{visitor_id});  // entries from elsewhere
  return it == day.by_visitor.end() ? nullptr : &it->second;
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

std::string format_day(std::int64_t day) {
  const std::int64_t z = day + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
  return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

std::optional<std::int64_t> parse_day(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  int y = 0;
  unsigned m = 0, d = 0;
  auto num = [&text](std::size_t at, std::size_t len, auto& out) {
    const auto* first = text.data() + at;
    const auto [p, ec] = std::from_chars(first, first + len, out);
    return ec == std::errc{} && p == first + len;
  };
  if (!num(0, 4, y) || !num(5, 2, m) || !num(8, 2, d) || m < 1 || m > 12 || d < 1 || d > 31) {
    return std::nullopt;
  }
  const auto day = days_from_civil(y, m, d);
  if (format_day(day) != text) {
    return std::nullopt;  // 2026-02-30
  }
  return day;
}

}  // namespace tf::metrics
