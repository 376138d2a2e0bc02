#pragma once
// `trafficinator generate`: the visits `run` would send with the same configuration and seed,
// written without any network traffic.
//
// Output formats
// - ndjson (default): one hit a line,
//   {"visit":i,"hit":k,"at_ms":<offset from the visit start>,"target":"<name>","params":{...}}
//   params in wire order, ec_items as a JSON array, and "token_auth":"***" (the real token with
//   --show-secrets) when the target has a token. With a token the hit is what a POST body
//   carries (cip included when RANDOMIZE_VISITOR_COUNTRIES); without one there is no cip.
// - urls: one GET tracking URL a line. URLs never carry a token, so they never carry cip.
// Time: a realtime visit is anchored at the fixed instant 2026-01-01T00:00:00Z plus its Poisson
// arrival (Visit::arrival_ms), so cdt/h/m/s are deterministic and checkable; `run` anchors at
// the send time instead. Targets: each visit is written for every target `run` routes it to
// (the same Router, no circuit open: weighted/round-robin/random pick one, mirror all enabled),
// with that target's name, site id and token, one visit's copies one after the other. Output is
// byte-identical for the same configuration and seed.
#include <cstdint>
#include <ostream>

#include "app/commands.hpp"

namespace tf::app {

/// The fixed anchor of realtime visits in `generate` output, UNIX ms (2026-01-01T00:00:00Z).
inline constexpr std::int64_t k_generate_epoch_ms = 1'767'225'600'000;

struct GenerateTotals {
  std::uint64_t seed = 0;
  bool seed_given = false;
  std::uint64_t visits = 0;  ///< visits written (this shard's share)
  std::uint64_t hits = 0;  ///< lines written: every routed copy of each hit
};

/// Writes the hits of visits [0, options.visits) that fall to options.shard to `out`.
/// Throws tf::Error for bad configuration (unknown format or time zone, unreadable files).
GenerateTotals write_generated(const GenerateOptions& options, std::ostream& out);

/// The whole subcommand: output file or stdout, a one-line summary with the seed on stderr.
int generate_command(const GenerateOptions& options);

}  // namespace tf::app
