#pragma once
// The engine side of `replay`: a ReplayFlow resends the stored hits of one visit on its target,
// one at a time and in order, with no pauses (cdt keeps the original times); ReplaySource hands
// out one flow per arrival; ReplayObserver accounts outcomes and writes what still fails.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "delivery/dead_letter.hpp"
#include "delivery/run_observer.hpp"
#include "delivery/visit_flow.hpp"
#include "engine/engine.hpp"
#include "metrics/run_metrics.hpp"

namespace tf::app {

class ReplayFlow final : public engine::Flow {
public:
  /// `visit` and `context` must outlive the flow.
  ReplayFlow(const delivery::ReplayVisit& visit, std::size_t target, const delivery::TargetContext& context);

  std::size_t target() const override { return m_target; }
  /// One visitor on one target: its replayed visits never overlap and keep file order.
  std::uint64_t order_key() const override;
  std::size_t step_count() const override { return m_visit.hits.size(); }
  Millis pause_before(std::size_t) const override { return Millis{0}; }
  /// GET with the stored parameters, or a POST form body carrying the target's token.
  void build_request(std::size_t step, SteadyTime send_time, engine::HttpRequest& out) override;
  void append_bulk_item(std::size_t step, SteadyTime send_time, std::string& out) override;

  const delivery::ReplayVisit& visit() const { return m_visit; }
  int abandoned = 0;  ///< hits of this flow cut by a stop (not_sent, not after a failed hit)
  /// Single mode: build_request tells `log` (may be null) before each hit is sent.
  void set_send_log(delivery::SendLog* log) { m_send_log = log; }

private:
  const delivery::ReplayVisit& m_visit;
  std::size_t m_target;
  const delivery::TargetContext& m_context;
  delivery::SendLog* m_send_log = nullptr;
};

/// Attempts, flow starts and log lines go through RunObserver (the same accounting as `run`);
/// step outcomes are counted here and failures written with their stored parameters.
class ReplayObserver final : public engine::Observer {
public:
  ReplayObserver(metrics::SharedMetrics& metrics, delivery::DeadLetterWriter& dead_letters,
                 std::vector<std::string> target_names, const Clock& clock);

  void on_flow_started(engine::Flow& flow, Micros start_lag) override;
  void on_attempt(std::size_t target, const engine::AttemptResult& result, bool will_retry) override;
  void on_step_done(engine::Flow& flow, std::size_t step, engine::StepOutcome outcome, std::string_view reason,
                    std::string_view detail, int attempts) override;
  void on_flow_done(engine::Flow& flow) override;
  void on_log(std::string_view line) override;

  /// The hits of a flow handed to the engine are "generated".
  void on_generated(const ReplayFlow& flow);
  /// A visit the engine never took (stopped first): generated, not_sent "not-started", written.
  void on_not_taken(const delivery::ReplayVisit& visit, std::size_t target);

private:
  void write(const delivery::ReplayVisit& visit, const delivery::ReplayHit& hit, std::size_t target,
             engine::StepOutcome outcome, std::string_view reason, std::string_view detail, int attempts);

  delivery::RunObserver m_run;
  metrics::SharedMetrics& m_metrics;
  delivery::DeadLetterWriter& m_dead_letters;
  std::vector<std::string> m_names;
};

}  // namespace tf::app

namespace tf::app {

/// Yields the flow of visits[i] at arrival i; `targets[i]` is its engine target index.
class ReplaySource final : public engine::FlowSource {
public:
  ReplaySource(const std::vector<delivery::ReplayVisit>& visits, std::vector<std::size_t> targets,
               const std::vector<delivery::TargetContext>& contexts, ReplayObserver& observer);
  std::optional<std::vector<std::unique_ptr<engine::Flow>>> next_arrival(SteadyTime intended) override;
  /// Visits handed to the engine so far (the first `taken()` of the list).
  std::size_t taken() const { return m_next; }
  std::size_t target_of(std::size_t visit) const { return m_targets.at(visit); }
  /// Every flow tells `log` (may be null) before each of its hits is sent (single mode).
  void set_send_log(delivery::SendLog* log) { m_send_log = log; }

private:
  const std::vector<delivery::ReplayVisit>& m_visits;
  std::vector<std::size_t> m_targets;
  const std::vector<delivery::TargetContext>& m_contexts;
  ReplayObserver& m_observer;
  delivery::SendLog* m_send_log = nullptr;
  std::size_t m_next = 0;
};

}  // namespace tf::app
