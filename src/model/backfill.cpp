#include "model/backfill.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <optional>
#include <sstream>

#include <date/tz.h>
#include <fmt/format.h>

#include "util/error.hpp"
#include "util/random.hpp"

namespace tf::model {
namespace {

using std::chrono::milliseconds;

constexpr std::int64_t k_ms_per_hour = 3'600'000;
/// A visit ends at least this long before the end of its day (cdt has whole seconds).
constexpr std::int64_t k_end_margin_ms = 1000;

/// A weekday site: low at night (minimum 03:00–05:00), a morning rise, a plateau from 10:00 to
/// 16:00, a dip at dinner time and a smaller evening peak.
constexpr std::array<double, 24> k_builtin_profile{1.6, 1.0, 0.7, 0.5, 0.5, 0.7, 1.4, 2.8, 4.4, 5.6, 6.2, 6.3,
                                                   5.9, 6.0, 6.2, 6.0, 5.6, 5.1, 4.7, 4.8, 5.0, 4.6, 3.6, 2.5};

/// Monday … Sunday (ISO order).
constexpr std::array<double, 7> k_weekday_factors{1.0, 1.0, 1.0, 0.97, 0.9, 0.68, 0.72};

std::optional<date::sys_days> parse_day(const std::string& text) {
  date::sys_days day;
  std::istringstream in(text);
  in >> date::parse("%F", day);
  if (in.fail()) {
    return std::nullopt;
  }
  return day;
}

std::int64_t unix_ms(date::sys_time<std::chrono::seconds> t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

/// Local midnight of `day` in `zone`, UNIX ms (the transition when that midnight does not exist).
std::int64_t local_midnight_ms(const date::time_zone& zone, date::sys_days day) {
  const date::local_seconds local{std::chrono::seconds{date::sys_seconds{day}.time_since_epoch()}};
  return unix_ms(zone.to_sys(local, date::choose::earliest));
}

std::vector<double> checked_profile(const std::vector<double>& profile) {
  if (profile.empty()) {
    return {k_builtin_profile.begin(), k_builtin_profile.end()};
  }
  if (profile.size() != 24) {
    throw Error(fmt::format("HOURLY_PROFILE: expected 24 weights, found {}", profile.size()));
  }
  for (const double w : profile) {
    if (!(w >= 0.0) || !std::isfinite(w)) {
      throw Error(fmt::format("HOURLY_PROFILE: expected weights ≥ 0, found {}", w));
    }
  }
  if (std::accumulate(profile.begin(), profile.end(), 0.0) <= 0.0) {
    throw Error("HOURLY_PROFILE: expected at least one weight > 0, found all 0");
  }
  return profile;
}

double total_weight(const std::vector<BackfillPlan::Slot>& slots) {
  double total = 0;
  for (const auto& s : slots) {
    total += s.weight;
  }
  return total;
}

}  // namespace

std::span<const double> builtin_hourly_profile() { return k_builtin_profile; }

double weekday_factor(date::weekday day) { return k_weekday_factors.at(day.iso_encoding() - 1); }

std::string BackfillWindow::label() const {
  return fmt::format("{}..{}", date::format("%F", first), date::format("%F", last));
}

std::string BackfillDay::label() const { return date::format("%F", date); }

BackfillWindow backfill_window(const config::Settings& s, date::sys_days today) {
  if (!s.backfill_start_date.empty() || !s.backfill_end_date.empty()) {
    const auto first = parse_day(s.backfill_start_date);
    const auto last = parse_day(s.backfill_end_date);
    if (!first || !last) {
      throw Error(
        fmt::format("BACKFILL_START_DATE/BACKFILL_END_DATE: expected YYYY-MM-DD dates, found \"{}\" and \"{}\"",
                    s.backfill_start_date, s.backfill_end_date));
    }
    if (*first > *last) {
      throw Error(fmt::format("BACKFILL_END_DATE: expected a date ≥ BACKFILL_START_DATE ({}), found {}",
                              s.backfill_start_date, s.backfill_end_date));
    }
    return {*first, *last};
  }
  if (s.backfill_days_back && s.backfill_duration_days) {
    const auto first = today - date::days{*s.backfill_days_back};
    return {first, first + date::days{std::max(1, *s.backfill_duration_days) - 1}};
  }
  throw Error("BACKFILL_ENABLED: expected a window (BACKFILL_START_DATE and BACKFILL_END_DATE, or "
              "BACKFILL_DAYS_BACK and BACKFILL_DURATION_DAYS), found none");
}

BackfillPlan::BackfillPlan(BackfillOptions options) : m_options(std::move(options)) {
  if (m_options.zone == nullptr) {
    throw Error("backfill: no time zone");
  }
  if (m_options.window.first > m_options.window.last) {
    throw Error(fmt::format("backfill: the window {} ends before it starts", m_options.window.label()));
  }
  m_options.hourly_profile = checked_profile(m_options.hourly_profile);
  const double v = std::clamp(m_options.daily_variation, 0.0, 1.0);
  const long long cap = std::max(1LL, m_options.per_day_cap);
  long long remaining = m_options.total_cap > 0 ? m_options.total_cap : -1;
  for (auto d = m_options.window.first; d <= m_options.window.last; d += date::days{1}) {
    BackfillDay day;
    day.date = d;
    day.start_ms = local_midnight_ms(*m_options.zone, d);
    const std::int64_t midnight = local_midnight_ms(*m_options.zone, d + date::days{1});
    day.end_ms = std::max(day.start_ms, std::min(midnight, m_options.now_ms));
    day.first_visit = m_total;
    Rng rng =
      Rng::stream(m_options.seed, hash_name("backfill-day"), static_cast<std::uint64_t>(d.time_since_epoch().count()));
    const double nominal = static_cast<double>(cap) * weekday_factor(date::weekday{d}) / (1.0 + v);
    double count = nominal * (1.0 + v * rng.uniform(-1.0, 1.0));
    if (day.end_ms < midnight) {
      // Today (or a day not begun): only the part of the profile that has passed.
      BackfillDay whole = day;
      whole.end_ms = midnight;
      const double full = total_weight(slots(whole));
      count = full > 0 ? count * total_weight(slots(day)) / full : 0.0;
    }
    auto visits = std::min(cap, static_cast<long long>(std::llround(count)));
    if (remaining >= 0) {
      visits = std::min(visits, remaining);
      remaining -= visits;
    }
    day.visits = static_cast<std::uint64_t>(std::max(0LL, visits));
    m_total += day.visits;
    m_days.push_back(day);
  }
}

std::size_t BackfillPlan::day_of(std::uint64_t i) const {
  const auto it = std::upper_bound(m_days.begin(), m_days.end(), i,
                                   [](std::uint64_t index, const BackfillDay& day) { return index < day.first_visit; });
  return it == m_days.begin() ? 0 : static_cast<std::size_t>(it - m_days.begin() - 1);
}

std::vector<BackfillPlan::Slot> BackfillPlan::slots(const BackfillDay& day) const {
  std::vector<Slot> out;
  const auto& zone = *m_options.zone;
  std::int64_t t = day.start_ms;
  while (t < day.end_ms) {
    const date::sys_time<milliseconds> at{milliseconds{t}};
    const auto local = zone.to_local(at);
    const auto into_day = local - date::floor<date::days>(local);
    const auto hour = static_cast<std::size_t>(date::floor<std::chrono::hours>(into_day).count()) % 24;
    const std::int64_t into_hour = (into_day - date::floor<std::chrono::hours>(into_day)).count();
    const std::int64_t next = std::min(day.end_ms, t + k_ms_per_hour - into_hour);
    const double weight = m_options.hourly_profile[hour] * static_cast<double>(next - t) / k_ms_per_hour;
    out.push_back({t, next - t, weight});
    t = next;
  }
  return out;
}

BackfillTimeline::BackfillTimeline(const BackfillPlan& plan) : m_plan(plan) {}

void BackfillTimeline::enter_day(std::size_t day) {
  m_day = day;
  m_day_ready = true;
  m_previous_u = 0;
  m_slots = m_plan.slots(m_plan.days()[day]);
  double total = total_weight(m_slots);
  if (total <= 0) {
    // Every hour the day has weighs 0 (a DST day without the profile's only hours): uniform.
    for (auto& s : m_slots) {
      s.weight = static_cast<double>(s.length_ms);
    }
    total = total_weight(m_slots);
  }
  m_cumulative.clear();
  double sum = 0;
  for (const auto& s : m_slots) {
    sum += s.weight;
    m_cumulative.push_back(sum / total);
  }
}

std::int64_t BackfillTimeline::time_at(double u) const {
  const auto& day = m_plan.days()[m_day];
  if (m_slots.empty()) {
    return day.start_ms;
  }
  const auto it = std::lower_bound(m_cumulative.begin(), m_cumulative.end(), u);
  const auto k = std::min<std::size_t>(static_cast<std::size_t>(it - m_cumulative.begin()), m_slots.size() - 1);
  const double lo = k == 0 ? 0.0 : m_cumulative[k - 1];
  const double width = m_cumulative[k] - lo;
  const double frac = width > 0 ? std::clamp((u - lo) / width, 0.0, 1.0) : 0.0;
  return m_slots[k].start_ms + static_cast<std::int64_t>(frac * static_cast<double>(m_slots[k].length_ms));
}

std::int64_t BackfillTimeline::next_start(std::int64_t duration_ms) {
  const auto i = m_next++;
  const auto day_index = m_plan.day_of(i);
  if (!m_day_ready || day_index != m_day) {
    enter_day(day_index);
  }
  const auto& day = m_plan.days()[day_index];
  // Sorted uniforms, drawn in ascending order one at a time: the k-th of n is the previous one
  // plus the remaining span times 1 − V^(1/(n−k)).
  const auto remaining = static_cast<double>(day.first_visit + day.visits - i);
  Rng rng = Rng::stream(m_plan.options().seed, hash_name("backfill-time"), i);
  const double v = 1.0 - rng.uniform();  // (0, 1]
  m_previous_u += (1.0 - m_previous_u) * (1.0 - std::pow(v, 1.0 / remaining));
  const std::int64_t at = time_at(m_previous_u);
  const std::int64_t latest = day.end_ms - k_end_margin_ms - duration_ms;
  return std::max(day.start_ms, std::min(at, latest));
}

}  // namespace tf::model
