#include "app/replay_flow.hpp"

#include <charconv>

#include "matomo/wire.hpp"
#include "util/random.hpp"

namespace tf::app {

ReplayFlow::ReplayFlow(const delivery::ReplayVisit& visit, std::size_t target, const delivery::TargetContext& context)
  : m_visit(visit), m_target(target), m_context(context) {}

std::uint64_t ReplayFlow::order_key() const {
  std::uint64_t visitor = 0;
  const auto& id = m_visit.visitor;
  if (std::from_chars(id.data(), id.data() + id.size(), visitor, 16).ec != std::errc{}) {
    visitor = 0;  // not reached: the reader accepts 16 hex characters only
  }
  return mix_keys(visitor, m_target, 0x7265706c6179ULL);
}

void ReplayFlow::build_request(std::size_t step, SteadyTime, engine::HttpRequest& out) {
  if (m_send_log != nullptr) {
    m_send_log->on_sending({engine::BatchItem{this, step}});
  }
  const auto& params = m_visit.hits.at(step).params;
  out.clear();
  out.user_agent = m_context.header_user_agent(matomo::find(params, "ua").value_or(std::string_view{}));
  if (m_context.token_auth.empty()) {
    out.url = matomo::tracking_url(m_context.url, params);
    return;
  }
  // A token never travels in a URL: POST it in a form body.
  out.url = m_context.url;
  out.post = true;
  out.content_type = "application/x-www-form-urlencoded";
  out.body = matomo::form_body(params, m_context.token_auth);
}

void ReplayFlow::append_bulk_item(std::size_t step, SteadyTime, std::string& out) {
  out += matomo::bulk_element(m_visit.hits.at(step).params).dump();
}

ReplayObserver::ReplayObserver(metrics::SharedMetrics& metrics, delivery::DeadLetterWriter& dead_letters,
                               std::vector<std::string> target_names, const Clock& clock)
  : m_run(metrics, dead_letters, target_names, clock), m_metrics(metrics), m_dead_letters(dead_letters),
    m_names(std::move(target_names)) {}

void ReplayObserver::on_flow_started(engine::Flow& flow, Micros start_lag) { m_run.on_flow_started(flow, start_lag); }

void ReplayObserver::on_attempt(std::size_t target, const engine::AttemptResult& result, bool will_retry) {
  m_run.on_attempt(target, result, will_retry);
}

void ReplayObserver::on_log(std::string_view line) { m_run.on_log(line); }

void ReplayObserver::on_generated(const ReplayFlow& flow) {
  m_metrics.update([&](metrics::RunMetrics& run) { run.targets[flow.target()].hits_generated += flow.step_count(); });
}

void ReplayObserver::write(const delivery::ReplayVisit& visit, const delivery::ReplayHit& hit, std::size_t target,
                           engine::StepOutcome outcome, std::string_view reason, std::string_view detail,
                           int attempts) {
  delivery::DeadLetter entry;
  entry.visit = visit.visit;
  entry.hit = hit.hit;
  entry.visitor = visit.visitor;
  entry.target = m_names[target];
  entry.outcome = engine::to_string(outcome);
  entry.reason = reason;
  entry.detail = detail;
  entry.maybe_recorded = delivery::maybe_recorded(outcome, reason);
  entry.attempts = attempts;
  entry.params = &hit.params;
  m_dead_letters.write(entry);
}

void ReplayObserver::on_step_done(engine::Flow& flow, std::size_t step, engine::StepOutcome outcome,
                                  std::string_view reason, std::string_view detail, int attempts) {
  auto& replay_flow = static_cast<ReplayFlow&>(flow);
  if (outcome != engine::StepOutcome::acked) {
    write(replay_flow.visit(), replay_flow.visit().hits.at(step), flow.target(), outcome, reason, detail, attempts);
  }
  if (outcome == engine::StepOutcome::not_sent && !reason.starts_with("previous-hit-")) {
    ++replay_flow.abandoned;  // cut by a stop
  }
  const bool resent_maybe_recorded =
    outcome != engine::StepOutcome::not_sent && replay_flow.visit().hits.at(step).maybe_recorded;
  m_metrics.update([&](metrics::RunMetrics& run) {
    auto& t = run.targets[flow.target()];
    t.count(outcome);
    t.possible_duplicates += resent_maybe_recorded ? 1U : 0U;  // Matomo may already hold it
  });
}

void ReplayObserver::on_flow_done(engine::Flow& flow) {
  if (static_cast<ReplayFlow&>(flow).abandoned == 0) {
    m_metrics.update([&](metrics::RunMetrics& run) { ++run.targets[flow.target()].visits_completed; });
  }
}

void ReplayObserver::on_not_taken(const delivery::ReplayVisit& visit, std::size_t target) {
  for (const auto& hit : visit.hits) {
    write(visit, hit, target, engine::StepOutcome::not_sent, "not-started", "", 0);
  }
  m_metrics.update([&](metrics::RunMetrics& run) {
    auto& t = run.targets[target];
    t.hits_generated += visit.hits.size();  // stored hits, kept in the new dead-letter file
    t.not_sent += visit.hits.size();
  });
}

ReplaySource::ReplaySource(const std::vector<delivery::ReplayVisit>& visits, std::vector<std::size_t> targets,
                           const std::vector<delivery::TargetContext>& contexts, ReplayObserver& observer)
  : m_visits(visits), m_targets(std::move(targets)), m_contexts(contexts), m_observer(observer) {}

std::optional<std::vector<std::unique_ptr<engine::Flow>>> ReplaySource::next_arrival(SteadyTime) {
  if (m_next >= m_visits.size()) {
    return std::nullopt;
  }
  const std::size_t target = m_targets.at(m_next);
  auto flow = std::make_unique<ReplayFlow>(m_visits[m_next], target, m_contexts.at(target));
  ++m_next;
  flow->set_send_log(m_send_log);
  m_observer.on_generated(*flow);
  std::vector<std::unique_ptr<engine::Flow>> flows;
  flows.push_back(std::move(flow));
  return flows;
}

}  // namespace tf::app
