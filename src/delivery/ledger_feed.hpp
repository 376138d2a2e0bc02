#pragma once
// From a delivered hit of a VisitFlow to the ledger's view of it (metrics/ledger.hpp).
#include <cstddef>
#include <cstdint>

#include "delivery/visit_flow.hpp"
#include "metrics/ledger.hpp"

namespace tf::delivery {

/// Not thread-safe: call under the metrics lock (it caches the last site-local day's bounds).
class LedgerFeed {
public:
  /// The ledger's view of hit `step` of `flow`, on target `name`. The hit was sent: its time
  /// (and its predecessors') are dated.
  metrics::LedgerHit hit_of(VisitFlow& flow, std::size_t step, const std::string& name);
  /// Days since 1970-01-01 in `zone` (null: UTC) of `time_us` (UNIX µs).
  std::int64_t local_day(const date::time_zone* zone, std::int64_t time_us);

private:
  /// `time_us` lies in the interval of the last local_day() (same zone, same day): no look-up.
  bool same_day_as_last(std::int64_t time_us) const { return time_us >= m_begin_us && time_us < m_end_us; }

  const date::time_zone* m_zone = nullptr;
  std::int64_t m_begin_us = 1, m_end_us = 0, m_day = 0;  ///< [begin, end) is day m_day in m_zone
};

}  // namespace tf::delivery
