#pragma once
// The engine's single-thread loop state, shared by engine.cpp (loop, arrivals, admission, stop)
// and engine_steps.cpp (sending steps, completions, retries, bulk batches).
#include <algorithm>
#include <deque>
#include <mutex>
#include <queue>
#include <unordered_map>

#include "engine/admission.hpp"
#include "engine/arrivals.hpp"
#include "engine/breaker.hpp"
#include "engine/retry.hpp"
#include "engine/engine.hpp"
#include "engine/slot_state.hpp"
#include "engine/stop_conditions.hpp"
#include "engine/transport.hpp"
#include "util/random.hpp"

namespace tf::engine {

enum class DueKind { arrival, step, breaker, flush, deadline, drain, cap_resume, key_release };

struct DueItem {
  SteadyTime due;
  std::uint64_t seq = 0;
  DueKind kind = DueKind::arrival;
  std::uint32_t index = 0;  ///< flow slot or target
  std::uint32_t gen = 0;  ///< flow slot generation (stale items are skipped)
  bool operator>(const DueItem& o) const { return due != o.due ? due > o.due : seq > o.seq; }
};

/// A step due without a pause: no timer, the loop's next turn sends it (Engine::Impl::due_now).
struct DueStep {
  std::uint32_t slot = 0;
  std::uint32_t gen = 0;
  SteadyTime due{};
};

/// Ready (built, not started) flows held per target; see Engine::Impl::ready_limit.
inline constexpr std::size_t k_ready_per_target = 1024;

struct FlowSlot {
  std::unique_ptr<Flow> flow;  ///< set unless idle
  std::uint32_t gen = 0;  ///< bumped when the flow ends (a step timer of an earlier flow is stale)
  SlotState state = SlotState::idle;
  std::size_t step = 0;
  int attempts = 0;  ///< attempts of the current step
  bool maybe_recorded = false;  ///< an earlier attempt of the current step may have been recorded
  SteadyTime intended_arrival{}, intended_send{};

  /// Moves along one edge of slot_edge_allowed (asserted in debug builds).
  void to(SlotState next) {
    assert(slot_edge_allowed(state, next));
    state = next;
  }
  bool started() const { return state != SlotState::waiting; }
  /// A step timer item of generation `g` is this slot's current one.
  bool timer_current(std::uint32_t g) const { return g == gen && slot_timer_armed(state); }
};

struct TargetState {
  TargetState(const EngineConfig& config, TargetLimits limits_)
    : limits(limits_), breaker(config.breaker),
      budget(config.retry.budget, config.retry.budget_floor, config.breaker.window) {}
  TargetLimits limits;
  CircuitBreaker breaker;
  RetryBudget budget;
  int in_flight = 0;
  std::deque<std::uint32_t> blocked;  ///< steps due but held by the breaker or the bulkhead
  std::vector<std::uint32_t> batch;  ///< bulk: items waiting for a flush
  bool flush_scheduled = false, breaker_timer = false;
  BreakerState logged = BreakerState::closed;
  long long budget_rejections = 0;
};

struct InFlight {
  bool active = false;
  std::uint32_t gen = 0;
  std::size_t target = 0;
  std::vector<std::uint32_t> flows;  ///< slots whose current step the request carries
  SteadyTime intended{};  ///< earliest intended send time among them
  std::uint32_t retried = 0;  ///< of them, steps sent again (retries)
  std::uint32_t duplicates = 0;  ///< of those, steps whose earlier attempt may have been recorded
};

/// Shared by the coordinator and the worker loops when threads > 1.
struct SharedState {
  std::atomic<long long> in_progress{0};  ///< flows in progress over all workers (CONCURRENCY)
  std::atomic<long long> queued{0};  ///< flows handed to workers and not yet started
  long long backlog_limit = 0;  ///< while `queued` is this high, the pacing loop holds arrivals back
  std::atomic<bool> arrivals_done{false};  ///< the coordinator hands out no more flows
  std::atomic<std::uint64_t> releases{0};  ///< flows ended over all workers (see Engine::Impl::polling)
  std::vector<Engine::Impl*> workers;
  std::mutex admission_mutex;
  FlowAdmission admission;  ///< per-target shares over all workers; admission_mutex
};

struct Engine::Impl {
  Impl(EngineConfig config_, FlowSource& source_, Observer& observer_, BatchCodec* codec_, const Clock& clock_,
       TransportFactory factory_);
  /// Withdraws this loop's open circuits from config.circuits (a board may outlive the engine).
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  // engine.cpp
  RunResult run();
  /// threads > 1: this loop shares CONCURRENCY with the others; unless it `paces` (the pool's
  /// first loop, which draws the arrivals of all and hands each flow to its loop), it takes its
  /// flows from `inbox`.
  void feed_from(SharedState& state, bool paces_) {
    shared = &state;
    paces = paces_;
  }
  /// An arrival's flow to the loop that owns its order_key (threads == 1: this one).
  void dispatch(std::unique_ptr<Flow> flow, SteadyTime intended);
  /// The pacing loop of a pool stopped arriving: the other loops take no more flows, and drain
  /// when `drain` (a duration stop or an error).
  void close_arrivals(StopReason reason, bool drain);
  void hand_over(std::unique_ptr<Flow> flow, SteadyTime intended);  ///< coordinator thread
  void take_inbox(SteadyTime now);
  void reject(Flow& flow);
  /// The admission lane of a flow: its target, or the last lane for an unknown target.
  std::size_t lane_of(const Flow& flow) const { return std::min(flow.target(), targets.size()); }
  bool target_lent(std::size_t lane) const;  ///< its circuit is open in any loop (see FlowAdmission)
  bool may_start(std::size_t lane);
  bool try_start_slot(std::size_t lane);
  void release_slot(std::size_t lane);
  void wake() noexcept {
    if (Transport* t = wake_target.load()) {
      t->wakeup();
    }
  }
  void push(SteadyTime due, DueKind kind, std::uint32_t index = 0, std::uint32_t gen = 0);
  void run_due(SteadyTime now);
  void run_due_now(SteadyTime now);  ///< the steps of due_now
  void on_arrival(SteadyTime now);
  void take_arrival(SteadyTime now);
  /// The lane whose first ready flow may start and arrived earliest (ties: the lower lane), or
  /// ready.fifo.size() when none may start.
  std::size_t next_lane();
  void admit(SteadyTime now);
  void stop_arrivals(StopReason reason, bool drain, SteadyTime now);
  /// Draining, and nothing can be sent before the drain timeout: no request in flight, nothing
  /// batched or held, and the drain deadline is the earliest item due once items that do nothing
  /// after the stop are dropped. The drain may end now.
  bool drain_idle();
  void abandon_all(std::string_view reason, SteadyTime now);
  void check_signals(SteadyTime now);
  void publish(SteadyTime now, bool force);
  bool done() const { return (paces ? arrivals_stopped : inbox_closed) && live_flows == 0; }
  /// Flows ready to start held at most per target; while one target's FIFO holds that many, the
  /// next arrival waits (keeping its intended time, so its start lag is measured): its target is
  /// unknown until it is taken. A fixed bound, not a multiple of CONCURRENCY: waiting visits are
  /// built visits in memory, and a parked arrival loses nothing.
  static std::size_t ready_limit() { return k_ready_per_target; }

  // engine_flows.cpp
  /// Takes a flow into a slot: ready, or behind the flow of its order_key in progress.
  void enqueue(std::unique_ptr<Flow> flow, SteadyTime intended);
  void start_flow(std::uint32_t slot, SteadyTime now);
  /// Ends the flow and frees its slot. Its order_key passes to the visitor's next flow now, or,
  /// after a `late_hit` (a hit ended unconfirmed: Matomo may still be processing it), key_hold()
  /// later, so that the visitor's next visit cannot reach Matomo beside or before that hit.
  void finish_flow(std::uint32_t slot, SteadyTime now, bool late_hit = false);
  /// The order_key is free: its next waiting flow (if any) becomes ready.
  void release_key(std::uint64_t key);
  void release_held_key();  ///< the oldest held key's grace ended (DueKind::key_release)
  /// How long a key stays held after a late hit: the request timeout again (the hit was given up
  /// after at most one request timeout; Matomo gets as long again to finish it).
  Millis key_hold() const { return config.request_timeout; }
  void abandon_flow(std::uint32_t slot, std::string_view reason);

  // engine_steps.cpp
  void step_due(std::uint32_t slot, SteadyTime now);
  bool can_send(TargetState& t, SteadyTime now);
  void send_single(std::uint32_t slot, std::size_t target, SteadyTime now);  ///< target: its flow's
  void add_to_batch(std::uint32_t slot, std::size_t target, SteadyTime now);
  void flush(std::size_t target, SteadyTime now);
  void release_blocked(std::size_t target, SteadyTime now);
  void on_completion(Completion& completion, SteadyTime now);
  bool retry_allowed(std::size_t target, SteadyTime now);
  /// Fills `decisions` for completed_flows (from the bulk answer's `item_outcomes` when
  /// `answered`, else by the retry policy); true when any step will be retried.
  bool decide(std::size_t target, const AttemptResult& r, bool answered, SteadyTime now);
  /// Reads a bulk answer into item_outcomes; true when it settled every item (see BatchCodec).
  bool read_batch_answer(std::size_t target, AttemptResult& r, std::size_t items);
  Millis retry_delay(int attempts, const AttemptResult& result);
  /// Counts a step sent (again): a retry, and a possible duplicate when an earlier attempt may
  /// have been recorded.
  void note_send(FlowSlot& s, InFlight& request);
  void step_acked(std::uint32_t slot, SteadyTime now);
  /// Ends the current step with `outcome` (not acked): the rest of the visit is not_sent,
  /// "previous-hit-failed" after rejected/failed, "previous-hit-unconfirmed" after unconfirmed
  /// (but after "bulk-unconfirmed", settled by Matomo's answer, the visit goes on).
  /// A failed step whose earlier attempt may have been recorded ends unconfirmed.
  void end_step(std::uint32_t slot, StepOutcome outcome, std::string_view reason, std::string_view detail,
                SteadyTime now);
  /// The next step of the flow after its pause, or the end of the flow.
  void advance(std::uint32_t slot, SteadyTime now);
  void note_breaker(std::size_t target, SteadyTime now);
  /// A pooled request record for `target`; returns its token.
  std::uint64_t new_request(std::size_t target, InFlight*& out);

  EngineConfig config;
  FlowSource& source;
  Observer& observer;
  BatchCodec* codec;
  const Clock& clock;
  TransportFactory factory;
  std::unique_ptr<Transport> transport;
  std::atomic<Transport*> wake_target{nullptr};
  std::atomic<int> stop_level{0};  ///< 1 stop and drain, 2 abandon now
  int handled_stop_level = 0;

  Rng jitter_rng;
  std::uint64_t arrival_seed = 0;  ///< the arrival stream's seed: the run's (not a pool loop's)
  bool paces = true;  ///< this loop draws the arrivals (threads == 1, or the pool's first)
  std::optional<ArrivalSchedule> schedule;
  std::optional<StopConditions> stops;
  std::priority_queue<DueItem, std::vector<DueItem>, std::greater<>> heap;
  /// Steps due now (no pause before them: the common case of a fast load), run first on the
  /// next turn in the order they came due; cheaper than a timer through the heap.
  std::vector<DueStep> due_now, due_work;
  std::uint64_t seq = 0;
  std::vector<FlowSlot> slots;
  std::vector<std::uint32_t> free_slots;
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> key_waiters;  ///< key busy → successors (FIFO)
  std::deque<std::uint64_t> held_keys;  ///< keys held after a late hit, oldest first (finish_flow)
  ReadyQueues ready;  ///< eligible flows waiting for CONCURRENCY or their target's share
  std::vector<TargetState> targets;
  std::vector<InFlight> requests;  ///< pooled; token = gen << 32 | index
  std::vector<std::uint32_t> free_requests;
  std::vector<std::uint32_t> completed_flows;  ///< on_completion's working copy
  std::vector<std::uint8_t> decisions;  ///< per completed flow: a Decision (engine_steps.cpp)
  std::vector<StepOutcome> item_outcomes;  ///< per completed flow: what a bulk answer said
  HttpRequest scratch;
  std::vector<BatchItem> batch_items;  ///< flush's working list
  std::vector<Completion> completions;
  FlowAdmission admission;  ///< threads == 1 (threads > 1: SharedState::admission)

  bool arrival_parked = false;  ///< arrival held back while `ready` is full
  bool arrivals_stopped = false, arrivals_paused = false, draining = false;
  SteadyTime started_at{};
  long long live_flows = 0, in_progress = 0, waited_total = 0;
  RunResult result;
  Histogram loop_lag, start_lag;

  SharedState* shared = nullptr;
  std::mutex inbox_mutex;
  std::vector<std::pair<std::unique_ptr<Flow>, SteadyTime>> inbox, inbox_work;
  bool inbox_closed = false;
  std::atomic<std::size_t> ready_published{0};
  /// threads > 1: set while this loop may block in the transport. A worker that ends a flow wakes
  /// another only when it is polling with flows ready (not on every flow: a system call each);
  /// a loop about to block first sees whether a flow ended since its last admission, and then
  /// does not block (seq_cst on both sides: either the ender sees `polling`, or the loop sees
  /// the new `releases`).
  std::atomic<bool> polling{false};
  std::uint64_t releases_seen = 0;  ///< shared->releases when admit() last ran
  std::atomic<int> stop_reason_hint{static_cast<int>(StopReason::stop_requested)};

  mutable std::mutex stats_mutex;
  EngineStats published;
  SteadyTime last_publish{};
};

}  // namespace tf::engine
