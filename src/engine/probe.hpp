#pragma once
// One blocking request outside any loop, for `validate --probe`: libcurl stays inside engine/.
#include <string>

#include "engine/engine.hpp"

namespace tf::engine {

/// How the probe's handle connects. The seam for TLS and proxy options (CA file, client
/// certificate, proxy): each option is a field here, applied in probe.cpp's configure_network.
struct ProbeOptions {
  Millis timeout{5000};  ///< connect and whole-request timeout
  bool insecure = false;  ///< skip TLS certificate verification
  TargetNetwork network;  ///< trust, client certificate, proxy, pinned addresses (as delivery)
  std::size_t body_cap = 4096;  ///< bytes of the answer body kept (ProbeAnswer::result.body)
};

/// The answer to one probe request.
struct ProbeAnswer {
  AttemptResult result;  ///< status (0 without an answer), error kind and text, service time, body
  std::string location;  ///< the Location header of a 3xx (redirects are never followed)
};

/// Sends `request` (GET, or POST with its body) once, no retries, no redirects followed.
ProbeAnswer probe(const HttpRequest& request, const ProbeOptions& options);

/// Sends `request` once (no retries) with the given connect/total timeout and returns its
/// outcome; TLS is verified unless `insecure`. `network` as the delivery transport uses it (trust,
/// client certificate, proxy, pinned addresses); a failure's error_text names why (see
/// transfer_error_text: the TLS check that failed, a hostname mismatch, a handshake alert).
AttemptResult probe_once(const HttpRequest& request, Millis timeout, const TargetNetwork& network = {},
                         bool insecure = false);

}  // namespace tf::engine
