#pragma once
// One blocking request outside any loop, for `validate --probe`: libcurl stays inside engine/.
#include "engine/engine.hpp"

namespace tf::engine {

/// Sends `request` once (no retries) with the given connect/total timeout and returns its
/// outcome; TLS is verified unless `insecure`.
AttemptResult probe_once(const HttpRequest& request, Millis timeout, bool insecure = false);

} // namespace tf::engine
