#pragma once
// Admission of flows: CONCURRENCY with a reserved share per target (FlowAdmission), the ready
// flows waiting for it (ReadyQueues), and the shares' reservation (reserve_shares).
#include <algorithm>
#include <cstdint>
#include <deque>
#include <vector>

#include "engine/engine.hpp"

namespace tf::engine {

/// Sets targets[i].reserved_flows = floor(CONCURRENCY × shares[i]) (shares: the part of the flows
/// each target receives, summing to ≤ 1; 0 for a disabled target), at least 1 for a target with a
/// share > 0, taking any excess back from the largest reservations. When CONCURRENCY is below the
/// number of targets with a share, nobody reserves anything (one global CONCURRENCY): a target
/// with a share and no reservation could never start while the others' reservations fill it.
void reserve_shares(EngineConfig& config, const std::vector<double>& shares);

/// CONCURRENCY with a reserved share per target (TargetLimits::reserved_flows). Lanes are the
/// target indices plus one last lane for flows naming no configured target (reserving nothing).
/// Not thread-safe: SharedState guards its copy with a mutex.
class FlowAdmission {
public:
  FlowAdmission() = default;
  FlowAdmission(int limit, const std::vector<TargetLimits>& targets) : m_limit(std::max(1, limit)) {
    for (const auto& t : targets) {
      m_reserved.push_back(std::max(0, t.reserved_flows));
    }
    m_reserved.push_back(0);
    m_in.assign(m_reserved.size(), 0);
  }
  std::size_t lanes() const { return m_in.size(); }
  /// True when a flow of `lane` may start now; `open(u)`: u's circuit is open or half-open, so
  /// it reserves nothing (its new visits fail over and its share is lent to the others).
  template <class Open>
  bool may_start(std::size_t lane, const Open& open) const {
    if (m_total >= m_limit) {
      return false;
    }
    long long committed = 0;  // Σ_u max(in_progress_u, reserved_u)
    for (std::size_t u = 0; u < m_in.size(); ++u) {
      const long long reserved = m_reserved[u] > 0 && open(u) ? 0 : m_reserved[u];
      if (u == lane && m_in[u] < reserved) {
        return true;
      }
      committed += std::max(m_in[u], reserved);
    }
    return committed < m_limit;
  }
  void start(std::size_t lane) {
    ++m_in[lane];
    ++m_total;
  }
  void finish(std::size_t lane) {
    --m_in[lane];
    --m_total;
  }

private:
  long long m_limit = 1;
  std::vector<long long> m_reserved, m_in;  ///< per lane
  long long m_total = 0;
};

/// Flows ready to start (their order key free) that wait for CONCURRENCY or their target's
/// share: one FIFO per admission lane, so flows of a target held at its share do not hold back
/// the other targets' flows queued behind them.
struct ReadyQueues {
  std::vector<std::deque<std::uint32_t>> fifo;  ///< per lane: flow slots, in the order they became ready
  std::size_t count = 0;
  std::size_t size() const { return count; }
  bool empty() const { return count == 0; }
  void push(std::size_t lane, std::uint32_t slot) {
    fifo[lane].push_back(slot);
    ++count;
  }
  std::uint32_t pop(std::size_t lane) {
    const std::uint32_t slot = fifo[lane].front();
    fifo[lane].pop_front();
    --count;
    return slot;
  }
  void clear() {
    for (auto& f : fifo) {
      f.clear();
    }
    count = 0;
  }
  std::size_t longest() const {
    std::size_t n = 0;
    for (const auto& f : fifo) {
      n = std::max(n, f.size());
    }
    return n;
  }
};

}  // namespace tf::engine
