#pragma once
// threads > 1: the coordinator and its worker loops (see engine_pool.cpp).
#include "engine/engine_impl.hpp"

namespace tf::engine {

struct Engine::Pool {
  Pool(EngineConfig config_, FlowSource& source_, Observer& observer_, BatchCodec* codec,
       const Clock& clock_, const TransportFactory& factory);
  RunResult run();
  /// Paces arrivals until a stop condition; returns it.
  StopReason pace(SteadyTime start);
  bool hand_out(ArrivalSchedule& schedule);
  void wait_for_cap(ArrivalSchedule& schedule, SteadyTime resume, std::optional<SteadyTime> end);
  /// Sleeps towards `until` (at most one tick); false when a stop was requested.
  bool nap_until(SteadyTime until);
  void stop_workers(StopReason reason);
  RunResult merge(const std::vector<RunResult>& results, StopReason reason, const std::string& error_text) const;

  EngineConfig config;
  FlowSource& source;
  Observer& observer;
  const Clock& clock;
  SharedState shared;
  std::vector<std::unique_ptr<Impl>> workers;
  std::atomic<int> stop_level{0};
  std::atomic<bool> paused{false};
  long long arrivals = 0;
};

} // namespace tf::engine
