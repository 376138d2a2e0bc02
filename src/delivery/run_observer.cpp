#include "delivery/run_observer.hpp"

#include <cstdio>

#include <fmt/format.h>

#include "delivery/console.hpp"
#include "report/utc_time.hpp"
#include "util/log.hpp"

namespace tf::delivery {

namespace {

std::uint64_t micros(Micros d) { return d.count() > 0 ? static_cast<std::uint64_t>(d.count()) : 0; }

}  // namespace

bool maybe_recorded(engine::StepOutcome outcome, std::string_view reason) {
  return outcome == engine::StepOutcome::unconfirmed || reason == "bulk-invalid-unidentified";
}

void log_line(std::string_view line, const Clock& clock) {
  const auto [level, msg] = logging::split_level(line);
  logging::write(level, clock.system_now(), msg);
}

RunObserver::RunObserver(metrics::SharedMetrics& metrics, DeadLetterWriter& dead_letters,
                         std::vector<std::string> target_names, const Clock& clock)
  : m_metrics(metrics), m_dead_letters(dead_letters), m_names(std::move(target_names)), m_clock(clock) {}

void RunObserver::on_generated(const VisitFlow& flow) {
  m_metrics.update([&](metrics::RunMetrics& run) { run.targets[flow.target()].hits_generated += flow.step_count(); });
}

void RunObserver::on_flow_started(engine::Flow& flow, Micros start_lag) {
  const double at = m_stages_from ? std::chrono::duration<double>(m_clock.steady_now() - *m_stages_from).count() : 0.0;
  m_metrics.update([&](metrics::RunMetrics& run) {
    ++run.targets[flow.target()].visits_started;
    if (const auto stage = m_stages_from ? metrics::current_stage(run.stages, at) : std::nullopt) {
      ++run.stages[*stage].visits_started;
      run.stages[*stage].start_lag.record(start_lag);
    }
  });
}

void RunObserver::on_attempt(std::size_t target, const engine::AttemptResult& result, bool) {
  const bool failed = result.error != engine::ErrorKind::none;
  const auto now = failed ? m_clock.system_now() : SysTime{};  // the time of a last error only
  if (result.counts_missing && !m_warned_counts.exchange(true)) {
    log_line("warning: a bulk answer had no tracked/invalid counts: its hits are counted acked but were "
             "not confirmed (bulk_answers_without_counts in the summary)",
             m_clock);
  }
  m_metrics.update([&](metrics::RunMetrics& run) {
    auto& t = run.targets[target];
    ++t.requests;
    if (result.status != 0) {
      t.record_status(result.status);
      t.service_time.record(micros(result.service_time));
      t.intended_time.record(micros(result.since_intended));
    }
    if (failed) {
      ++t.failed_attempts;
      t.record_error(result.error, result.error_text, now, result.detail);
    }
    t.retries += result.retried;
    t.possible_duplicates += result.possible_duplicates;
    t.unidentified_rejections += result.unidentified_rejections;
    t.bulk_answers_without_counts += result.counts_missing ? 1U : 0U;
  });
}

void RunObserver::on_step_done(engine::Flow& flow, std::size_t step, engine::StepOutcome outcome,
                               std::string_view reason, std::string_view detail, int attempts) {
  auto& visit_flow = static_cast<VisitFlow&>(flow);
  if (reason == "not-started") {
    // A visit cut at a stop before its first hit: no hit of it was due, none is counted.
    if (step == 0) {
      m_metrics.update([&](metrics::RunMetrics& run) {
        auto& t = run.targets[flow.target()];
        // counted generated when built, maybe by another loop's part: the parts add up (mod 2^64)
        t.hits_generated -= flow.step_count();
        ++t.visits_not_started;
      });
    }
    ++visit_flow.abandoned;
    return;
  }
  if (outcome != engine::StepOutcome::acked) {
    const auto params = visit_flow.params(step);
    DeadLetter entry;
    entry.visit = visit_flow.visit().index;
    entry.hit = step;
    entry.visitor = visit_flow.visit().visitor.id;
    entry.target = m_names[flow.target()];
    entry.outcome = engine::to_string(outcome);
    entry.reason = reason;
    entry.detail = detail;
    entry.maybe_recorded = maybe_recorded(outcome, reason);
    entry.attempts = attempts;
    entry.params = &params;
    m_dead_letters.write(entry);
  }
  if (outcome == engine::StepOutcome::not_sent && !reason.starts_with("previous-hit-")) {
    ++visit_flow.abandoned;  // cut by a stop
  }
  const bool in_ledger = outcome == engine::StepOutcome::acked || outcome == engine::StepOutcome::unconfirmed;
  m_metrics.update([&](metrics::RunMetrics& run, metrics::LedgerRecorder& recorder) {
    run.targets[flow.target()].count(outcome);
    if (in_ledger) {
      const auto hit = thread_feed().ledger_hit(visit_flow, step, m_names[flow.target()]);
      recorder.record(run.ledger, hit, outcome == engine::StepOutcome::acked);
      tally_hit(run.ledger, recorder, visit_flow, hit, outcome == engine::StepOutcome::acked);
    }
  });
}

void RunObserver::on_flow_done(engine::Flow& flow) {
  auto& visit_flow = static_cast<VisitFlow&>(flow);
  m_metrics.update([&](metrics::RunMetrics& run, metrics::LedgerRecorder& recorder) {
    flush_tally(run.ledger, recorder, visit_flow, m_names[flow.target()]);
    if (visit_flow.abandoned == 0) {
      ++run.targets[flow.target()].visits_completed;
    }
  });
}

void RunObserver::add_possible_duplicates(std::size_t target, std::uint64_t hits) {
  m_metrics.update([&](metrics::RunMetrics& run) { run.targets[target].possible_duplicates += hits; });
}

void RunObserver::on_log(std::string_view line) { log_line(line, m_clock); }

}  // namespace tf::delivery
