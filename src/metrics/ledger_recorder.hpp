#pragma once
// LedgerRecorder: feeds a Ledger (metrics/ledger.hpp) hit by hit and visit by visit.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "metrics/ledger.hpp"
#include "metrics/visitor_table.hpp"

namespace tf::metrics {

/// Feeds a Ledger; remembers which visitors each day already counted (memory grows with
/// distinct visitors per day, not with hits). Not thread-safe: call under the ledger's lock.
/// Keeps a pointer to the last day it counted and the by_visitor entries it itemised: a ledger it
/// feeds may gain days, never lose them, and outlives the recorder's use.
class LedgerRecorder {
public:
  /// `itemised` (optional): a counter of by_visitor entries shared with other recorders (one per
  /// event loop) so that the cap holds over all of them; by default the recorder counts its own.
  explicit LedgerRecorder(std::atomic<std::size_t>* itemised = nullptr) : m_shared_itemised(itemised) {}
  /// Counts `hit` as acked (true) or unconfirmed (false).
  void record(Ledger& ledger, const LedgerHit& hit, bool acked);
  /// Adds one visit's `counts` to visitor `visitor_id` (Matomo's idvisitor) of `target` on `day`,
  /// itemised while fewer than k_ledger_visitor_cap entries were, else to the day's `untracked`.
  /// An id of 16 lowercase hex digits (every id a run sends) is itemised in the recorder, not in
  /// `ledger`'s by_visitor: add_visitors puts it there. Other ids go to `ledger` directly.
  void record_visitor(Ledger& ledger, const std::string& target, int site_id, std::int64_t day,
                      const std::string& visitor_id, const VisitorCounts& counts);
  /// Adds the visitors the recorder itemised to `into`'s by_visitor, by target name and day:
  /// `into` is a copy of the ledger it fed (a snapshot with visitor details), or any other.
  void add_visitors(Ledger& into) const { m_table.add_to(into); }

private:
  void count_visitor(Bound& bound, const LedgerHit& hit, bool acked);
  /// One more by_visitor entry, if the cap allows it.
  bool take_itemised_slot() noexcept;
  LedgerDay& day_of(Ledger& ledger, const LedgerHit& hit);

  // the day of the previous hit: most hits go to the same one (map nodes are stable)
  const Ledger* m_ledger = nullptr;
  const std::string* m_target = nullptr;
  std::int64_t m_day = 0;
  LedgerTarget* m_target_counts = nullptr;
  LedgerDay* m_counts = nullptr;

  /// (target, day, visitor) keys counted: true acked, false unconfirmed (one probe per visit)
  std::unordered_map<std::uint64_t, bool> m_visitors;
  VisitorTable m_table;  ///< the visitors itemised (ids of 16 hex digits)
  std::size_t m_itemised = 0;  ///< by_visitor entries this recorder created
  std::atomic<std::size_t>* m_shared_itemised = nullptr;  ///< … or all recorders sharing it
};

}  // namespace tf::metrics
