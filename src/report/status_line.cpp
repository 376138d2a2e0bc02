#include <fmt/format.h>

#include "report/health_table.hpp"
#include "report/utc_time.hpp"
#include "util/units.hpp"

namespace tf::report {
namespace {

double seconds(std::chrono::microseconds d) { return std::chrono::duration<double>(d).count(); }

struct Totals {
  std::uint64_t visits = 0;
  std::uint64_t finished_hits = 0;
};

Totals count(const metrics::Snapshot& s) {
  Totals t;
  for (const auto& target : s.targets) {
    t.visits += target.visits_started;
    t.finished_hits += target.finished();
  }
  return t;
}

std::string elapsed_text(const metrics::Snapshot& s) {
  return format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(s.elapsed));
}

} // namespace

Rates rates_between(const metrics::Snapshot& previous, const metrics::Snapshot& now) noexcept {
  const Totals after = count(now);
  const double interval = seconds(now.elapsed - previous.elapsed);
  if (interval > 0) {
    const Totals before = count(previous);
    return {static_cast<double>(after.visits - std::min(after.visits, before.visits)) / interval,
            static_cast<double>(after.finished_hits - std::min(after.finished_hits, before.finished_hits)) /
                interval};
  }
  const double whole = seconds(now.elapsed);
  if (whole <= 0) {
    return {};
  }
  return {static_cast<double>(after.visits) / whole, static_cast<double>(after.finished_hits) / whole};
}

std::string render_status_line(const metrics::Snapshot& previous, const metrics::Snapshot& now,
                               bool color) {
  const Rates rates = rates_between(previous, now);
  const auto total = now.totals();
  std::string failed = fmt::format("failed {}", total.failed_attempts);
  if (color && total.failed_attempts > 0) {
    failed = fmt::format("\x1b[31m{}\x1b[0m", failed);
  }
  return fmt::format("elapsed {} | {:.1f} visits/s | {:.1f} hits/s | in flight {} | acked {} | {} | p99 {} ms",
                     elapsed_text(now), rates.visits_per_s, rates.hits_per_s, total.in_flight,
                     total.acked, failed,
                     format_ms(total.service_time.percentile(99), total.service_time.empty()));
}

std::string render_log_line(const metrics::Snapshot& previous, const metrics::Snapshot& now,
                            SysTime when) {
  const Rates rates = rates_between(previous, now);
  const auto total = now.totals();
  return fmt::format("{} elapsed={} visits_per_s={:.1f} hits_per_s={:.1f} in_flight={} acked={} "
                     "failed_attempts={} rejected={} failed={} unconfirmed={} not_sent={} p99_ms={}",
                     format_utc_seconds(when), elapsed_text(now), rates.visits_per_s,
                     rates.hits_per_s, total.in_flight, total.acked, total.failed_attempts,
                     total.rejected, total.failed, total.unconfirmed, total.not_sent,
                     format_ms(total.service_time.percentile(99), total.service_time.empty()));
}

} // namespace tf::report
