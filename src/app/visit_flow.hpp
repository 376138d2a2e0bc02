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
#include <vector>

#include "app/commands.hpp"
#include "config/settings.hpp"
#include "engine/engine.hpp"
#include "matomo/encode.hpp"
#include "matomo/params.hpp"
#include "model/generator.hpp"
#include "model/visit.hpp"
#include "routing/router.hpp"

namespace date {
class time_zone;
}

namespace tf::app {

/// What a flow needs to know about its target.
struct TargetContext {
  std::string name;
  std::string url;         ///< tracking endpoint
  int site_id = 1;
  std::string token_auth;  ///< this target's own token only; empty = none
  bool send_cip = false;   ///< RANDOMIZE_VISITOR_COUNTRIES and a token
  std::string user_agent;  ///< USER_AGENT_HEADER: the User-Agent header; "visitor" = each visit's own
  config::NetworkSpec network;  ///< how the target is reached (trust, client certificate, proxy, …)

  /// The User-Agent header of a hit whose simulated browser is `browser` (config::header_user_agent).
  std::string_view header_user_agent(std::string_view browser) const {
    return config::header_user_agent(user_agent, browser);
  }
};

class VisitFlow final : public engine::Flow {
public:
  VisitFlow(std::shared_ptr<const model::Visit> visit, std::size_t target,
            const TargetContext& context, const date::time_zone* zone, const Clock& clock);

  std::size_t target() const override { return m_target; }
  std::uint64_t order_key() const override;
  std::size_t step_count() const override { return m_visit->hits.size(); }
  Millis pause_before(std::size_t step) const override;
  void build_request(std::size_t step, SteadyTime send_time, engine::HttpRequest& out) override;
  void append_bulk_item(std::size_t step, SteadyTime send_time, std::string& out) override;

  /// The parameters of hit `step` as sent (or as they would have been sent), token included.
  matomo::Params params(std::size_t step);
  const model::Visit& visit() const { return *m_visit; }
  const TargetContext& context() const { return m_context; }
  /// Counts hits of this flow that ended abandoned (a visit with none is "completed").
  int abandoned = 0;

private:
  std::int64_t anchor_ms();
  matomo::EncodeContext encode_context();

  std::shared_ptr<const model::Visit> m_visit;
  std::size_t m_target;
  const TargetContext& m_context;
  const date::time_zone* m_zone;
  const Clock& m_clock;
  std::optional<std::int64_t> m_anchor_ms;  ///< simulated start of the visit, UNIX ms
};

/// Called for each flow the source creates (before the engine sees it): hits are "generated".
class FlowSink {
public:
  virtual ~FlowSink() = default;
  virtual void on_generated(const VisitFlow& flow) = 0;
};

/// Arrivals → visits (visit i of this shard) → flows on the routed target(s).
class VisitSource final : public engine::FlowSource {
public:
  VisitSource(model::VisitGenerator& generator, const routing::Router& router,
              const std::vector<TargetContext>& targets, const date::time_zone* zone,
              const Clock& clock, Shard shard, FlowSink& sink);

  std::optional<std::vector<std::unique_ptr<engine::Flow>>> next_arrival(SteadyTime intended) override;
  /// Routing consults the breaker through this (set once the engine exists).
  void set_engine(const engine::Engine* engine) { m_engine = engine; }
  std::uint64_t visits() const { return m_visits.load(); }

private:
  model::VisitGenerator& m_generator;
  const routing::Router& m_router;
  const std::vector<TargetContext>& m_targets;
  const date::time_zone* m_zone;
  const Clock& m_clock;
  Shard m_shard;
  FlowSink& m_sink;
  const engine::Engine* m_engine = nullptr;
  std::atomic<std::uint64_t> m_visits{0};
};

/// Matomo bulk tracking: {"requests":[...],"token_auth":...}; recorded = the answer's `tracked`
/// (+ `invalid`) on success, `tracked` of an error answer, 0 on failure.
class BulkCodec final : public engine::BatchCodec {
public:
  explicit BulkCodec(const std::vector<TargetContext>& targets) : m_targets(targets) {}
  void build_batch(std::size_t target, const std::vector<engine::BatchItem>& items, SteadyTime send_time,
                   engine::HttpRequest& out) override;
  std::size_t recorded(std::size_t target, const engine::AttemptResult& result, std::size_t items) override;
  /// Elements a bulk answer counted as invalid (never retried; reported).
  std::uint64_t invalid() const { return m_invalid.load(); }

private:
  const std::vector<TargetContext>& m_targets;
  std::atomic<std::uint64_t> m_invalid{0};
};

} // namespace tf::app
