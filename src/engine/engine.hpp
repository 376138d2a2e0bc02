#pragma once
// The delivery engine: open-loop Poisson arrivals, flows of ordered steps, a due-time heap,
// retries, per-target circuit breaker, bulkhead and retry budget, bulk packing, drain. It knows
// nothing of Matomo: requests are built by Flow/BatchCodec, outcomes go to an Observer.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/circuit_board.hpp"
#include "engine/load_shape.hpp"
#include "metrics/histogram.hpp"
#include "metrics/outcome.hpp"
#include "util/clock.hpp"
#include "util/network.hpp"

namespace tf::engine {

/// Latency histograms are the metrics module's (log-linear, mergeable, µs).
using Histogram = metrics::Histogram;

struct HttpRequest {
  std::string url;
  std::string body;  ///< empty and !post → GET
  bool post = false;
  std::string content_type;  ///< POST only; empty = none
  std::string user_agent;  ///< empty = none
  std::vector<std::string> headers;  ///< extra "Name: value" lines
  std::size_t target = 0;  ///< index into EngineConfig::targets (set by the engine): its network
  void clear() {
    url.clear();
    body.clear();
    post = false;
    content_type.clear();
    user_agent.clear();
    headers.clear();
    target = 0;
  }
};

/// The one vocabulary of the tool (metrics/outcome.hpp): why an attempt failed, a breaker's
/// state, what became of a step (a hit).
using metrics::BreakerState;
using metrics::ErrorKind;
using StepOutcome = metrics::Outcome;
using metrics::to_string;

/// How one target is reached (trust, client certificate, proxy, pinned addresses). Set once per
/// pooled connection handle, never per request.
using TargetNetwork = NetworkOptions;

/// The outcome of one HTTP request (one attempt).
struct AttemptResult {
  int status = 0;  ///< HTTP status; 0 when no answer
  ErrorKind error = ErrorKind::none;  ///< none for 1xx and 2xx answers; redirect for 3xx
  /// A transport error after the request may have been written (connected, request under way):
  /// the server may have recorded it (timeout or reset after sending).
  bool request_sent = false;
  std::string error_text;  ///< transport error text or "HTTP 503"
  /// The server's reason: the first 200 bytes of the answer, tags stripped, tokens redacted
  /// ("Location: URL" for a redirect; a bulk answer's message). Set for failed attempts only.
  std::string detail;
  Micros service_time{0};  ///< request sent → answer
  Micros since_intended{0};  ///< intended send time → answer (coordinated omission)
  std::optional<Millis> retry_after;  ///< the answer's Retry-After, if any
  std::string body;  ///< the answer body, truncated to a small cap
  std::size_t items = 1;  ///< steps carried by the request (bulk: batch size)
  /// times libcurl itself sent the request again (on a fresh connection, after the reused one
  /// died without an answer): each may have been recorded twice
  int resends = 0;
  std::size_t retried = 0;  ///< of `items`, steps sent again (retries actually sent)
  /// steps sent again although an earlier attempt may have been recorded (--retry-unconfirmed,
  /// and `resends` × items): possible duplicates in Matomo
  std::size_t possible_duplicates = 0;
  /// Bulk: the answer had no tracked/invalid counts (its items were counted acked, unconfirmed)
  bool counts_missing = false;
  /// Bulk: items the answer counted invalid without naming them (no invalid_indices)
  std::size_t unidentified_rejections = 0;
};

/// The server's reason from an answer body: tags stripped, whitespace collapsed, token-like
/// values (token_auth=..., 32 hex digits) replaced by "***", at most 200 bytes.
std::string answer_detail(std::string_view body);

/// A flow = one visit on one target: steps sent one at a time, in order; step i+1 waits for
/// step i's final outcome and then for pause_before(i+1). Steps are encoded lazily at send time
/// (again for every attempt).
class Flow {
public:
  virtual ~Flow() = default;
  virtual std::size_t target() const = 0;  ///< index into EngineConfig::targets
  virtual std::uint64_t order_key() const = 0;  ///< flows with equal keys never overlap; FIFO
  virtual std::size_t step_count() const = 0;  ///< ≥ 1
  /// The real pause after step-1's outcome, before step (step ≥ 1; step 0 is sent at start).
  virtual Millis pause_before(std::size_t step) const = 0;
  virtual void build_request(std::size_t step, SteadyTime send_time, HttpRequest& out) = 0;  ///< single mode
  /// Bulk mode: appends the step's item (one element of a batch, framed by the BatchCodec) to
  /// `out`, the request body being written. Called for every attempt, as the batch is built.
  virtual void append_bulk_item(std::size_t step, SteadyTime send_time, std::string& out) = 0;
};

/// Called at each Poisson arrival, always from the thread that called Engine::run(); returns the
/// flows of one arrival (several in mirror mode, none to skip), or nullopt when exhausted.
class FlowSource {
public:
  virtual ~FlowSource() = default;
  virtual std::optional<std::vector<std::unique_ptr<Flow>>> next_arrival(SteadyTime intended) = 0;
};

/// One step carried by a bulk request.
struct BatchItem {
  Flow* flow = nullptr;
  std::size_t step = 0;
};

/// Packs bulk items into one request per target and reads the answer.
class BatchCodec {
public:
  virtual ~BatchCodec() = default;
  /// The request carrying `items` in order, each written by its flow's append_bulk_item straight
  /// into the body (no copy of an item is kept between attempts).
  virtual void build_batch(std::size_t target, const std::vector<BatchItem>& items, SteadyTime send_time,
                           HttpRequest& out) = 0;
  /// Reads an answer carrying `items` steps: returns false when it is no answer to the batch
  /// (the retry policy then decides for every item by the status); true after filling
  /// `outcomes` (one per item: acked, rejected, unconfirmed, or not_sent = not recorded, the
  /// retry policy decides) and, in `result`, counts_missing, unidentified_rejections, detail.
  virtual bool read_answer(std::size_t target, AttemptResult& result, std::size_t items,
                           std::vector<StepOutcome>& outcomes) = 0;
};

/// Called from engine threads (one thread at a time per flow; different flows may report
/// concurrently when threads > 1). Invariant: every flow returned by FlowSource gets exactly one
/// on_step_done per step and then one on_flow_done. Flows cut before they started (stop while
/// waiting for CONCURRENCY or for an earlier flow of their order_key) get no on_flow_started;
/// their steps are reported not_sent with reason "not-started".
/// Reasons: "" (acked); rejected: "http-<status>" (e.g. "http-400"), "bulk-invalid";
/// failed: "http-<status>" (e.g. "http-503", "http-301"), "timeout", "connect", "dns", "tls",
/// "reset", "redirect", "other", "retry-budget", "no-such-target"; unconfirmed: "timeout",
/// "reset", "other", "bulk-unconfirmed", "drain-timeout", "immediate-stop", "engine-error";
/// not_sent: "previous-hit-failed" (a later step of a visit whose step was rejected or failed),
/// "previous-hit-unconfirmed" (a later step of a visit whose step was unconfirmed, except
/// "bulk-unconfirmed": Matomo may still be processing it; a visitor's hits go one at a time),
/// "drain-timeout", "immediate-stop", "not-started", "engine-error".
/// `detail` is the server's reason (AttemptResult::detail) for rejected/failed/unconfirmed
/// steps ended by an answer; empty otherwise.
class Observer {
public:
  virtual ~Observer() = default;
  virtual void on_flow_started(Flow& flow, Micros start_lag) = 0;
  virtual void on_attempt(std::size_t target, const AttemptResult& result, bool will_retry) = 0;
  virtual void on_step_done(Flow& flow, std::size_t step, StepOutcome outcome, std::string_view reason,
                            std::string_view detail, int attempts) = 0;
  virtual void on_flow_done(Flow& flow) = 0;
  virtual void on_log(std::string_view line) = 0;  ///< pauses/resumes, breaker transitions …
};

/// Per-target limits. CONCURRENCY (EngineConfig::max_flows_in_progress) is shared with a reserved
/// share per target: a flow of target t starts when fewer than CONCURRENCY flows are in progress
/// and either t has fewer than reserved_flows in progress, or the unreserved room is free:
/// CONCURRENCY − Σ_u max(in_progress_u, reserved_u) > 0. A target whose circuit is open reserves
/// nothing (new visits fail over elsewhere, so its share is lent to the others). So a slow target
/// uses its own reservation plus the unreserved pool, never the other targets' reserved flows;
/// all reservations 0 (the default) or one target is one plain global CONCURRENCY.
struct TargetLimits {
  int max_in_flight = 64;  ///< bulkhead: requests in flight to this target
  int reserved_flows = 0;  ///< flows in progress always available to this target (see above)
};

struct RetryPolicy {
  int max_retries = 2;
  Millis backoff{500};  ///< first retry delay; doubles per retry
  double jitter = 0.2;  ///< ± share of the delay
  Millis retry_after_cap{30000};  ///< longest Retry-After honoured
  double budget = 0.2;  ///< retries ≤ budget × requests (bulk: items) over the breaker window …
  int budget_floor = 10;  ///< … but this many retries per window are always allowed
  /// Resend a step whose attempt may have been recorded (timeout/reset after sending)? Off by
  /// default: Matomo has no idempotency, a resent hit may count twice (possible_duplicates).
  bool retry_unconfirmed = false;
};

struct BreakerPolicy {
  int consecutive_failures = 5;  ///< open after this many failures in a row
  double failure_rate = 0.5;  ///< or when failures/requests over the window exceed this …
  int min_requests = 20;  ///< … with at least this many requests in the window
  Millis window{10000};
  Millis open_for{5000};
  int half_open_probes = 3;  ///< probes in half-open; all must succeed to close
};

struct EngineConfig {
  std::vector<TargetLimits> targets;
  double arrivals_per_second = 1.0;  ///< > 0
  /// Arrivals exactly 1/rate apart instead of a Poisson process (find-capacity's steps: each
  /// offers the rate it asks for, k6's constant-arrival-rate); not with a shape.
  bool even_arrivals = false;
  /// A rate that changes over the run (stages, a daily curve); set: it replaces
  /// arrivals_per_second, and the run stops at its end().
  std::shared_ptr<const RateShape> shape;
  /// Live factor on arrivals_per_second (POST /speed), read by the arrival schedule at each draw;
  /// none = 1. Must be > 0 when set.
  std::shared_ptr<const std::atomic<double>> rate_scale;
  int max_flows_in_progress = 100;  ///< CONCURRENCY, with each target's reserved share (TargetLimits)
  int threads = 1;
  int bulk = 0;  ///< 0 = one request per step; N = up to N steps per request
  Millis bulk_linger{50};
  Millis connect_timeout{5000}, request_timeout{10000};
  bool http2 = false, insecure = false;
  std::vector<TargetNetwork> networks;  ///< per target, as `targets`; missing: direct, default trust
  RetryPolicy retry;
  BreakerPolicy breaker;
  std::optional<Millis> duration;
  std::optional<long long> max_arrivals;
  long long rolling_cap_per_day = 0;  ///< 0 = none; arrivals per rolling 24 h (pauses, resumes)
  Millis drain_timeout{10000};
  std::uint64_t seed = 0;  ///< Poisson and jitter streams
  /// The targets' circuits, written by every loop; made before the engine so that routing can
  /// read it (one entry per target). Null: the engine makes its own.
  std::shared_ptr<CircuitBoard> circuits;
};

enum class StopReason { duration, arrivals_exhausted, max_arrivals, stop_requested, immediate_stop, error };
const char* to_string(StopReason reason);

struct RunResult {
  StopReason reason = StopReason::arrivals_exhausted;
  std::string error_text;  ///< reason == error
  long long arrivals = 0;  ///< FlowSource arrivals taken
  long long flows = 0;  ///< flows received
  long long flows_started = 0;
  long long steps_acked = 0, steps_rejected = 0, steps_failed = 0, steps_unconfirmed = 0, steps_not_sent = 0;
  /// Adds one step's outcome.
  void count(StepOutcome outcome) noexcept;
  long long requests = 0, retries = 0;
};

struct TargetStats {
  BreakerState breaker = BreakerState::closed;
  long long breaker_opens = 0;  ///< closed/half-open → open transitions
  Micros time_open{0};  ///< total time spent open or half-open
  int in_flight = 0;  ///< requests now
  long long budget_rejections = 0;  ///< retries refused by the retry budget
};

struct EngineStats {
  Histogram loop_lag;  ///< µs: how late due items ran
  Histogram start_lag;  ///< µs: flow start − intended arrival
  Micros cpu_user{0}, cpu_system{0};  ///< process CPU (getrusage)
  long long flows_in_progress = 0;
  long long flows_waiting = 0;  ///< ready to start, waiting for CONCURRENCY (or its target's share)
  long long flows_waited = 0;  ///< flows that ever waited for CONCURRENCY (or its target's share)
  bool arrivals_paused = false;  ///< rolling cap reached
  long long requests = 0, retries = 0;
  std::vector<TargetStats> targets;
};

class Transport;
/// Makes the transport for one loop; the engine calls it once per thread.
using TransportFactory = std::function<std::unique_ptr<Transport>(const EngineConfig&)>;

class Engine {
public:
  /// Delivers with libcurl.
  Engine(EngineConfig config, FlowSource& source, Observer& observer, BatchCodec* codec, const Clock& clock);
  /// Delivers through the given transport (tests use a fake one). With threads > 1 the factory
  /// is called once per worker thread (a fake clock then needs transports that move it only
  /// when every loop waits).
  Engine(EngineConfig config, FlowSource& source, Observer& observer, BatchCodec* codec, const Clock& clock,
         TransportFactory transport);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Runs until a stop condition and the drain; returns why it stopped and the counts.
  RunResult run();
  void request_stop() noexcept;  ///< async-signal-safe: stop starting, drain
  void request_immediate_stop() noexcept;  ///< async-signal-safe: abandon now
  EngineStats stats() const;  ///< thread-safe snapshot
  bool target_open(std::size_t target) const;  ///< thread-safe: breaker open or half-open

  struct Impl;  ///< one event loop (internal)
  struct Pool;  ///< threads > 1: coordinator and loops (internal)

private:
  std::unique_ptr<Impl> m_impl;  ///< threads == 1
  std::unique_ptr<Pool> m_pool;  ///< threads > 1
};

}  // namespace tf::engine
