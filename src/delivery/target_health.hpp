#pragma once
// The targets' health as routing and the engine share it, made before either: the engine's loops
// write their breaker transitions to board() (EngineConfig::circuits), the router reads open().
// Neither holds the other: no two-phase wiring.
#include <cstddef>
#include <memory>

#include "engine/circuit_board.hpp"
#include "routing/health.hpp"

namespace tf::delivery {

class TargetHealth final : public routing::HealthView {
public:
  /// For `targets` targets, every circuit closed.
  explicit TargetHealth(std::size_t targets) : m_board(std::make_shared<engine::CircuitBoard>(targets)) {}

  bool open(std::size_t target) const override { return m_board->open(target); }
  /// For EngineConfig::circuits.
  const std::shared_ptr<engine::CircuitBoard>& board() const { return m_board; }

private:
  std::shared_ptr<engine::CircuitBoard> m_board;
};

}  // namespace tf::delivery
