#pragma once
// The ledger: what each target's Matomo site should hold, per site-local day, by measure
// (issue 21). Each measure keeps what was acked and an upper bound from unconfirmed hits, so that
// `verify` can say ok when Matomo's number lies in [acked, acked + unconfirmed].
// Plain data (copied in snapshots, added by `merge`); LedgerRecorder (metrics/ledger_recorder.hpp)
// feeds it hit by hit.
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace tf::metrics {

/// What the ledger counts. Names (to_string) are the summary's and `verify`'s contract.
enum class Measure : std::uint8_t {
  visits,
  visitors,
  pageviews,
  site_searches,
  outlinks,
  downloads,
  events,
  content_interactions,
  orders,
  revenue_cents,
  cart_updates
};
inline constexpr std::size_t k_measure_count = 11;

/// "visits", "visitors", "pageviews", "site_searches", "outlinks", "downloads", "events",
/// "content_interactions", "orders", "revenue_cents", "cart_updates".
std::string_view to_string(Measure measure) noexcept;
std::optional<Measure> measure_from_string(std::string_view name) noexcept;

/// A count that Matomo should hold: at least `acked`, at most `acked + unconfirmed`.
struct Bound {
  std::uint64_t acked = 0;
  std::uint64_t unconfirmed = 0;  ///< the upper bound's excess over acked
  void add(const Bound& other) noexcept {
    acked += other.acked;
    unconfirmed += other.unconfirmed;
  }
  bool operator==(const Bound&) const = default;
};

/// One visitor's share of a day (`verify --live` compares it per visitor): visits, and actions
/// (pageviews, site searches, outlinks, downloads, events and content interactions).
struct VisitorCounts {
  Bound visits;
  Bound actions;
  void add(const VisitorCounts& other) noexcept {
    visits.add(other.visits);
    actions.add(other.actions);
  }
  bool empty() const noexcept { return visits == Bound{} && actions == Bound{}; }
  bool operator==(const VisitorCounts&) const = default;
};

/// A recorder itemises at most this many (target, day, visitor) entries; the visits and actions
/// of visitors first seen past it add to LedgerDay::untracked (bounded memory and summary size:
/// about 60 bytes of JSON an entry).
inline constexpr std::size_t k_ledger_visitor_cap = 20'000;

/// One site-local day of one target.
struct LedgerDay {
  std::array<Bound, k_measure_count> measures{};
  std::map<int, Bound> goals;  ///< conversions per goal id (> 0)
  std::map<std::string, VisitorCounts> by_visitor;  ///< by Matomo's idvisitor (16 hex)
  VisitorCounts untracked;  ///< visitors past k_ledger_visitor_cap, not itemised

  Bound& operator[](Measure m) noexcept { return measures[static_cast<std::size_t>(m)]; }
  const Bound& operator[](Measure m) const noexcept { return measures[static_cast<std::size_t>(m)]; }
  /// Adds `other`'s counts; without `visitor_details`, not its by_visitor and untracked.
  void add(const LedgerDay& other, bool visitor_details = true);
  bool operator==(const LedgerDay&) const = default;
};

/// The ledger of one target: its site and its days (days since 1970-01-01, site-local).
struct LedgerTarget {
  std::string name;
  int site_id = 1;
  std::map<std::int64_t, LedgerDay> days;
};

struct Ledger {
  std::map<std::string, LedgerTarget> targets;  ///< by target name

  /// Adds `other`: targets by name, days by date, counts add (shards never share a visitor, so
  /// distinct visitors add too). Without `visitor_details`, `other`'s by_visitor and untracked
  /// are left out.
  void merge(const Ledger& other, bool visitor_details = true);
  bool empty() const noexcept { return targets.empty(); }
  /// Drops every day's by_visitor and untracked (a live view has no use for them; they can be
  /// thousands of entries to serialise each second).
  void drop_visitor_details() noexcept;
};

/// What the ledger needs to know of one hit that ended acked or unconfirmed.
struct LedgerHit {
  const std::string* target = nullptr;  ///< target name (stable while recording)
  int site_id = 1;
  std::int64_t day = 0;  ///< site-local day of the hit's time
  std::optional<Measure> action;  ///< pageviews … cart_updates; nullopt: ping, goal
  bool starts_visit = false;  ///< the first hit of the visit, or its first of a new day
  std::uint64_t visitor = 0;  ///< a hash of the visitor's Matomo id (uid or id)
  std::int64_t revenue_cents = 0;  ///< orders only
  int goal = -1;  ///< > 0: a goal conversion
};

/// "YYYY-MM-DD" of a day number (days since 1970-01-01) and back; nullopt when malformed.
std::string format_day(std::int64_t day);
std::optional<std::int64_t> parse_day(std::string_view text);

}  // namespace tf::metrics
