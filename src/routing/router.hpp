#pragma once
// Per-visitor routing across targets. Every hit of a visit, and every visit of a returning
// visitor, goes to the same target: the choice is a pure function of the visitor key (plus
// failover while a target's circuit is open). Mirror sends each visit to every enabled target.
// One rule for every source: run, backfill and generate route a visit by route_key(visit).
#include <cstdint>
#include <vector>

#include "config/targets.hpp"
#include "model/visit.hpp"
#include "routing/health.hpp"
#include "routing/strategy.hpp"

namespace tf::routing {

/// The routing key of a visit: its visitor's key, for fresh and returning visitors, realtime and
/// backfill alike. A visitor's visits all go to one target, whatever mode sent them.
inline std::uint64_t route_key(const model::Visit& visit) { return visit.visitor.key; }

class Router {
public:
  /// `health`: the targets' circuits, for failover (null: every target healthy); it must outlive
  /// the router. Throws tf::Error (usage) when no target is enabled, or a weighted target has
  /// weight < 1.
  explicit Router(const config::TargetsConfig& config, const HealthView* health = nullptr);

  /// Targets (indices into the configured list) that receive this visit: route(route_key(visit)).
  std::vector<std::size_t> route(const model::Visit& visit) const { return route(route_key(visit)); }

  /// Targets that receive the visit of the visitor with this key.
  /// round-robin: the enabled targets in order, by visitor key (consecutive keys cycle; visitor
  /// keys are uniformly random, so visitors split evenly in expectation);
  /// weighted: probability ∝ weight, from a hash of the key; random: uniform, from a hash.
  /// A visitor whose target's circuit is open goes to the next enabled target whose circuit is
  /// not (in configuration order); if all are open, to its own target.
  /// mirror: every enabled target, whatever their circuits.
  std::vector<std::size_t> route(std::uint64_t visitor_key) const;

  /// The target chosen without failover (one target; mirror: the first enabled).
  std::size_t home(std::uint64_t visitor_key) const;

  /// The part of the flows each configured target receives when no circuit is open, summing
  /// to 1: round-robin, random and mirror (every arrival makes one flow per enabled target)
  /// 1/K for each of the K enabled targets; weighted: weight / sum of the enabled weights;
  /// disabled targets 0. Feeds engine::reserve_shares (each target's share of CONCURRENCY).
  std::vector<double> shares() const;

  Strategy strategy() const { return m_strategy; }
  const std::vector<std::size_t>& enabled() const { return m_enabled; }

private:
  Strategy m_strategy;
  const HealthView* m_health;
  std::vector<std::size_t> m_enabled;  ///< indices of enabled targets, in configured order
  std::vector<double> m_cumulative;  ///< cumulative weight share per enabled target (weighted)
  std::size_t m_configured = 0;  ///< targets configured, enabled or not
};

}  // namespace tf::routing
