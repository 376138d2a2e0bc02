#pragma once
// threads > 1 on a FakeClock: every loop's transport shares one virtual time, which moves only
// when every loop waits (none woken, no completion due), to the earliest deadline or completion
// of all of them. So the pool's pacing and stops run in virtual time, however the threads are
// scheduled.
#include <condition_variable>
#include <map>
#include <mutex>
#include <vector>

#include "test_engine_support.hpp"

namespace tf::engine::testing {

class SharedFakeTime {
public:
  SharedFakeTime(FakeClock& clock, int loops) : m_clock(clock), m_loops(loops) {}

  struct Loop {
    std::multimap<SteadyTime, Completion> pending;
    SteadyTime until{};
    bool waiting = false, woken = false, closed = false;
    long long sent = 0;
  };

  Loop& join() {
    std::lock_guard lock(m_mutex);
    m_members.push_back(std::make_unique<Loop>());
    return *m_members.back();
  }
  void start(Loop& loop, std::uint64_t token, Millis latency) {
    std::lock_guard lock(m_mutex);
    Completion c;
    c.token = token;
    c.result.status = 204;
    c.result.service_time = latency;
    loop.pending.emplace(m_clock.steady_now() + latency, std::move(c));
    ++loop.sent;
  }
  void wait(Loop& loop, SteadyTime deadline, std::vector<Completion>& out) {
    std::unique_lock lock(m_mutex);
    loop.until = loop.pending.empty() ? deadline : std::min(deadline, loop.pending.begin()->first);
    loop.waiting = true;
    m_cv.notify_all();
    while (!loop.woken && m_clock.steady_now() < loop.until) {
      if (all_idle()) {
        advance();
        m_cv.notify_all();
        continue;
      }
      m_cv.wait(lock);
    }
    loop.waiting = false;
    loop.woken = false;
    while (!loop.pending.empty() && loop.pending.begin()->first <= m_clock.steady_now()) {
      out.push_back(std::move(loop.pending.begin()->second));
      loop.pending.erase(loop.pending.begin());
    }
  }
  void wakeup(Loop& loop) {
    std::lock_guard lock(m_mutex);
    loop.woken = true;
    m_cv.notify_all();
  }
  void close(Loop& loop) {
    std::lock_guard lock(m_mutex);
    loop.closed = true;
    m_cv.notify_all();
  }
  void cancel_all(Loop& loop) {
    std::lock_guard lock(m_mutex);
    loop.pending.clear();
  }
  long long sent() {
    std::lock_guard lock(m_mutex);
    long long n = 0;
    for (const auto& m : m_members) {
      n += m->sent;
    }
    return n;
  }

private:
  /// Every loop has joined and waits with nothing to do before the earliest `until`.
  bool all_idle() const {
    if (static_cast<int>(m_members.size()) < m_loops) {
      return false;
    }
    for (const auto& m : m_members) {
      if (!m->closed && (!m->waiting || m->woken || m->until <= m_clock.steady_now())) {
        return false;
      }
    }
    return true;
  }
  void advance() {
    SteadyTime to = SteadyTime::max();
    for (const auto& m : m_members) {
      if (!m->closed) {
        to = std::min(to, m->until);
      }
    }
    if (to != SteadyTime::max() && to > m_clock.steady_now()) {
      m_clock.advance(to - m_clock.steady_now());
    }
  }

  FakeClock& m_clock;
  int m_loops;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::vector<std::unique_ptr<Loop>> m_members;
};

/// One loop's transport on the shared fake time: answers 204 after `latency`.
class LockstepTransport final : public Transport {
public:
  LockstepTransport(SharedFakeTime& time, Millis latency) : m_time(time), m_loop(time.join()), m_latency(latency) {}
  void start(std::uint64_t token, HttpRequest&) override { m_time.start(m_loop, token, m_latency); }
  void wait(SteadyTime deadline, std::vector<Completion>& out) override { m_time.wait(m_loop, deadline, out); }
  void wakeup() noexcept override { m_time.wakeup(m_loop); }
  void cancel_all() override { m_time.cancel_all(m_loop); }
  void close() override { m_time.close(m_loop); }

private:
  SharedFakeTime& m_time;
  SharedFakeTime::Loop& m_loop;
  Millis m_latency;
};

}  // namespace tf::engine::testing
