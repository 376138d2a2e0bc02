#pragma once
// Per-target resilience: a sliding window of request/failure/retry counts and the circuit
// breaker (closed → open → half-open → closed). Pure: time is passed in. The retry policy
// (classification, delay, budget) is engine/retry.hpp.
#include <deque>

#include "engine/engine.hpp"

namespace tf::engine {

/// Counts over the last `window`, in ten slices.
class WindowCounter {
public:
  explicit WindowCounter(Millis window);
  void add(SteadyTime now, long long requests, long long failures, long long retries);
  struct Totals {
    long long requests = 0, failures = 0, retries = 0;
  };
  Totals totals(SteadyTime now);
  void clear() { m_slices.clear(); }

private:
  struct Slice {
    SteadyTime start;
    Totals totals;
  };
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

}  // namespace tf::engine
