#include "delivery/visit_flow.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

#include "delivery/ledger_feed.hpp"
#include "matomo/bulk.hpp"
#include "matomo/encode.hpp"
#include "matomo/wire.hpp"
#include "model/timing.hpp"
#include "util/random.hpp"

namespace tf::delivery {

namespace {

std::int64_t unix_us(SysTime t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

}  // namespace

std::atomic<std::int64_t>& RealtimeDating::visitor_cell(std::uint64_t key) {
  std::lock_guard lock(m_mutex);
  auto& cell = m_cells[key];
  if (!cell) {
    cell = std::make_unique<std::atomic<std::int64_t>>(std::numeric_limits<std::int64_t>::min() / 2);
  }
  return *cell;
}

VisitFlow::VisitFlow(std::shared_ptr<const model::Visit> visit, std::size_t target, const TargetContext& context,
                     const date::time_zone* zone, const Clock& clock, RealtimeDating* dating)
  : m_visit(std::move(visit)), m_target(target), m_context(context), m_zone(zone), m_clock(clock), m_dating(dating) {}

VisitFlow::~VisitFlow() {
  if (m_dating != nullptr && m_times.size() > 1) {
    m_dating->count(m_times.size() - 1, m_clipped);
  }
}

std::uint64_t VisitFlow::order_key() const {
  // One visitor on one target: mirror copies on other targets may overlap (other instances).
  return mix_keys(m_visit->visitor.key, m_target);
}

Millis VisitFlow::pause_before(std::size_t step) const { return Millis{m_visit->hits.at(step).pause_before_ms}; }

std::int64_t VisitFlow::hit_time_us(std::size_t step) {
  const auto& hits = m_visit->hits;
  if (m_visit->start_ms) {
    return (*m_visit->start_ms + hits.at(step).offset_ms) * 1000;
  }
  if (m_times.empty()) {
    m_times.reserve(hits.size());
  }
  while (m_times.size() <= step) {
    const std::int64_t now = unix_us(m_clock.system_now());
    model::HitTime t;
    if (m_times.empty()) {
      // Only a pool visitor has more than one visit: a shared cell orders their visits.
      if (m_visit->visitor.pooled && m_dating != nullptr) {
        m_cell = &m_dating->visitor_cell(order_key());
      }
      t = model::realtime_first_hit(now, m_cell != nullptr ? m_cell->load(std::memory_order_relaxed) : now - 1);
    } else {
      t = model::realtime_later_hit(m_times.front(), hits[m_times.size()].offset_ms - hits.front().offset_ms,
                                    m_times.back(), now);
    }
    m_clipped += t.clipped ? 1U : 0U;
    m_times.push_back(t.us);
    if (m_cell != nullptr) {
      m_cell->store(t.us, std::memory_order_relaxed);
    }
  }
  return m_times[step];
}

matomo::EncodeContext VisitFlow::encode_context(std::size_t step) {
  matomo::EncodeContext ctx;
  ctx.site_id = m_context.site_id;
  ctx.has_token = !m_context.token_auth.empty();
  // The encoders date a hit at anchor_ms + offset_ms (whole seconds for cdt: floor, never later).
  const std::int64_t time_us = hit_time_us(step);
  thread_feed().mark(*this, step, time_us);  // the ledger's view while the visit is hot
  ctx.anchor_ms = time_us / 1000 - m_visit->hits[step].offset_ms;
  ctx.time_zone = m_zone;
  ctx.send_cip = m_context.send_cip;
  return ctx;
}

matomo::Params VisitFlow::params(std::size_t step) { return matomo::encode_hit(*m_visit, step, encode_context(step)); }

void VisitFlow::build_request(std::size_t step, SteadyTime, engine::HttpRequest& out) {
  // Every single hit is a form POST: Matomo reads tracking parameters from the body, a token
  // never travels in a URL, and libcurl does not re-parse a 500-byte URL per request.
  out.clear();
  out.user_agent = m_context.header_user_agent(m_visit->visitor.user_agent);
  out.url = m_context.url;
  out.post = true;
  out.content_type = "application/x-www-form-urlencoded";
  matomo::append_hit_form(*m_visit, step, encode_context(step), m_context.token_auth, out.body);
  if (m_send_log != nullptr) {
    m_send_log->on_sending({engine::BatchItem{this, step}});
  }
}

void VisitFlow::append_bulk_item(std::size_t step, SteadyTime, std::string& out) {
  matomo::append_hit_bulk_element(*m_visit, step, encode_context(step), out);
}

VisitSource::VisitSource(model::VisitGenerator& generator, const routing::Router& router,
                         const std::vector<TargetContext>& targets, const date::time_zone* zone, const Clock& clock,
                         Shard shard, FlowSink& sink, RealtimeDating* dating)
  : m_generator(generator), m_router(router), m_targets(targets), m_zone(zone), m_clock(clock), m_shard(shard),
    m_sink(sink), m_dating(dating) {}

std::optional<std::vector<std::unique_ptr<engine::Flow>>> VisitSource::next_arrival(SteadyTime) {
  // Visit indices of this shard: i ≡ K (mod N). The others are skipped, so the returning-visitor
  // bookkeeping (and so every visit's content) is the same as in an unsharded run.
  while (m_generator.next_index() % static_cast<std::uint64_t>(m_shard.count) !=
         static_cast<std::uint64_t>(m_shard.index)) {
    m_generator.skip(m_generator.next_index());
  }
  auto visit = std::make_shared<const model::Visit>(m_generator.build(m_generator.next_index()));
  m_visits.fetch_add(1);
  std::vector<std::unique_ptr<engine::Flow>> flows;
  for (std::size_t t : m_router.route(*visit)) {
    auto flow = std::make_unique<VisitFlow>(visit, t, m_targets[t], m_zone, m_clock, m_dating);
    m_sink.on_generated(*flow);
    flows.push_back(std::move(flow));
  }
  return flows;
}

void BulkCodec::build_batch(std::size_t target, const std::vector<engine::BatchItem>& items, SteadyTime send_time,
                            engine::HttpRequest& out) {
  out.clear();
  out.url = m_targets[target].url;
  out.user_agent = m_targets[target].header_user_agent(config::k_tool_user_agent);  // many visitors
  out.post = true;
  out.content_type = "application/json";
  matomo::append_bulk_head(out.body);
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      out.body += ',';
    }
    items[i].flow->append_bulk_item(items[i].step, send_time, out.body);  // a JSON object
  }
  matomo::append_bulk_tail(m_targets[target].token_auth, out.body);
  if (m_send_log != nullptr) {
    m_send_log->on_sending(items);
  }
}

bool BulkCodec::read_answer(std::size_t, engine::AttemptResult& result, std::size_t items,
                            std::vector<engine::StepOutcome>& outcomes) {
  using engine::StepOutcome;
  const auto answer = matomo::parse_bulk_answer(result.body);
  const bool success = result.status >= 200 && result.status < 300;
  if (!answer) {
    if (!success) {
      return false;  // a refusal without counts: every item rejected by its status
    }
    // An empty 204 (send_image=0 behind a proxy, a benchmark sink): no counts to check.
    result.counts_missing = true;
    outcomes.assign(items, StepOutcome::acked);
    return true;
  }
  result.detail = engine::answer_detail(answer->message);
  const auto n = static_cast<std::int64_t>(items);
  outcomes.assign(items, StepOutcome::unconfirmed);
  std::int64_t rejected = 0;
  for (const std::int64_t index : answer->invalid_indices) {
    if (index >= 0 && index < n && outcomes[static_cast<std::size_t>(index)] != StepOutcome::rejected) {
      outcomes[static_cast<std::size_t>(index)] = StepOutcome::rejected;
      ++rejected;
    }
  }
  const std::int64_t tracked = std::clamp<std::int64_t>(answer->tracked, 0, n - rejected);
  const std::int64_t invalid = std::clamp<std::int64_t>(answer->invalid, rejected, n - tracked);
  // Matomo records a batch in order: the tracked ones are the first of those not named invalid.
  std::int64_t left = tracked;
  for (auto& o : outcomes) {
    if (left > 0 && o == StepOutcome::unconfirmed) {
      o = StepOutcome::acked;
      --left;
    }
  }
  // Invalid ones it did not name: counted rejected (the last ones, arbitrarily), never acked.
  std::int64_t unnamed = invalid - rejected;
  if (!success) {
    // An error answer: nothing after the tracked ones was recorded. A refusal rejects them; after
    // a server error the retry policy decides (resent: they cannot have been recorded).
    const bool refused = result.status < 500 && result.status != 408 && result.status != 429;
    for (auto& o : outcomes) {
      o = o == StepOutcome::unconfirmed ? (refused ? StepOutcome::rejected : StepOutcome::not_sent) : o;
    }
    unnamed = 0;
  }
  result.unidentified_rejections = success ? static_cast<std::size_t>(invalid - rejected) : 0;
  for (auto it = outcomes.rbegin(); it != outcomes.rend() && unnamed > 0; ++it) {
    if (*it == StepOutcome::unconfirmed) {
      *it = StepOutcome::rejected;
      --unnamed;
    }
  }
  if (invalid > 0) {
    m_invalid.fetch_add(static_cast<std::uint64_t>(invalid));
  }
  return true;
}

}  // namespace tf::delivery
