#include "metrics/ledger.hpp"

#include <charconv>

#include <fmt/format.h>

namespace tf::metrics {
namespace {

constexpr std::array<std::string_view, k_measure_count> k_names{
  "visits", "visitors",      "pageviews",   "site_searches", "outlinks", "downloads", "events", "content_interactions",
  "orders", "revenue_cents", "cart_updates"};

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
