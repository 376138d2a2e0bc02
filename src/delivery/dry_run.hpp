#pragma once
// --dry-run: the visits are built and "delivered", nothing is sent.
#include "engine/engine.hpp"

namespace tf::delivery {

/// A transport that answers every request at once with 204 and sends nothing; each request is
/// printed to stdout instead, one line: `POST URL BODY` (tokens as ***).
engine::TransportFactory make_dry_run_transport();

}  // namespace tf::delivery
