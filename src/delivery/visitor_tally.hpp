#pragma once
// The ledger's per-visitor counts (metrics::VisitorCounts), gathered per visit: each hit adds
// to its VisitFlow's tally (no look-up), and the tally joins the ledger once, when the visit is
// done or moves to the next site-local day.
#include <cstddef>
#include <cstdint>
#include <string>

#include "metrics/ledger_recorder.hpp"

namespace tf::model {
struct Visitor;
}

namespace tf::delivery {

class VisitFlow;

/// One visit's visits and actions on one site-local day, not yet in the ledger.
struct VisitTally {
  std::int64_t day = 0;
  metrics::VisitorCounts counts;
  std::string visitor_id;  ///< matomo_visitor_id, noted when the first hit is encoded; empty: not yet
};

/// The ledger's view of the last hit of a flow encoded (LedgerFeed::mark), its target unset.
struct LedgerMark {
  std::size_t step = static_cast<std::size_t>(-1);  ///< none yet
  metrics::LedgerHit hit;
};

/// Matomo's idvisitor of `visitor`: the first 16 hex of sha1(uid) with a uid, else its id
/// (sent as _id and cid).
std::string matomo_visitor_id(const model::Visitor& visitor);

/// Does `action` count as an action of a visit in Matomo's Live (actionDetails): pageviews,
/// site searches, outlinks, downloads, events, content interactions.
bool is_visit_action(metrics::Measure action) noexcept;

/// Adds hit `hit` of `flow` (counted in the ledger, acked or not) to the flow's tally. A hit that
/// starts the visit's next site-local day first moves the day before into `ledger`.
void tally_hit(metrics::Ledger& ledger, metrics::LedgerRecorder& recorder, VisitFlow& flow,
               const metrics::LedgerHit& hit, bool acked);

/// Moves `flow`'s tally into `ledger` (once the visit is done); nothing when it is empty.
void flush_tally(metrics::Ledger& ledger, metrics::LedgerRecorder& recorder, VisitFlow& flow,
                 const std::string& target);

}  // namespace tf::delivery
