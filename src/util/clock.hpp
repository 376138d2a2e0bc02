#pragma once
// The time seam: the engine, pacing and stop conditions read time only through Clock, so tests
// drive them with FakeClock in microseconds.
#include <chrono>

namespace tf {

using SteadyTime = std::chrono::steady_clock::time_point;
using SysTime = std::chrono::system_clock::time_point;
using Millis = std::chrono::milliseconds;
using Micros = std::chrono::microseconds;

class Clock {
public:
  virtual ~Clock() = default;
  virtual SteadyTime steady_now() const = 0;
  virtual SysTime system_now() const = 0;
};

class SystemClock final : public Clock {
public:
  SteadyTime steady_now() const override { return std::chrono::steady_clock::now(); }
  SysTime system_now() const override { return std::chrono::system_clock::now(); }
};

/// A clock that moves only when told to.
class FakeClock final : public Clock {
public:
  explicit FakeClock(SysTime wall = SysTime{std::chrono::seconds{1'700'000'000}}) : m_wall(wall) {}
  SteadyTime steady_now() const override { return m_steady; }
  SysTime system_now() const override { return m_wall; }
  void advance(std::chrono::nanoseconds d) {
    m_steady += d;
    m_wall += std::chrono::duration_cast<SysTime::duration>(d);
  }

private:
  SteadyTime m_steady{};
  SysTime m_wall;
};

}  // namespace tf
