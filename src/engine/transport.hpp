#pragma once
// The transport seam: the engine loop starts requests and waits for their completions through
// this interface. make_curl_transport() is the real one (libcurl multi); tests use a fake.
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/engine.hpp"

namespace tf::engine {

struct Completion {
  std::uint64_t token = 0;
  AttemptResult result;  ///< status, error, error_text, service_time, retry_after, body
};

class Transport {
public:
  virtual ~Transport() = default;
  /// Starts one request; its completion comes from a later wait() with the same token. May take
  /// request.body (swapping another buffer in, of unspecified content) instead of copying it.
  virtual void start(std::uint64_t token, HttpRequest& request) = 0;
  /// Blocks until at least one completion, a wakeup(), or the deadline; appends completions.
  virtual void wait(SteadyTime deadline, std::vector<Completion>& out) = 0;
  /// Makes a blocked or the next wait() return early. Thread-safe and async-signal-safe.
  virtual void wakeup() noexcept = 0;
  /// Abandons every request in flight (no completions are reported for them).
  virtual void cancel_all() = 0;
  /// The loop is done: no more wait() from it (a test's shared fake time stops waiting for it).
  virtual void close() {}
};

/// libcurl multi transport: pooled easy handles, keep-alive, MAXCONNECTS ≥ max_connections.
std::unique_ptr<Transport> make_curl_transport(const EngineConfig& config, const Clock& clock);

}  // namespace tf::engine
