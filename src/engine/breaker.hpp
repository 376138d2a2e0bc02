#pragma once
// Per-target resilience: a sliding window of request/failure/retry counts, the circuit breaker
// (closed → open → half-open → closed) and the retry budget. Pure: time is passed in.
#include <deque>

#include "engine/engine.hpp"

namespace tf::engine {

/// Counts over the last `window`, in ten slices.
class WindowCounter {
public:
  explicit WindowCounter(Millis window);
  void add(SteadyTime now, long long requests, long long failures, long long retries);
  struct Totals { long long requests = 0, failures = 0, retries = 0; };
  Totals totals(SteadyTime now);
  void clear() { m_slices.clear(); }

private:
  struct Slice { SteadyTime start; Totals totals; };
  void expire(SteadyTime now);
  std::chrono::nanoseconds m_window, m_slice;
  std::deque<Slice> m_slices;
};

class CircuitBreaker {
public:
  explicit CircuitBreaker(BreakerPolicy policy);
  /// The state at `now` (open turns half-open once its time is up).
  BreakerState state(SteadyTime now);
  /// May a request be sent now? Closed: yes; open: no; half-open: while probes remain.
  bool allow(SteadyTime now);
  /// A request was sent (counts half-open probes).
  void on_sent(SteadyTime now);
  /// Records an answer; returns true when the state changed (read it with state()).
  bool record(bool failure, SteadyTime now);
  SteadyTime reopen_at() const { return m_open_until; }
  long long opens() const { return m_opens; }
  /// Time spent open or half-open up to now.
  Micros time_open(SteadyTime now) const;

private:
  void open(SteadyTime now);
  BreakerPolicy m_policy;
  BreakerState m_state = BreakerState::closed;
  WindowCounter m_window;
  int m_consecutive = 0;
  int m_probes_sent = 0, m_probes_ok = 0;
  SteadyTime m_open_until{}, m_opened_at{};
  Micros m_time_open{0};
  long long m_opens = 0;
};

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

} // namespace tf::engine
