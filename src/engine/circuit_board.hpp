#pragma once
// Which targets have a circuit that is not closed, over every event loop of a run. Made before
// the engine (EngineConfig::circuits) so that whoever routes visits can read it without knowing
// the engine: the loops write their breaker transitions, routing reads open().
#include <atomic>
#include <cstddef>
#include <memory>

namespace tf::engine {

class CircuitBoard {
public:
  /// For `targets` targets, every circuit closed.
  explicit CircuitBoard(std::size_t targets);

  /// Target `target`'s circuit is open or half-open in at least one loop; false for a target
  /// out of range. Thread-safe.
  bool open(std::size_t target) const;

  /// One loop's circuit for `target` left closed (`open` true) or came back to closed (false).
  /// Each loop reports only its own transitions, each once. Thread-safe.
  void set(std::size_t target, bool open);

  std::size_t size() const { return m_size; }

private:
  std::size_t m_size;
  std::unique_ptr<std::atomic<int>[]> m_open_loops;  ///< per target: loops whose circuit is not closed
};

}  // namespace tf::engine
