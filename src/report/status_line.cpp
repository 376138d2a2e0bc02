#include <algorithm>

#include <fmt/format.h>

#include "report/health_table.hpp"
#include "report/stages_report.hpp"
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

/// A status field: its terminal text (maybe coloured) and its visible width.
struct Shown {
  std::string text;
  std::size_t width;
};

Shown plain(std::string text) {
  const std::size_t width = text.size();
  return {std::move(text), width};
}

std::string progress_text(const Progress& p) {
  const std::string pct = fmt::format("{}%", static_cast<int>(std::min(1.0, p.done) * 100));
  return p.eta
    ? fmt::format("{} eta {}", pct, format_duration(std::chrono::duration_cast<std::chrono::seconds>(*p.eta)))
    : pct;
}

}  // namespace

Rates rates_between(const metrics::Snapshot& previous, const metrics::Snapshot& now) noexcept {
  const Totals after = count(now);
  const double interval = seconds(now.elapsed - previous.elapsed);
  if (interval > 0) {
    const Totals before = count(previous);
    const auto new_visits = after.visits - std::min(after.visits, before.visits);
    const double whole = seconds(now.elapsed);
    // A slow rate (medium: 0.116 visits/s) starts no visit in most intervals: show the run's
    // average then, not 0.0.
    const double visits_per_s = new_visits == 0 && whole > 0 ? static_cast<double>(after.visits) / whole
                                                             : static_cast<double>(new_visits) / interval;
    return {visits_per_s,
            static_cast<double>(after.finished_hits - std::min(after.finished_hits, before.finished_hits)) / interval};
  }
  const double whole = seconds(now.elapsed);
  if (whole <= 0) {
    return {};
  }
  return {static_cast<double>(after.visits) / whole, static_cast<double>(after.finished_hits) / whole};
}

std::optional<Progress> progress(const metrics::Snapshot& now, const RunBound& bound) noexcept {
  if (bound.visits == 0 && bound.duration.count() <= 0) {
    return std::nullopt;
  }
  Progress p;
  const double elapsed = seconds(now.elapsed);
  if (bound.duration.count() > 0) {
    const double total = std::chrono::duration<double>(bound.duration).count();
    p.done = std::min(1.0, elapsed / total);
    p.eta = std::chrono::milliseconds(static_cast<long long>(std::max(0.0, total - elapsed) * 1e3));
  }
  if (bound.visits > 0) {
    const double visits = static_cast<double>(count(now).visits);
    const double done = std::min(1.0, visits / static_cast<double>(bound.visits));
    p.done = std::max(p.done, done);
    if (visits > 0 && elapsed > 0) {
      const auto eta = std::chrono::milliseconds(static_cast<long long>(
        (static_cast<double>(bound.visits) - std::min(visits, static_cast<double>(bound.visits))) / (visits / elapsed) *
        1e3));
      p.eta = p.eta ? std::min(*p.eta, eta) : eta;
    }
  }
  return p;
}

std::string format_rate(double per_second) {
  if (per_second >= 1 || per_second <= 0) {
    return fmt::format("{:.1f}", std::max(0.0, per_second));
  }
  return fmt::format("{:.2g}", per_second);
}

std::string render_status_line(const metrics::Snapshot& previous, const metrics::Snapshot& now, bool color,
                               std::size_t width, const RunBound& bound) {
  const Rates rates = rates_between(previous, now);
  const auto total = now.totals();
  std::vector<Shown> fields;
  fields.push_back(plain(fmt::format("elapsed {}", elapsed_text(now))));
  if (const auto p = progress(now, bound)) {
    fields.push_back(plain(progress_text(*p)));
  }
  if (const std::string stage = current_stage_text(now); !stage.empty()) {
    fields.push_back(plain(stage));
  }
  fields.push_back(plain(fmt::format("{} visits/s", format_rate(rates.visits_per_s))));
  fields.push_back(plain(fmt::format("{} hits/s", format_rate(rates.hits_per_s))));
  fields.push_back(plain(fmt::format("in flight {}", total.in_flight)));
  fields.push_back(plain(fmt::format("acked {}", total.acked)));
  Shown failed = plain(fmt::format("failed {}", total.failed_attempts));
  if (color && total.failed_attempts > 0) {
    failed.text = fmt::format("\x1b[31m{}\x1b[0m", failed.text);
  }
  fields.push_back(failed);
  fields.push_back(
    plain(fmt::format("p99 {} ms", format_ms(total.service_time.percentile(99), total.service_time.empty()))));
  constexpr std::size_t k_separator = 3;  // " | "
  std::string line = fields.front().text;
  std::size_t used = fields.front().width;
  for (std::size_t i = 1; i < fields.size(); ++i) {
    if (width > 0 && used + k_separator + fields[i].width >= width) {
      break;
    }
    line += " | " + fields[i].text;
    used += k_separator + fields[i].width;
  }
  return line;
}

std::vector<logging::Field> status_fields(const metrics::Snapshot& previous, const metrics::Snapshot& now,
                                          const RunBound& bound) {
  const Rates rates = rates_between(previous, now);
  const auto total = now.totals();
  std::vector<logging::Field> fields;
  fields.push_back({"elapsed", elapsed_text(now)});
  if (const auto p = progress(now, bound)) {
    fields.push_back({"done_pct", fmt::format("{}", static_cast<int>(p->done * 100)), true});
    if (p->eta) {
      fields.push_back({"eta", format_duration(std::chrono::duration_cast<std::chrono::seconds>(*p->eta))});
    }
  }
  if (const std::string stage = current_stage_text(now); !stage.empty()) {
    fields.push_back({"stage", stage});
  }
  fields.push_back({"visits_per_s", format_rate(rates.visits_per_s), true});
  fields.push_back({"hits_per_s", format_rate(rates.hits_per_s), true});
  fields.push_back({"in_flight", fmt::format("{}", total.in_flight), true});
  fields.push_back({"acked", fmt::format("{}", total.acked), true});
  fields.push_back({"failed_attempts", fmt::format("{}", total.failed_attempts), true});
  fields.push_back({"rejected", fmt::format("{}", total.rejected), true});
  fields.push_back({"failed", fmt::format("{}", total.failed), true});
  fields.push_back({"unconfirmed", fmt::format("{}", total.unconfirmed), true});
  fields.push_back({"not_sent", fmt::format("{}", total.not_sent), true});
  const bool no_latency = total.service_time.empty();
  fields.push_back({"p99_ms", format_ms(total.service_time.percentile(99), no_latency), !no_latency});
  return fields;
}

std::string render_log_line(const metrics::Snapshot& previous, const metrics::Snapshot& now, SysTime when,
                            const RunBound& bound) {
  std::string line = format_utc_seconds(when);
  for (const auto& field : status_fields(previous, now, bound)) {
    line += fmt::format(" {}={}", field.key, field.value);
  }
  return line;
}

}  // namespace tf::report
