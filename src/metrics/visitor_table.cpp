#include "metrics/visitor_table.hpp"

#include <algorithm>

namespace tf::metrics {

std::optional<std::uint64_t> VisitorTable::pack(std::string_view id) noexcept {
  if (id.size() != 16) {
    return std::nullopt;
  }
  std::uint64_t packed = 0;
  for (const char c : id) {
    std::uint64_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<std::uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<std::uint64_t>(c - 'a' + 10);
    } else {
      return std::nullopt;
    }
    packed = (packed << 4U) | digit;
  }
  return packed;
}

std::string VisitorTable::unpack(std::uint64_t packed) {
  constexpr std::string_view k_hex = "0123456789abcdef";
  char digits[16];
  for (std::size_t i = 16; i-- > 0; packed >>= 4U) {
    digits[i] = k_hex[packed & 0xfU];
  }
  return std::string(digits, sizeof digits);
}

std::size_t VisitorTable::KeyHash::operator()(const Key& key) const noexcept {
  // ids are random hex digits already; the day's address tells days apart
  return static_cast<std::size_t>(key.id ^ (reinterpret_cast<std::uintptr_t>(key.day) * 0x9e3779b97f4a7c15ULL));
}

VisitorCounts* VisitorTable::find(const LedgerDay& day, std::uint64_t id) {
  const auto it = m_counts.find(Key{&day, id});
  return it == m_counts.end() ? nullptr : &it->second;
}

VisitorCounts& VisitorTable::add(const LedgerDay& day, const LedgerTarget& target, std::int64_t day_number,
                                 std::uint64_t id, const VisitorCounts& counts) {
  if (m_days.empty() || m_days.back().day != &day) {
    const auto known = std::find_if(m_days.begin(), m_days.end(), [&day](const DayOf& d) { return d.day == &day; });
    if (known == m_days.end()) {
      m_days.push_back(DayOf{&day, &target, day_number});
    } else {
      std::iter_swap(known, m_days.end() - 1);  // the last one is checked first
    }
  }
  return m_counts.emplace(Key{&day, id}, counts).first->second;
}

void VisitorTable::add_to(Ledger& into) const {
  std::vector<std::pair<std::uint64_t, const VisitorCounts*>> sorted;
  for (const auto& of : m_days) {
    sorted.clear();
    for (const auto& [key, counts] : m_counts) {
      if (key.day == of.day) {
        sorted.emplace_back(key.id, &counts);
      }
    }
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    auto& target = into.targets[of.target->name];
    if (target.name.empty()) {
      target.name = of.target->name;
      target.site_id = of.target->site_id;
    }
    add_sorted(sorted, target.days[of.number].by_visitor);
  }
}

void VisitorTable::add_sorted(const std::vector<std::pair<std::uint64_t, const VisitorCounts*>>& sorted,
                              std::map<std::string, VisitorCounts>& visitors) {
  if (visitors.empty()) {  // the usual case: each entry goes at the end, in order
    for (const auto& [id, counts] : sorted) {
      visitors.emplace_hint(visitors.end(), unpack(id), *counts);
    }
    return;
  }
  for (const auto& [id, counts] : sorted) {
    visitors[unpack(id)].add(*counts);
  }
}

}  // namespace tf::metrics
