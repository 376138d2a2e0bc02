#pragma once
// Fault injection for the tracking endpoints: error statuses at a rate, Retry-After, added
// latency, stalls, connection drops, down windows and partial bulk answers. Deterministic for a
// given seed and request order.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/random.hpp"

namespace tf::mock {

/// A time window, in seconds since the plan was installed, during which the target is "down".
struct DownWindow {
  double from_s = 0;
  double to_s = 0;
  int status = 503;  ///< answer during the window (ignored when `drop`)
  bool drop = false;  ///< close connections without answering instead
};

struct FaultPlan {
  std::uint64_t seed = 1;
  int status = 0;  ///< injected status (0 = none), e.g. 503 or 429
  double rate = 1.0;  ///< probability of `status` per request
  std::string retry_after;  ///< Retry-After value sent with injected statuses; empty = none
  long long limit = -1;  ///< at most this many status/drop/stall faults (-1 = unlimited)
  int latency_ms = 0;  ///< added to every tracking request
  int stall_ms = 0;  ///< sleep before answering a stalled request (0 = never)
  double stall_rate = 1.0;  ///< probability of a stall when stall_ms > 0
  int stall_status = 504;  ///< answer after the stall; nothing is recorded
  double drop_rate = 0.0;  ///< probability of closing the connection without answering
  std::vector<DownWindow> windows;
  int bulk_first_k = -1;  ///< bulk: record only the first k elements, answer 500 (-1 = off)
  double bulk_first_k_rate = 1.0;
  /// Record the request as usual, then "stall" (answer only after record_then_ms, past the
  /// client's timeout) or "drop" (close the connection without answering); or "late": process
  /// it for record_then_ms first (the visitor's request in flight), then record and answer it,
  /// after the client has given up; "" = off.
  std::string record_then;
  int record_then_every = 0;  ///< every Nth tracking request gets record_then (0 = off)
  int record_then_ms = 5000;  ///< the stall of record_then "stall", the processing time of "late"
  std::string location;  ///< Location header of an injected 3xx status; empty = a default
  /// Capacity: at most this many tracking requests per second (0 = unlimited). A request waits
  /// its turn (queueing delay, one every 1/capacity_rps s); one that would wait longer than
  /// capacity_queue_ms gets capacity_status at once and records nothing.
  double capacity_rps = 0;
  int capacity_queue_ms = 100;
  int capacity_status = 503;
  /// Probability per accepted hit of answering success but storing nothing (a Matomo that
  /// loses hits; `verify` must see the difference). Not capped by `limit`.
  double store_nothing_rate = 0.0;
  /// At most this many status/drop/stall faults for one request's content (its query string and
  /// body): a resent hit then passes, so "rate" faults are transient per hit (0 = no cap).
  int max_per_request = 0;

  /// Parses the JSON form (keys as the members); throws nlohmann::json::exception or
  /// std::invalid_argument on a bad value.
  static FaultPlan from_json(const nlohmann::json& j);
  nlohmann::json to_json() const;
};

enum class FaultKind { none, status, drop, stall, bulk_first_k, record_then_stall, record_then_drop, record_late };

struct FaultDecision {
  FaultKind kind = FaultKind::none;
  int status = 0;
  std::string retry_after;
  int latency_ms = 0;  ///< added delay before the normal answer (any kind)
  int stall_ms = 0;
  int first_k = 0;  ///< for bulk_first_k
  std::string location;  ///< for a 3xx status
  int queue_ms = 0;  ///< capacity: the wait for its turn before it is handled (kind none)
};

class FaultInjector {
public:
  using Steady = std::chrono::steady_clock;

  explicit FaultInjector(FaultPlan plan, Steady::time_point now);

  /// Replaces the plan; windows restart from `now`; the random stream restarts from its seed.
  void set_plan(FaultPlan plan, Steady::time_point now);
  FaultPlan plan() const;

  /// The fault for one tracking request arriving at `now`; counts what it injects.
  /// `content` identifies the request for max_per_request (its query string and body).
  FaultDecision decide(Steady::time_point now, bool is_bulk, std::string_view content = {});

  /// For one accepted hit: answer success but store nothing? Counts "store_nothing".
  bool store_nothing();

  /// Injected faults by kind ("status_503", "drop", "stall", "window_503", ...).
  std::map<std::string, long long> injected() const;
  void reset_counts();

private:
  bool budget_left() const;
  /// max_per_request: true (and counted) when `content` may take one more fault.
  bool below_request_cap(std::string_view content);
  /// Capacity: true when the request gets a turn (its wait in `d.queue_ms`), false when the
  /// queue is full (d becomes the capacity status).
  bool take_turn(Steady::time_point now, FaultDecision& d);
  void count(const std::string& what);

  mutable std::mutex m_mutex;
  FaultPlan m_plan;
  Steady::time_point m_since;
  tf::Rng m_rng;
  long long m_limited = 0;
  long long m_requests = 0;  ///< tracking requests decided since the plan was set
  Steady::time_point m_next_turn{};  ///< capacity: when the next request's turn comes
  std::map<std::string, long long> m_injected;
  std::unordered_map<std::size_t, int> m_faults_of;  ///< max_per_request: faults per content hash
};

}  // namespace tf::mock
