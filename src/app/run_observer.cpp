#include "app/run_observer.hpp"

#include <cstdio>

#include <fmt/format.h>

#include "app/console.hpp"
#include "report/utc_time.hpp"

namespace tf::app {

namespace {

std::optional<metrics::ErrorKind> metrics_kind(engine::ErrorKind kind) {
  switch (kind) {
    case engine::ErrorKind::none: return std::nullopt;
    case engine::ErrorKind::timeout: return metrics::ErrorKind::timeout;
    case engine::ErrorKind::connect: return metrics::ErrorKind::connect;
    case engine::ErrorKind::dns: return metrics::ErrorKind::dns;
    case engine::ErrorKind::tls: return metrics::ErrorKind::tls;
    case engine::ErrorKind::reset: return metrics::ErrorKind::reset;
    case engine::ErrorKind::http_4xx: return metrics::ErrorKind::http_4xx;
    case engine::ErrorKind::http_5xx: return metrics::ErrorKind::http_5xx;
    case engine::ErrorKind::bulk_partial: return metrics::ErrorKind::other;
    case engine::ErrorKind::other: return metrics::ErrorKind::other;
  }
  return metrics::ErrorKind::other;
}

std::uint64_t micros(Micros d) {
  return d.count() > 0 ? static_cast<std::uint64_t>(d.count()) : 0;
}

} // namespace

void count_outcome(metrics::TargetMetrics& t, engine::StepOutcome outcome) {
  switch (outcome) {
    case engine::StepOutcome::acked: ++t.acked; break;
    case engine::StepOutcome::dead_lettered: ++t.dead_lettered; break;
    case engine::StepOutcome::abandoned: ++t.abandoned; break;
  }
}

void log_line(std::string_view line, const Clock& clock) {
  const std::string text = fmt::format("{} {}\n", report::format_utc(clock.system_now()), line);
  write_stderr(text);
}

RunObserver::RunObserver(metrics::SharedMetrics& metrics, DeadLetterWriter& dead_letters,
                         std::vector<std::string> target_names, const Clock& clock)
  : m_metrics(metrics), m_dead_letters(dead_letters), m_names(std::move(target_names)), m_clock(clock) {}

void RunObserver::on_generated(const VisitFlow& flow) {
  m_metrics.update([&](metrics::RunMetrics& run) {
    run.targets[flow.target()].hits_generated += flow.step_count();
  });
}

void RunObserver::on_flow_started(engine::Flow& flow, Micros) {
  m_metrics.update([&](metrics::RunMetrics& run) { ++run.targets[flow.target()].visits_started; });
}

void RunObserver::on_attempt(std::size_t target, const engine::AttemptResult& result, bool will_retry) {
  const auto kind = metrics_kind(result.error);
  const auto now = kind ? m_clock.system_now() : SysTime{};  // the time of a last error only
  m_metrics.update([&](metrics::RunMetrics& run) {
    auto& t = run.targets[target];
    ++t.requests;
    if (result.status != 0) {
      t.record_status(result.status);
      t.service_time.record(micros(result.service_time));
      t.intended_time.record(micros(result.since_intended));
    }
    if (kind) {
      ++t.failed_attempts;
      t.record_error(*kind, result.error_text, now);
    }
    if (will_retry) {
      ++t.retries;
    }
  });
}

void RunObserver::on_step_done(engine::Flow& flow, std::size_t step, engine::StepOutcome outcome,
                               std::string_view reason, int attempts) {
  auto& visit_flow = static_cast<VisitFlow&>(flow);
  if (outcome != engine::StepOutcome::acked) {
    const auto params = visit_flow.params(step);
    DeadLetter entry;
    entry.visit = visit_flow.visit().index;
    entry.hit = step;
    entry.visitor = visit_flow.visit().visitor.id;
    entry.target = m_names[flow.target()];
    entry.outcome = engine::to_string(outcome);
    entry.reason = reason;
    entry.attempts = attempts;
    entry.params = &params;
    m_dead_letters.write(entry);
  }
  if (outcome == engine::StepOutcome::abandoned) {
    ++visit_flow.abandoned;
  }
  m_metrics.update([&](metrics::RunMetrics& run) { count_outcome(run.targets[flow.target()], outcome); });
}

void RunObserver::on_flow_done(engine::Flow& flow) {
  if (static_cast<VisitFlow&>(flow).abandoned == 0) {
    m_metrics.update([&](metrics::RunMetrics& run) { ++run.targets[flow.target()].visits_completed; });
  }
}

void RunObserver::on_log(std::string_view line) {
  log_line(line, m_clock);
}

} // namespace tf::app
