#pragma once
// The engine's single-thread loop state, shared by engine.cpp (loop, arrivals, admission, stop)
// and engine_steps.cpp (sending steps, completions, retries, bulk batches).
#include <deque>
#include <mutex>
#include <queue>
#include <unordered_map>

#include "engine/arrivals.hpp"
#include "engine/breaker.hpp"
#include "engine/engine.hpp"
#include "engine/transport.hpp"
#include "util/random.hpp"

namespace tf::engine {

enum class DueKind { arrival, step, breaker, flush, deadline, drain, cap_resume };

struct DueItem {
  SteadyTime due;
  std::uint64_t seq = 0;
  DueKind kind = DueKind::arrival;
  std::uint32_t index = 0;  ///< flow slot or target
  std::uint32_t gen = 0;    ///< flow slot generation (stale items are skipped)
  bool operator>(const DueItem& o) const { return due != o.due ? due > o.due : seq > o.seq; }
};

struct FlowSlot {
  std::unique_ptr<Flow> flow;
  std::uint32_t gen = 0;
  std::size_t step = 0;
  int attempts = 0;           ///< attempts of the current step
  bool started = false;
  SteadyTime intended_arrival{}, intended_send{};
  std::string item;           ///< bulk: the current step's encoded item
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
  std::vector<std::uint32_t> batch;   ///< bulk: items waiting for a flush
  bool flush_scheduled = false, breaker_timer = false;
  BreakerState logged = BreakerState::closed;
  long long budget_rejections = 0;
};

struct InFlight {
  bool active = false;
  std::uint32_t gen = 0;
  std::size_t target = 0;
  std::vector<std::uint32_t> flows;  ///< slots whose current step the request carries
  SteadyTime intended{};             ///< earliest intended send time among them
};

/// Shared by the coordinator and the worker loops when threads > 1.
struct SharedState {
  std::atomic<long long> in_progress{0};  ///< flows in progress over all workers (CONCURRENCY)
  std::atomic<long long> queued{0};       ///< flows handed to workers and not yet taken
  std::atomic<bool> arrivals_done{false}; ///< the coordinator hands out no more flows
  std::vector<Engine::Impl*> workers;
};

struct Engine::Impl {
  Impl(EngineConfig config_, FlowSource& source_, Observer& observer_, BatchCodec* codec_,
       const Clock& clock_, TransportFactory factory_);

  // engine.cpp
  RunResult run();
  /// threads > 1: this loop takes its flows from `inbox` instead of its own arrivals.
  void feed_from(SharedState& state) { shared = &state; }
  void hand_over(std::unique_ptr<Flow> flow, SteadyTime intended);  ///< coordinator thread
  void take_inbox(SteadyTime now);
  void reject(Flow& flow);
  bool at_capacity() const;
  bool try_start_slot();
  void release_slot();
  void wake() noexcept {
    if (Transport* t = wake_target.load()) {
      t->wakeup();
    }
  }
  void push(SteadyTime due, DueKind kind, std::uint32_t index = 0, std::uint32_t gen = 0);
  void run_due(SteadyTime now);
  void on_arrival(SteadyTime now);
  void take_arrival(SteadyTime now);
  void enqueue(std::unique_ptr<Flow> flow, SteadyTime intended);
  void admit(SteadyTime now);
  void start_flow(std::uint32_t slot, SteadyTime now);
  void finish_flow(std::uint32_t slot, SteadyTime now);
  void stop_arrivals(StopReason reason, bool drain, SteadyTime now);
  void abandon_all(std::string_view reason, SteadyTime now);
  void abandon_flow(std::uint32_t slot, std::string_view reason);
  void check_signals(SteadyTime now);
  void publish(SteadyTime now, bool force);
  bool done() const { return (shared != nullptr ? inbox_closed : arrivals_stopped) && live_flows == 0; }
  /// Flows ready to start held at most; beyond it the next arrival waits (keeping its time).
  std::size_t ready_limit() const {
    return std::max<std::size_t>(1024, 2 * static_cast<std::size_t>(config.max_flows_in_progress));
  }

  // engine_steps.cpp
  void step_due(std::uint32_t slot, SteadyTime now);
  bool can_send(TargetState& t, SteadyTime now);
  void send_single(std::uint32_t slot, SteadyTime now);
  void add_to_batch(std::uint32_t slot, SteadyTime now);
  void flush(std::size_t target, SteadyTime now);
  void release_blocked(std::size_t target, SteadyTime now);
  void on_completion(Completion& completion, SteadyTime now);
  bool retry_allowed(std::size_t target, SteadyTime now);
  /// Fills `decisions` for completed_flows; true when any step will be retried.
  bool decide(std::size_t target, const AttemptResult& r, std::size_t recorded, SteadyTime now);
  Millis retry_delay(int attempts, const AttemptResult& result);
  void step_acked(std::uint32_t slot, SteadyTime now);
  void step_failed(std::uint32_t slot, std::string_view reason, SteadyTime now);
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
  std::optional<ArrivalSchedule> schedule;
  std::priority_queue<DueItem, std::vector<DueItem>, std::greater<>> heap;
  std::uint64_t seq = 0;
  std::vector<FlowSlot> slots;
  std::vector<std::uint32_t> free_slots;
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> key_waiters;  ///< key busy → successors (FIFO)
  std::deque<std::uint32_t> ready;  ///< eligible flows waiting for CONCURRENCY
  std::vector<TargetState> targets;
  std::vector<InFlight> requests;          ///< pooled; token = gen << 32 | index
  std::vector<std::uint32_t> free_requests;
  std::vector<std::uint32_t> completed_flows;  ///< on_completion's working copy
  std::vector<std::uint8_t> decisions;         ///< per completed flow: ack, retry, fail, over budget
  HttpRequest scratch;
  std::vector<Completion> completions;

  bool arrival_parked = false;     ///< arrival held back while `ready` is full
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
  std::atomic<int> stop_reason_hint{static_cast<int>(StopReason::stop_requested)};

  mutable std::mutex stats_mutex;
  EngineStats published;
  SteadyTime last_publish{};
  std::unique_ptr<std::atomic<bool>[]> open_flags;
};

} // namespace tf::engine
