#pragma once
// The retry policy in one place: how an attempt's end is classified (failure, may have been
// recorded, worth a retry), what becomes of the step (Decision), how long to wait before the
// next attempt, and the per-target retry budget that stops retry storms. Pure: time and
// randomness are passed in.
#include <cstdint>

#include "engine/breaker.hpp"
#include "engine/engine.hpp"
#include "util/random.hpp"

namespace tf::engine {

/// Classifies a finished transfer (libcurl's CURLcode as an int). http_status is 0 when no
/// answer was received.
ErrorKind classify(int curl_code, int http_status);

/// Retries ≤ max(floor, share × requests) over the window.
class RetryBudget {
public:
  RetryBudget(double share, int floor, Millis window) : m_share(share), m_floor(floor), m_window(window) {}
  void on_request(SteadyTime now, long long n) { m_window.add(now, n, 0, 0); }
  /// Takes one retry from the budget if it allows; false = refused.
  bool try_retry(SteadyTime now);

private:
  double m_share;
  int m_floor;
  WindowCounter m_window;
};

/// Does this answer count as a failure for the breaker (transport errors, redirects, 408, 429,
/// 5xx)? (A bulk answer counting every hit invalid is one too: the engine adds it.)
bool is_failure(const AttemptResult& result);
/// May the server have recorded this attempt although it did not succeed: a transport error
/// after the request was sent, or any failure of a request libcurl sent twice (the answer is
/// the second's: e.g. a DUPLICATE order refused because the first was recorded)?
bool may_be_recorded(const AttemptResult& result);
/// Is this answer worth a retry: a failure that cannot have been recorded, not a redirect
/// (a step that may have been recorded is resent only with RetryPolicy::retry_unconfirmed)?
bool is_retryable(const AttemptResult& result);
/// A definite "no" from the server: a 4xx other than 408 and 429.
bool is_refusal(const AttemptResult& result);

/// What becomes of one step carried by a completed request.
enum class Decision : std::uint8_t { ack, reject, fail, unconfirm, retry, over_budget };

/// The decision for a step whose attempt (number `attempts`, 1-based) ended with `result`, not
/// sorted by a bulk answer: ack, reject (a refusal), unconfirm (may have been recorded and not to
/// be resent), retry (the caller then asks the budget: over_budget when it refuses), or fail.
Decision decide_attempt(const AttemptResult& result, const RetryPolicy& policy, int attempts);

/// The wait before attempt `attempts` + 1: the server's Retry-After (up to retry_after_cap), else
/// backoff × 2^(attempts-1) with ± jitter drawn from `rng`.
Millis retry_delay(const RetryPolicy& policy, int attempts, const AttemptResult& result, Rng& rng);

}  // namespace tf::engine
