#pragma once
// The correctness rules of reference/matomo-tracking.md as one function, shared by the tests,
// `generate` self-checks and the strict mock (tools/mock-matomo). Per-hit rules only; the
// per-visitor rules (ordering, concurrency, visits) live in the mock.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "matomo/params.hpp"

namespace tf::matomo {

struct Violation {
  std::string code;    ///< stable reason code, e.g. "BAD_VISITOR_ID", "FUTURE_CDT"
  std::string detail;  ///< human detail: parameter and value
  bool matomo_rejects = false;  ///< true: real Matomo answers 400; false: strict-only
};

struct CheckContext {
  std::int64_t now_s = 0;         ///< server "now" in UNIX seconds (cdt checks); 0 = skip time checks
  bool token_valid = false;       ///< a valid token for this site accompanies the hit
  bool site_search_enabled = true;
  std::vector<int> known_sites;   ///< empty = any site id ≥ 1
  std::vector<int> known_goals;   ///< goal ids defined for the site; empty = any
};

/// Every violation of the per-hit rules (empty = a strict Matomo records it as intended).
std::vector<Violation> check_hit(const Params& params, const CheckContext& ctx);

} // namespace tf::matomo
