#pragma once
// threads > 1: the worker loops (see engine_pool.cpp).
#include "engine/engine_impl.hpp"

namespace tf::engine {

struct Engine::Pool {
  Pool(EngineConfig config_, FlowSource& source_, Observer& observer_, BatchCodec* codec, const Clock& clock_,
       const TransportFactory& factory);
  RunResult run();
  RunResult merge(const std::vector<RunResult>& results) const;

  EngineConfig config;
  SharedState shared;
  std::vector<std::unique_ptr<Impl>> workers;  ///< the first paces the arrivals of all
};

}  // namespace tf::engine
