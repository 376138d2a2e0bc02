#pragma once
// One blocking request outside any loop, for `validate --probe`: libcurl stays inside engine/.
#include "engine/engine.hpp"

namespace tf::engine {

/// Sends `request` once (no retries) with the given connect/total timeout and returns its
/// outcome; TLS is verified unless `insecure`. `network` as the delivery transport uses it (trust,
/// client certificate, proxy, pinned addresses); a failure's error_text names why (see
/// transfer_error_text: the TLS check that failed, a hostname mismatch, a handshake alert).
AttemptResult probe_once(const HttpRequest& request, Millis timeout, const TargetNetwork& network = {},
                         bool insecure = false);

} // namespace tf::engine
