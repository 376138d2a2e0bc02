#include "engine/breaker.hpp"

#include <algorithm>
#include <cmath>

namespace tf::engine {

WindowCounter::WindowCounter(Millis window) : m_window(std::max(window, Millis{10})), m_slice(m_window / 10) {}

void WindowCounter::expire(SteadyTime now) {
  while (!m_slices.empty() && m_slices.front().start + m_window <= now) {
    m_slices.pop_front();
  }
}

void WindowCounter::add(SteadyTime now, long long requests, long long failures, long long retries) {
  expire(now);
  if (m_slices.empty() || m_slices.back().start + m_slice <= now) {
    m_slices.push_back(Slice{now, {}});
  }
  auto& totals = m_slices.back().totals;
  totals.requests += requests;
  totals.failures += failures;
  totals.retries += retries;
}

WindowCounter::Totals WindowCounter::totals(SteadyTime now) {
  expire(now);
  Totals sum;
  for (const auto& slice : m_slices) {
    sum.requests += slice.totals.requests;
    sum.failures += slice.totals.failures;
    sum.retries += slice.totals.retries;
  }
  return sum;
}

CircuitBreaker::CircuitBreaker(BreakerPolicy policy) : m_policy(policy), m_window(policy.window) {}

BreakerState CircuitBreaker::state(SteadyTime now) {
  if (m_state == BreakerState::open && now >= m_open_until) {
    m_state = BreakerState::half_open;
    m_probes_sent = 0;
    m_probes_ok = 0;
  }
  return m_state;
}

bool CircuitBreaker::allow(SteadyTime now) {
  switch (state(now)) {
    case BreakerState::closed: return true;
    case BreakerState::open: return false;
    case BreakerState::half_open: return m_probes_sent < std::max(1, m_policy.half_open_probes);
  }
  return true;
}

void CircuitBreaker::on_sent(SteadyTime now) {
  if (state(now) == BreakerState::half_open) {
    ++m_probes_sent;
  }
}

void CircuitBreaker::open(SteadyTime now) {
  if (m_state == BreakerState::closed) {
    m_opened_at = now;
  }
  m_state = BreakerState::open;
  m_open_until = now + m_policy.open_for;
  ++m_opens;
}

bool CircuitBreaker::record(bool failure, SteadyTime now) {
  const BreakerState before = state(now);
  if (before == BreakerState::open) {
    return false;  // an answer to a request sent before the breaker opened
  }
  if (before == BreakerState::half_open) {
    if (failure) {
      open(now);
    } else if (++m_probes_ok >= std::max(1, m_policy.half_open_probes)) {
      m_state = BreakerState::closed;
      m_time_open += std::chrono::duration_cast<Micros>(now - m_opened_at);
      m_consecutive = 0;
      m_window.clear();
    }
    return m_state != before;
  }
  m_window.add(now, 1, failure ? 1 : 0, 0);
  m_consecutive = failure ? m_consecutive + 1 : 0;
  if (!failure) {
    return false;  // only a failure opens it: no need to sum the window
  }
  const auto totals = m_window.totals(now);
  const bool rate_exceeded = totals.requests >= m_policy.min_requests &&
    static_cast<double>(totals.failures) > m_policy.failure_rate * static_cast<double>(totals.requests);
  if (m_consecutive >= m_policy.consecutive_failures || rate_exceeded) {
    open(now);
    return true;
  }
  return false;
}

Micros CircuitBreaker::time_open(SteadyTime now) const {
  if (m_state == BreakerState::closed) {
    return m_time_open;
  }
  return m_time_open + std::chrono::duration_cast<Micros>(now - m_opened_at);
}

}  // namespace tf::engine
