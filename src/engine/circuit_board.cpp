#include "engine/circuit_board.hpp"

namespace tf::engine {

CircuitBoard::CircuitBoard(std::size_t targets)
  : m_size(targets), m_open_loops(std::make_unique<std::atomic<int>[]>(targets)) {}

bool CircuitBoard::open(std::size_t target) const {
  return target < m_size && m_open_loops[target].load(std::memory_order_relaxed) > 0;
}

void CircuitBoard::set(std::size_t target, bool open) {
  if (target < m_size) {
    m_open_loops[target].fetch_add(open ? 1 : -1, std::memory_order_relaxed);
  }
}

}  // namespace tf::engine
