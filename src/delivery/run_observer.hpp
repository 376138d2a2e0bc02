#pragma once
// Turns engine outcomes into metrics and dead-letter lines. Each event loop counts into its own
// part of the metrics (SharedMetrics::update), so the loops take no lock in common per hit.
#include <atomic>
#include <string>
#include <vector>

#include "delivery/dead_letter.hpp"
#include "delivery/ledger_feed.hpp"
#include "delivery/visit_flow.hpp"
#include "engine/engine.hpp"
#include "metrics/run_metrics.hpp"

namespace tf::delivery {

class RunObserver final : public engine::Observer, public FlowSink {
public:
  RunObserver(metrics::SharedMetrics& metrics, DeadLetterWriter& dead_letters, std::vector<std::string> target_names,
              const Clock& clock);

  void on_generated(const VisitFlow& flow) override;
  void on_flow_started(engine::Flow& flow, Micros start_lag) override;
  void on_attempt(std::size_t target, const engine::AttemptResult& result, bool will_retry) override;
  void on_step_done(engine::Flow& flow, std::size_t step, engine::StepOutcome outcome, std::string_view reason,
                    std::string_view detail, int attempts) override;
  void on_flow_done(engine::Flow& flow) override;
  void on_log(std::string_view line) override;
  /// Counts each visit started in the load stage running then (RunMetrics::stages), the stages'
  /// time counting from `start`. Call before the engine runs.
  void time_stages(SteadyTime start) { m_stages_from = start; }
  /// `hits` of `target` resent although an earlier run may have delivered them.
  void add_possible_duplicates(std::size_t target, std::uint64_t hits);

private:
  std::optional<SteadyTime> m_stages_from;
  metrics::SharedMetrics& m_metrics;
  DeadLetterWriter& m_dead_letters;
  std::vector<std::string> m_names;
  const Clock& m_clock;
  std::atomic<bool> m_warned_counts{false};  ///< the bulk_answers_without_counts warning was given
};

/// Should a dead-letter line of this outcome say "maybe_recorded": unconfirmed hits, and a bulk
/// batch's invalid hits that Matomo did not name while it tracked others.
bool maybe_recorded(engine::StepOutcome outcome, std::string_view reason);

/// Logs one record (util/log.hpp): a line starting `warning: ` or `error: ` at that level, any
/// other at info; one write, so lines of threads do not interleave.
void log_line(std::string_view line, const Clock& clock);

}  // namespace tf::delivery
