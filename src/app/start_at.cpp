#include "app/start_at.hpp"

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "delivery/run_observer.hpp"
#include "delivery/signals.hpp"
#include "report/utc_time.hpp"
#include "util/error.hpp"
#include "util/instant.hpp"

namespace tf::app {
namespace {

/// Longest single sleep, so a signal ends the wait within this bound.
constexpr Millis k_wait_slice{100};

double to_ms(SysTime::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

std::optional<SysTime> start_instant(const config::Settings& settings, const Clock& clock) {
  if (settings.start_at.empty()) {
    return std::nullopt;
  }
  const auto parsed = parse_start_at(settings.start_at);
  if (!parsed) {
    throw Error(fmt::format("START_AT: expected an RFC 3339 time or +DURATION, found \"{}\"", settings.start_at),
                ExitCode::usage);
  }
  return parsed->resolve(clock.system_now());
}

std::optional<double> wait_for_start_at(SysTime instant, Millis report_interval, const Clock& clock) {
  SysTime now = clock.system_now();
  if (now >= instant) {
    const double late = to_ms(now - instant);
    delivery::log_line(fmt::format("warning: START_AT {} has passed: starting at once, {:.1f} ms late",
                                   report::format_utc(instant), late),
                       clock);
    return late;
  }
  delivery::log_line(fmt::format("waiting for START_AT {} ({:.3f} s from now); SIGINT/SIGTERM to cancel",
                                 report::format_utc(instant), to_ms(instant - now) / 1000.0),
                     clock);
  SysTime next_report = now + std::max(report_interval, Millis{1000});
  while (now < instant) {
    if (delivery::SignalScope::stop_requests() > 0) {
      delivery::log_line("interrupted while waiting for START_AT: nothing was sent", clock);
      return std::nullopt;
    }
    if (now >= next_report) {
      delivery::log_line(fmt::format("still waiting for START_AT {} ({:.0f} s left)", report::format_utc(instant),
                                     to_ms(instant - now) / 1000.0),
                         clock);
      next_report = now + std::max(report_interval, Millis{1000});
    }
    std::this_thread::sleep_for(std::min<SysTime::duration>(instant - now, k_wait_slice));
    now = clock.system_now();
  }
  const double late = to_ms(now - instant);
  delivery::log_line(fmt::format("START_AT {} reached: starting ({:.1f} ms late)", report::format_utc(instant), late),
                     clock);
  return late;
}

}  // namespace tf::app
