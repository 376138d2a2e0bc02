#pragma once
// From a delivered hit of a VisitFlow to the ledger's view of it (metrics/ledger.hpp).
#include <cstddef>
#include <cstdint>

#include "delivery/visit_flow.hpp"
#include "metrics/ledger.hpp"

namespace tf::delivery {

/// Not thread-safe: one per thread (thread_feed), or call under the metrics lock (it caches the
/// last site-local day's bounds).
class LedgerFeed {
public:
  /// The ledger's view of hit `step` of `flow`, on target `name`. The hit was sent: its time
  /// (and its predecessors') are dated.
  metrics::LedgerHit hit_of(VisitFlow& flow, std::size_t step, const std::string& name);
  /// Notes the ledger's view of hit `step` of `flow`, dated `time_us` (its hit_time_us), in
  /// `flow.ledger_mark` while the visit is hot: called as the hit is encoded, so that the answer
  /// path (ledger_hit) reads only the flow. The first hit also notes the visitor's Matomo id.
  void mark(VisitFlow& flow, std::size_t step, std::int64_t time_us);
  /// hit_of, from the flow's mark when it is of `step` (the same view, without the look-ups).
  metrics::LedgerHit ledger_hit(VisitFlow& flow, std::size_t step, const std::string& name);
  /// Days since 1970-01-01 in `zone` (null: UTC) of `time_us` (UNIX µs).
  std::int64_t local_day(const date::time_zone* zone, std::int64_t time_us);

private:
  /// `time_us` lies in the interval of the last local_day() (same zone, same day): no look-up.
  bool same_day_as_last(std::int64_t time_us) const { return time_us >= m_begin_us && time_us < m_end_us; }
  /// Hit `step` (> 0), on site-local `day` (the last local_day()), falls on another day than the
  /// hit before it: Matomo counts a new visit there.
  bool new_day_after_previous(VisitFlow& flow, std::size_t step, std::int64_t day);
  /// The view of hit `step` (its site-local `day`, whether it starts a visit), target unset.
  static metrics::LedgerHit view_of(const VisitFlow& flow, std::size_t step, std::int64_t day, bool starts_visit);

  const date::time_zone* m_zone = nullptr;
  std::int64_t m_begin_us = 1, m_end_us = 0, m_day = 0;  ///< [begin, end) is day m_day in m_zone
};

/// This thread's LedgerFeed (a pure cache: right for any zone and time).
LedgerFeed& thread_feed();

}  // namespace tf::delivery
