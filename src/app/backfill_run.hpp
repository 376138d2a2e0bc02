#pragma once
// Backfill for `run` (issue 7): the day plan of the window, a FlowSource that hands the engine
// the plan's visits in index order, an observer that records complete visits in the checkpoint,
// and the per-day summary.
//
// - Visit i is built with VisitGenerator::build_at(i, start) where start comes from the plan;
//   visits of other shards and visits the checkpoint has as complete are skipped with skip_at,
//   so every visit's content is the same in any shard split and after any resume.
// - A visit whose hits on a target were partly acked before a failure or a stop is recorded as
//   partial in the checkpoint; a rerun sends only its remaining hits there (same cdt timeline,
//   so Matomo continues the same visit).
// - Hits are sent without real pauses (cdt carries the simulated timeline).
// - A visit is complete when every hit of every one of its flows was acked; a visit with a
//   hit not acked (rejected, failed, unconfirmed, not sent) stays incomplete and is delivered again by a rerun.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/backfill_checkpoint.hpp"
#include "app/commands.hpp"
#include "app/run_setup.hpp"
#include "delivery/run_observer.hpp"
#include "delivery/visit_flow.hpp"
#include "engine/engine.hpp"
#include "model/backfill.hpp"

namespace tf::app {

/// SEED, else BACKFILL_SEED; nullopt when neither is set.
std::optional<std::uint64_t> backfill_seed(const config::Settings& settings);

/// The plan of the settings' window (TIMEZONE days, caps, profile, variation) as of `now`.
model::BackfillPlan make_backfill_plan(const config::Settings& settings, const date::time_zone* zone,
                                       std::uint64_t seed, SysTime now);

/// Mean hits of a browsing visit under the settings (pageviews, extra actions, the ping).
double expected_hits_per_visit(const config::Settings& settings);

/// Visit arrivals per second for the engine: BACKFILL_RPS_LIMIT is requests per second (the
/// predecessor read it as visits per second), so visits/s = RPS × hits per request / hits per
/// visit, split over the shards. Unset: as fast as CONCURRENCY allows.
double backfill_arrival_rate(const config::Settings& settings, Shard shard);

/// The options of a backfill run: the seed from SEED, BACKFILL_SEED or the checkpoint file (else
/// random). BULK 100 and CONCURRENCY are config rules (config/derived.cpp), shown by --show-config.
RunOptions backfill_run_options(const RunOptions& options);

/// Counts the flows of each visit and marks a visit complete in the checkpoint when all of them
/// were acked, partial when some hits were; logs every hit handed to the transport and every
/// outcome in the checkpoint's write-ahead log; forwards everything to the run's observer.
class BackfillTracker final : public engine::Observer, public delivery::FlowSink, public delivery::SendLog {
public:
  BackfillTracker(delivery::RunObserver& inner, Checkpoint& checkpoint, const Clock& clock);

  void on_sending(const std::vector<engine::BatchItem>& items) override;
  /// Reports every hit of `flow` (never sent by this run) unconfirmed, reason
  /// "in-flight-at-crash": an earlier run handed them over and died before the answer.
  void report_in_flight(delivery::VisitFlow& flow);
  /// `hits` of `target` are resent after a crash (--retry-unconfirmed): possible duplicates.
  void resend_in_flight(std::size_t target, std::size_t hits);
  std::uint64_t in_flight_reported() const { return m_in_flight_reported.load(); }

  void on_generated(const delivery::VisitFlow& flow) override;
  void on_flow_started(engine::Flow& flow, Micros start_lag) override;
  void on_attempt(std::size_t target, const engine::AttemptResult& result, bool will_retry) override;
  void on_step_done(engine::Flow& flow, std::size_t step, engine::StepOutcome outcome, std::string_view reason,
                    std::string_view detail, int attempts) override;
  void on_flow_done(engine::Flow& flow) override;
  void on_log(std::string_view line) override;

private:
  struct Pending {
    int flows = 0;
    bool failed = false;
    std::vector<std::pair<std::size_t, std::size_t>> acked;  ///< (target, hits acked in order)
  };
  delivery::RunObserver& m_inner;
  Checkpoint& m_checkpoint;
  const Clock& m_clock;
  std::mutex m_mutex;
  std::unordered_map<std::uint64_t, Pending> m_pending;  ///< by visit index
  std::unordered_map<const engine::Flow*, std::size_t> m_first_failed;  ///< step of a flow's first failure
  std::atomic<std::uint64_t> m_in_flight_reported{0};
};

/// The plan's visits of this shard that the checkpoint does not have, oldest first.
class BackfillSource final : public engine::FlowSource {
public:
  BackfillSource(model::VisitGenerator& generator, const model::BackfillPlan& plan, const routing::Router& router,
                 const std::vector<delivery::TargetContext>& targets, const date::time_zone* zone, const Clock& clock,
                 Shard shard, Checkpoint& checkpoint, BackfillTracker& tracker, bool retry_unconfirmed);

  std::optional<std::vector<std::unique_ptr<engine::Flow>>> next_arrival(SteadyTime intended) override;
  std::uint64_t resumed() const { return m_resumed; }  ///< visits skipped as already complete

private:
  model::VisitGenerator& m_generator;
  model::BackfillTimeline m_timeline;
  const routing::Router& m_router;
  const std::vector<delivery::TargetContext>& m_targets;
  const date::time_zone* m_zone;
  const Clock& m_clock;
  Shard m_shard;
  /// Reports or forgets the ranges a crashed run left in flight, before the visit goes on.
  void settle_in_flight(const std::shared_ptr<const model::Visit>& visit);

  Checkpoint& m_checkpoint;
  BackfillTracker& m_sink;
  bool m_retry_unconfirmed;
  std::uint64_t m_resumed = 0;
};

/// Per day: the visits of this shard planned and complete.
struct BackfillDayStatus {
  std::string date;
  std::uint64_t planned = 0;
  std::uint64_t completed = 0;
};

/// Everything a backfill adds to `run`.
class BackfillRun {
public:
  BackfillRun(const RunOptions& options, RunSetup& setup, delivery::RunObserver& observer, const Clock& clock);

  engine::FlowSource& source() { return *m_source; }
  engine::Observer& observer() { return *m_tracker; }
  /// Tell the bulk codec: every batch is logged before it is sent.
  delivery::SendLog& send_log() { return *m_tracker; }
  /// Arrival rate from BACKFILL_RPS_LIMIT; no rolling 24 h cap (it counts real time).
  void configure(engine::EngineConfig& config) const;
  /// One log line: window, days, visits, checkpoint.
  void print_banner() const;
  /// Saves the checkpoint and logs the incomplete days; true when every visit is complete.
  bool finish();
  std::vector<BackfillDayStatus> days() const;
  /// Visits of this shard over the whole window (the bound of its % done).
  std::uint64_t planned_visits() const;
  /// The "backfill" object of the JSON summary.
  nlohmann::json summary() const;

private:
  const RunOptions& m_options;
  const Clock& m_clock;
  model::BackfillPlan m_plan;
  std::unique_ptr<Checkpoint> m_checkpoint;
  std::unique_ptr<BackfillTracker> m_tracker;
  std::unique_ptr<BackfillSource> m_source;
};

}  // namespace tf::app
