#pragma once
// Per-visitor routing across targets. Every hit of a visit, and every visit of a returning
// visitor, goes to the same target: the choice is a pure function of the visitor key (plus
// failover while a target's circuit is open). Mirror sends each visit to every enabled target.
#include <cstdint>
#include <functional>
#include <vector>

#include "config/targets.hpp"

namespace tf::routing {

class Router {
public:
  /// Throws tf::Error (usage) when no target is enabled, or a weighted target has weight < 1.
  explicit Router(const config::TargetsConfig& config);

  /// Targets (indices into the configured list) that receive the visit of this visitor.
  /// round-robin: the enabled targets in order, by visitor key (consecutive keys cycle);
  /// weighted: probability ∝ weight, from a hash of the key; random: uniform, from a hash.
  /// `is_open(t)`: target t's circuit is open. A visitor whose target is open goes to the next
  /// enabled target that is not (in configuration order); if all are open, to its own target.
  /// mirror: every enabled target, whatever their circuits.
  std::vector<std::size_t> route(std::uint64_t visitor_key,
                                 const std::function<bool(std::size_t)>& is_open = {}) const;

  /// The target chosen without failover (one target; mirror: the first enabled).
  std::size_t home(std::uint64_t visitor_key) const;

  /// The part of the flows each configured target receives when no circuit is open, summing
  /// to 1: round-robin, random and mirror (every arrival makes one flow per enabled target)
  /// 1/K for each of the K enabled targets; weighted: weight / sum of the enabled weights;
  /// disabled targets 0. Feeds engine::reserve_shares (each target's share of CONCURRENCY).
  std::vector<double> shares() const;

  config::Strategy strategy() const { return m_strategy; }
  const std::vector<std::size_t>& enabled() const { return m_enabled; }

private:
  config::Strategy m_strategy;
  std::vector<std::size_t> m_enabled;    ///< indices of enabled targets, in configured order
  std::vector<double> m_cumulative;      ///< cumulative weight share per enabled target (weighted)
  std::size_t m_configured = 0;          ///< targets configured, enabled or not
};

} // namespace tf::routing
