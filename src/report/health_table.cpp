#include "report/health_table.hpp"

#include <fmt/format.h>

#include "report/stages_report.hpp"
#include "report/text_table.hpp"
#include "report/utc_time.hpp"
#include "util/units.hpp"

namespace tf::report {
namespace {

using metrics::Health;
using metrics::TargetMetrics;
using Cell = TextTable::Cell;

std::string paint(std::string text, const char* sgr, bool color) {
  return color ? fmt::format("\x1b[{}m{}\x1b[0m", sgr, text) : text;
}

const char* health_sgr(Health health) {
  switch (health) {
    case Health::healthy: return "32";
    case Health::degraded: return "33";
    case Health::failing: return "31";
    case Health::unknown: break;
  }
  return "";
}

Cell number(std::uint64_t value) { return Cell(fmt::format("{}", value)).right_align(); }
Cell number(std::int64_t value) { return Cell(fmt::format("{}", value)).right_align(); }
Cell latency(const metrics::Histogram& h, double percent) {
  return Cell(format_ms(h.percentile(percent), h.empty())).right_align();
}

/// Bytes of the server's reason shown in the table (the notes below it show all of it).
constexpr std::size_t k_table_detail_bytes = 40;

std::string short_detail(const std::string& detail) {
  if (detail.size() <= k_table_detail_bytes) {
    return detail;
  }
  std::size_t cut = k_table_detail_bytes;
  while (cut > 0 && (static_cast<unsigned char>(detail[cut]) & 0xC0U) == 0x80U) {
    --cut;
  }
  return detail.substr(0, cut) + "…";
}

std::string top_error_text(const TargetMetrics& t) {
  const auto top = t.top_error();
  if (!top) {
    return "-";
  }
  std::string text = fmt::format("{}: {}", metrics::to_string(*top), t.error_count(*top));
  if (!t.top_error_detail.empty()) {
    text += " (" + short_detail(t.top_error_detail) + ")";
  }
  return text;
}

/// One table row; the TOTAL row has no breaker of its own.
std::vector<Cell> target_row(const TargetMetrics& t, bool is_total, bool color) {
  const Health health = is_total ? metrics::total_health_of(t) : metrics::health_of(t);
  Cell status(std::string(metrics::to_string(health)));
  if (color) {
    status.style(health_sgr(health));
  }
  const auto& h = t.service_time;
  return {Cell(t.name),
          std::move(status),
          Cell(is_total ? "-" : std::string(metrics::to_string(t.breaker))),
          number(t.visits_started),
          number(t.hits_generated),
          number(t.acked),
          number(t.rejected),
          number(t.failed),
          number(t.unconfirmed),
          number(t.not_sent),
          number(t.retries),
          number(t.in_flight),
          latency(h, 50),
          latency(h, 90),
          latency(h, 99),
          latency(h, 99.9),
          Cell(format_ms(h.max(), h.empty())).right_align(),
          Cell(top_error_text(t))};
}

std::string render_table(const metrics::Snapshot& snapshot, bool color) {
  TextTable table;
  std::vector<Cell> heading;
  for (const char* name : {"target", "status", "breaker"}) {
    heading.emplace_back(name);
  }
  for (const char* name : {"visits", "generated", "acked", "rejected", "failed", "unconfirmed", "not_sent", "retries",
                           "in-flight", "p50", "p90", "p99", "p99.9", "max"}) {
    heading.push_back(Cell(name).right_align());
  }
  heading.emplace_back("top error");
  table.add_heading(std::move(heading));
  for (const auto& t : snapshot.targets) {
    table.add_row(target_row(t, false, color));
  }
  table.add_rule();
  table.add_row(target_row(snapshot.totals(), true, color));
  return table.render();
}

/// The compact table's row: target, status, the five outcomes, p99.
std::vector<Cell> compact_row(const TargetMetrics& t, bool is_total, bool color, std::size_t name_width) {
  auto row = target_row(t, is_total, color);
  std::string name = t.name;
  if (TextTable::Cell(name).width() > name_width) {
    std::size_t cut = name_width - 1;
    while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0U) == 0x80U) {
      --cut;
    }
    name = name.substr(0, cut) + "…";
  }
  return {Cell(name), row[1], row[5], row[6], row[7], row[8], row[9], row[14]};
}

/// The table in at most `width` columns: the outcome columns and p99 only; target names cut
/// short when they would not fit.
std::string render_compact_table(const metrics::Snapshot& snapshot, bool color, std::size_t width) {
  constexpr std::size_t k_shortest_name = 6;
  std::size_t name_width = 0;
  for (const auto& t : snapshot.targets) {
    name_width = std::max(name_width, Cell(t.name).width());
  }
  std::string out;
  for (;;) {
    TextTable table;
    std::vector<Cell> heading{Cell("target"), Cell("status")};
    for (const char* name : {"acked", "rejected", "failed", "unconfirmed", "not_sent", "p99 ms"}) {
      heading.push_back(Cell(name).right_align());
    }
    table.add_heading(std::move(heading));
    for (const auto& t : snapshot.targets) {
      table.add_row(compact_row(t, false, color, name_width));
    }
    table.add_rule();
    table.add_row(compact_row(snapshot.totals(), true, color, std::max<std::size_t>(name_width, 5)));
    out = table.render();
    const std::size_t widest = widest_line(out);
    if (widest <= width || name_width <= k_shortest_name) {
      return out;
    }
    name_width = std::max(k_shortest_name, name_width - std::min(name_width, widest - width));
  }
}

/// What the compact table leaves out, per target (and TOTAL with several targets): counts and
/// breaker, the other latencies, the top error with all of its detail.
std::string compact_details(const metrics::Snapshot& snapshot) {
  std::string out;
  auto lines = [&](const TargetMetrics& t, bool is_total) {
    const auto& h = t.service_time;
    out += fmt::format("{}: visits {}, generated {}, retries {}, in-flight {}{}\n", t.name, t.visits_started,
                       t.hits_generated, t.retries, t.in_flight,
                       is_total ? "" : fmt::format(", breaker {}", metrics::to_string(t.breaker)));
    out += fmt::format("{}: p50 {}, p90 {}, p99.9 {}, max {} ms\n", t.name, format_ms(h.percentile(50), h.empty()),
                       format_ms(h.percentile(90), h.empty()), format_ms(h.percentile(99.9), h.empty()),
                       format_ms(h.max(), h.empty()));
    if (const auto top = t.top_error()) {
      out += fmt::format("{}: top error {}: {}{}\n", t.name, metrics::to_string(*top), t.error_count(*top),
                         t.top_error_detail.empty() ? "" : " (" + t.top_error_detail + ")");
    }
  };
  for (const auto& t : snapshot.targets) {
    lines(t, false);
  }
  if (snapshot.targets.size() > 1) {
    lines(snapshot.totals(), true);
  }
  return out;
}

std::chrono::milliseconds to_millis(std::chrono::microseconds d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d);
}

/// Breaker history and last error of each target that has any; the top error's whole detail
/// when the table cut it short (`detail_shown`: the compact layout's lines gave it).
std::string target_notes(const metrics::Snapshot& snapshot, bool detail_shown) {
  std::string out;
  for (const auto& t : snapshot.targets) {
    if (t.breaker_transitions > 0 || t.breaker != metrics::BreakerState::closed) {
      out += fmt::format("breaker {}: {} now, {} transition{}, open for {}\n", t.name, metrics::to_string(t.breaker),
                         t.breaker_transitions, t.breaker_transitions == 1 ? "" : "s",
                         format_duration(to_millis(t.breaker_open_time)));
    }
    if (!t.last_error.empty()) {
      out += fmt::format("last error {}: {}{}\n", t.name, t.last_error,
                         t.last_error_at ? " at " + format_utc_seconds(*t.last_error_at) : "");
    }
    if (!detail_shown && t.top_error_detail.size() > k_table_detail_bytes) {
      out += fmt::format("top error {}: {}\n", t.name, t.top_error_detail);
    }
  }
  return out;
}

/// What the outcome columns cannot say: counts that qualify them.
std::string delivery_notes(const TargetMetrics& total) {
  std::string out;
  if (total.unidentified_rejections > 0) {
    out += fmt::format("note: {} rejected hit(s) could not be named: bulk answers counted them invalid without "
                       "invalid_indices (unidentified_rejections; their batches' dead-letter lines say "
                       "maybe_recorded)\n",
                       total.unidentified_rejections);
  }
  if (total.bulk_answers_without_counts > 0) {
    out += fmt::format("note: {} bulk answer(s) had no tracked/invalid counts: their hits are counted acked "
                       "but were not confirmed (bulk_answers_without_counts)\n",
                       total.bulk_answers_without_counts);
  }
  if (total.possible_duplicates > 0) {
    out += fmt::format("note: {} hit(s) were sent again after an attempt that may have been recorded "
                       "(possible_duplicates)\n",
                       total.possible_duplicates);
  }
  if (total.visits_not_started > 0) {
    out += fmt::format("visits not started: {} (cut at the stop before their first hit; not counted as hits)\n",
                       total.visits_not_started);
  }
  return out;
}

std::string rate_line(const metrics::Snapshot& s) {
  const double achieved = s.achieved_visit_rate();
  if (s.requested_visit_rate <= 0) {
    return fmt::format("visit rate: achieved {:.2f}/s\n", achieved);
  }
  return fmt::format("visit rate: achieved {:.2f}/s of requested {:.2f}/s ({:.1f}%)\n", achieved,
                     s.requested_visit_rate, achieved / s.requested_visit_rate * 100.0);
}

std::string run_lines(const metrics::Snapshot& s, bool color) {
  std::string out = fmt::format("seed {} · elapsed {}{}\n", s.seed, format_duration(to_millis(s.elapsed)),
                                s.stop_reason.empty() ? "" : " · stopped by " + s.stop_reason);
  out += rate_line(s);
  out += stage_lines(s);
  out += fmt::format("start lag p99 {} ms · visits waiting {}\n",
                     format_ms(s.start_lag.percentile(99), s.start_lag.empty()), s.visits_waiting);
  out += fmt::format("generator: CPU {:.1f}% ({} thread{}) · loop lag p99 {} ms\n", s.generator_cpu_percent(),
                     s.threads, s.threads == 1 ? "" : "s", format_ms(s.loop_lag.percentile(99), s.loop_lag.empty()));
  if (generator_is_bottleneck(s)) {
    out += paint("WARNING: the generator, not the target, is the bottleneck: latencies and rates "
                 "understate what the targets can take",
                 "1;33", color);
    out += '\n';
  }
  return out;
}

}  // namespace

std::string format_ms(std::uint64_t micros, bool empty) {
  if (empty) {
    return "-";
  }
  const double ms = static_cast<double>(micros) / 1000.0;
  if (ms < 10.0) {
    return fmt::format("{:.2f}", ms);
  }
  if (ms < 100.0) {
    return fmt::format("{:.1f}", ms);
  }
  return fmt::format("{:.0f}", ms);
}

bool generator_is_bottleneck(const metrics::Snapshot& snapshot) noexcept {
  const double cpu_limit = k_cpu_warning_percent * static_cast<double>(std::max(snapshot.threads, 1U));
  const auto lag_limit = static_cast<std::uint64_t>(std::chrono::microseconds(k_loop_lag_warning).count());
  if (snapshot.elapsed < k_min_elapsed_for_warning) {
    return false;  // start-up work dominates the CPU figure of a very short run
  }
  return snapshot.generator_cpu_percent() >= cpu_limit || snapshot.loop_lag.percentile(99) > lag_limit;
}

std::string render_thresholds(const metrics::Snapshot& snapshot, bool color) {
  if (snapshot.thresholds.empty()) {
    return {};
  }
  std::string out = "thresholds:";
  for (const auto& t : snapshot.thresholds) {
    const std::string value = t.value ? fmt::format("{:.4g}", *t.value) : "no data";
    out += fmt::format(" {} {} ({})", t.ok ? paint("✓", "32", color) : paint("✗", "31", color), t.expr, value);
    out += &t == &snapshot.thresholds.back() ? "" : " ·";
  }
  return out + '\n';
}

std::string render_accounting_line(const metrics::AccountingCheck& check, bool color) {
  const auto& t = check.total;
  std::string line =
    fmt::format("accounting: generated {} = acked {} + rejected {} + failed {} + unconfirmed {} + not_sent {} ",
                t.generated, t.acked, t.rejected, t.failed, t.unconfirmed, t.not_sent);
  if (check.ok()) {
    return line + paint("✓", "32", color);
  }
  return line + paint(fmt::format("✗ (unbalanced: {})", fmt::join(check.unbalanced, ", ")), "31", color);
}

std::string render_health_table(const metrics::Snapshot& snapshot, bool color, std::size_t width) {
  std::string table = render_table(snapshot, color);
  std::string out;
  const bool compact = width > 0 && widest_line(table) > width;
  if (compact) {
    table = render_compact_table(snapshot, color, width);
    out = compact_details(snapshot);
  }
  out += "latency: milliseconds from request sent to answer · status: healthy ≤ 1 % of hits not acked and "
         "breaker closed, degraded ≤ 10 %, failing above\n";
  out += target_notes(snapshot, compact);
  out += delivery_notes(snapshot.totals());
  out += run_lines(snapshot, color);
  out += render_thresholds(snapshot, color);
  out += render_accounting_line(metrics::check_accounting(snapshot), color);
  out += '\n';
  return table + wrap_lines(out, width);
}

}  // namespace tf::report
