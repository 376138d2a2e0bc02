// The checkpoint's visits in progress (backfill_checkpoint.hpp): a table of slots by visit
// index, so that the look-up of each write-ahead log record needs no hashing.
#include "app/backfill_checkpoint.hpp"

namespace tf::app {

Checkpoint::LiveVisit& Checkpoint::live_visit(std::uint64_t visit) {
  auto& slot = m_ring[visit % k_ring_slots];
  if (slot.visit == visit) {
    return slot;
  }
  if (slot.visit != k_no_visit) {  // another visit in progress (or left incomplete) moves out
    m_live[slot.visit] = std::move(slot.targets);
    slot.targets = {};
  }
  slot.visit = visit;
  slot.targets.clear();
  if (const auto moved = m_live.find(visit); moved != m_live.end()) {
    slot.targets = std::move(moved->second);
    m_live.erase(moved);
  }
  return slot;
}

std::vector<Checkpoint::LiveTarget>* Checkpoint::find_live(std::uint64_t visit) {
  if (m_ring[visit % k_ring_slots].visit == visit) {
    return &m_ring[visit % k_ring_slots].targets;
  }
  const auto it = m_live.find(visit);
  return it == m_live.end() ? nullptr : &it->second;
}

Checkpoint::LiveTarget& Checkpoint::add_live(std::uint64_t visit, std::size_t target) {
  auto& targets = live_visit(visit).targets;
  for (auto& t : targets) {
    if (t.target == target) {
      return t;
    }
  }
  const auto settled = earlier(visit, target);
  return targets.emplace_back(LiveTarget{target, settled, settled, 0, checkpoint_log::prefix(visit, target)});
}

}  // namespace tf::app
