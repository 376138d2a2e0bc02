#pragma once
// What routing needs to know of the targets' health: whether a target takes new visits. The
// engine's circuit breakers are behind it (delivery::TargetHealth); routing never sees the engine.
#include <cstddef>

namespace tf::routing {

/// A read-only view of the targets' circuits, by index into the configured targets.
class HealthView {
public:
  virtual ~HealthView() = default;
  /// Target `target`'s circuit is open or half-open (in any event loop): no new visits for it
  /// while another target is healthy. Thread-safe.
  virtual bool open(std::size_t target) const = 0;
};

}  // namespace tf::routing
