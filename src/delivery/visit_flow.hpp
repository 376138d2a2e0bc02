#pragma once
// The bridge between the visit model and the engine: a VisitFlow is one visit on one target,
// encoded lazily (hit by hit, at send time) by the matomo module; VisitSource hands the engine
// the visits of each arrival, routed per visitor; BulkCodec packs hits into bulk requests.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/settings.hpp"
#include "delivery/shard.hpp"
#include "delivery/visitor_tally.hpp"
#include "engine/engine.hpp"
#include "matomo/encode.hpp"
#include "matomo/params.hpp"
#include "model/generator.hpp"
#include "model/visit.hpp"
#include "routing/router.hpp"

namespace date {
class time_zone;
}

namespace tf::delivery {

/// What a flow needs to know about its target.
struct TargetContext {
  std::string name;
  std::string url;  ///< tracking endpoint
  int site_id = 1;
  std::string token_auth;  ///< this target's own token only; empty = none
  bool send_cip = false;  ///< RANDOMIZE_VISITOR_COUNTRIES and a token
  std::string user_agent;  ///< USER_AGENT_HEADER: the User-Agent header; "visitor" = each visit's own
  config::NetworkSpec network;  ///< how the target is reached (trust, client certificate, proxy, …)

  /// The User-Agent header of a hit whose simulated browser is `browser` (config::header_user_agent).
  std::string_view header_user_agent(std::string_view browser) const {
    return config::header_user_agent(user_agent, browser);
  }
};

/// Shared by the realtime flows of a run (model/timing.hpp): the last hit time of each returning
/// visitor on each target, so that a visitor's next visit is dated strictly after the previous
/// one, and how many hits were dated at send time instead of the model's time. Thread-safe.
class RealtimeDating {
public:
  /// The last-hit cell of `key` (a flow's order_key); stable while this object lives.
  std::atomic<std::int64_t>& visitor_cell(std::uint64_t key);
  void count(std::uint64_t later_hits, std::uint64_t clipped) {
    m_later.fetch_add(later_hits, std::memory_order_relaxed);
    m_clipped.fetch_add(clipped, std::memory_order_relaxed);
  }
  std::uint64_t later_hits() const { return m_later.load(); }  ///< hits after a visit's first
  std::uint64_t clipped() const { return m_clipped.load(); }  ///< of them, dated at send time

private:
  std::mutex m_mutex;
  std::unordered_map<std::uint64_t, std::unique_ptr<std::atomic<std::int64_t>>> m_cells;
  std::atomic<std::uint64_t> m_later{0}, m_clipped{0};
};

/// Told as hits are handed to the transport (every attempt), before the request is sent: the
/// backfill checkpoint's write-ahead log. Called from engine threads.
class SendLog {
public:
  virtual ~SendLog() = default;
  virtual void on_sending(const std::vector<engine::BatchItem>& items) = 0;
};

class VisitFlow final : public engine::Flow {
public:
  /// `dating`: the run's realtime bookkeeping (visits without start_ms); may be null.
  VisitFlow(std::shared_ptr<const model::Visit> visit, std::size_t target, const TargetContext& context,
            const date::time_zone* zone, const Clock& clock, RealtimeDating* dating = nullptr);
  ~VisitFlow() override;
  VisitFlow(const VisitFlow&) = delete;
  VisitFlow& operator=(const VisitFlow&) = delete;

  std::size_t target() const override { return m_target; }
  std::uint64_t order_key() const override;
  std::size_t step_count() const override { return m_visit->hits.size(); }
  Millis pause_before(std::size_t step) const override;
  void build_request(std::size_t step, SteadyTime send_time, engine::HttpRequest& out) override;
  void append_bulk_item(std::size_t step, SteadyTime send_time, std::string& out) override;

  /// The parameters of hit `step` as sent (or as they would have been sent), token included.
  /// A realtime hit is dated once, when first built (model/timing.hpp); a retry resends it as is.
  matomo::Params params(std::size_t step);
  const model::Visit& visit() const { return *m_visit; }
  const TargetContext& context() const { return m_context; }
  /// The site's time zone (null: UTC).
  const date::time_zone* zone() const { return m_zone; }
  /// The time of hit `step` (cdt, h/m/s), UNIX µs; dates the realtime hits up to `step` that
  /// are not yet dated, at the clock's current time.
  std::int64_t hit_time_us(std::size_t step);
  /// Counts hits of this flow cut by a stop (a visit with none is "completed").
  int abandoned = 0;
  /// The ledger's per-visitor counts of this visit, not yet added (delivery/visitor_tally.hpp).
  VisitTally tally;
  /// The ledger's view of the last hit encoded (LedgerFeed::mark; delivery/visitor_tally.hpp).
  LedgerMark ledger_mark;
  /// Single mode: build_request tells `log` (may be null) before each hit is sent.
  void set_send_log(SendLog* log) { m_send_log = log; }

private:
  matomo::EncodeContext encode_context(std::size_t step);

  std::shared_ptr<const model::Visit> m_visit;
  std::size_t m_target;
  const TargetContext& m_context;
  const date::time_zone* m_zone;
  const Clock& m_clock;
  RealtimeDating* m_dating;
  std::vector<std::int64_t> m_times;  ///< realtime: the dated hits' times (µs), in step order
  std::uint64_t m_clipped = 0;  ///< realtime hits dated at send time
  std::atomic<std::int64_t>* m_cell = nullptr;  ///< a pool visitor's last hit time (µs) on this target
  SendLog* m_send_log = nullptr;
};

/// Called for each flow the source creates (before the engine sees it): hits are "generated".
class FlowSink {
public:
  virtual ~FlowSink() = default;
  virtual void on_generated(const VisitFlow& flow) = 0;
};

/// Arrivals → visits (visit i of this shard) → flows on the target(s) the router chooses
/// (routing::route_key: by visitor; failover through the router's health view).
class VisitSource final : public engine::FlowSource {
public:
  VisitSource(model::VisitGenerator& generator, const routing::Router& router,
              const std::vector<TargetContext>& targets, const date::time_zone* zone, const Clock& clock, Shard shard,
              FlowSink& sink, RealtimeDating* dating = nullptr);

  std::optional<std::vector<std::unique_ptr<engine::Flow>>> next_arrival(SteadyTime intended) override;
  std::uint64_t visits() const { return m_visits.load(); }

private:
  model::VisitGenerator& m_generator;
  const routing::Router& m_router;
  const std::vector<TargetContext>& m_targets;
  const date::time_zone* m_zone;
  const Clock& m_clock;
  Shard m_shard;
  FlowSink& m_sink;
  RealtimeDating* m_dating;
  std::atomic<std::uint64_t> m_visits{0};
};

/// Matomo bulk tracking: {"requests":[...],"token_auth":...}. An answer's counts sort the batch:
/// `invalid_indices` are rejected; the first `tracked` of the others acked; invalid ones not
/// named are rejected all the same (unidentified_rejections) and never acked; the rest
/// (tracked + invalid != sent) unconfirmed. A 2xx answer without counts: all acked
/// (counts_missing). An error answer with counts: the tracked ones acked, the rest rejected.
class BulkCodec final : public engine::BatchCodec {
public:
  explicit BulkCodec(const std::vector<TargetContext>& targets) : m_targets(targets) {}
  void build_batch(std::size_t target, const std::vector<engine::BatchItem>& items, SteadyTime send_time,
                   engine::HttpRequest& out) override;
  bool read_answer(std::size_t target, engine::AttemptResult& result, std::size_t items,
                   std::vector<engine::StepOutcome>& outcomes) override;
  /// Elements a bulk answer counted as invalid (never retried; reported).
  std::uint64_t invalid() const { return m_invalid.load(); }
  /// build_batch tells `log` (may be null) the batch's items before it is sent.
  void set_send_log(SendLog* log) { m_send_log = log; }

private:
  const std::vector<TargetContext>& m_targets;
  SendLog* m_send_log = nullptr;
  std::atomic<std::uint64_t> m_invalid{0};
};

}  // namespace tf::delivery
