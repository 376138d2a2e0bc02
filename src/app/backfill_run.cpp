#include "app/backfill_run.hpp"

#include <random>

#include <date/tz.h>
#include <fmt/format.h>

#include "config/rules.hpp"
#include "util/error.hpp"

namespace tf::app {
namespace {

/// "As fast as possible": a visit rate no loop reaches; CONCURRENCY is the limit.
constexpr double k_unlimited_visits_per_second = 1e6;
constexpr std::chrono::milliseconds k_save_every{250};

std::int64_t unix_ms(SysTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

/// The visit without its first `sent` hits (delivered by an earlier run): the same start and
/// timeline, so the rest continues the visit Matomo already has.
std::shared_ptr<model::Visit> remaining_hits(const model::Visit& visit, std::size_t sent) {
  auto rest = std::make_shared<model::Visit>(visit);
  // The new first hit keeps its referrer (derived from the hit before it, which goes).
  rest->hits[sent].urlref = model::referrer_of(visit, sent);
  rest->hits.erase(rest->hits.begin(), rest->hits.begin() + static_cast<std::ptrdiff_t>(sent));
  rest->hits.front().new_visit = false;
  return rest;
}

}  // namespace

std::optional<std::uint64_t> backfill_seed(const config::Settings& settings) {
  return settings.seed ? settings.seed : settings.backfill_seed;
}

model::BackfillPlan make_backfill_plan(const config::Settings& s, const date::time_zone* zone, std::uint64_t seed,
                                       SysTime now) {
  model::BackfillOptions o;
  o.zone = zone;
  o.window = model::backfill_window(s, config::today_in(s.timezone));
  o.per_day_cap = s.backfill_max_visits_per_day;
  o.total_cap = s.backfill_max_visits_total;
  o.daily_variation = s.backfill_daily_variation;
  o.hourly_profile = s.hourly_profile;
  o.seed = seed;
  o.now_ms = unix_ms(now);
  return model::BackfillPlan(std::move(o));
}

double expected_hits_per_visit(const config::Settings& s) {
  const double pageviews =
    (std::max(1, s.pageviews_min) + std::max(1, std::max(s.pageviews_min, s.pageviews_max))) / 2.0;
  const double actions = s.sitesearch_probability + s.outlinks_probability + s.downloads_probability +
    s.click_events_probability + s.random_events_probability + s.ecommerce_probability;
  return pageviews + actions + 1.0;  // + the ping
}

double backfill_arrival_rate(const config::Settings& s, Shard shard) {
  if (!s.backfill_rps_limit) {
    return k_unlimited_visits_per_second;
  }
  const double hits_per_request = s.bulk > 0 ? s.bulk : 1;
  return *s.backfill_rps_limit * hits_per_request / expected_hits_per_visit(s) / std::max(1, shard.count);
}

RunOptions backfill_run_options(const RunOptions& options) {
  RunOptions out = options;
  auto& s = out.settings;
  if (!backfill_seed(s)) {
    if (const auto previous = read_checkpoint(options.checkpoint_file)) {
      s.seed = checkpoint_seed(*previous);
    }
  } else {
    s.seed = backfill_seed(s);
  }
  return out;
}

// --- BackfillTracker ------------------------------------------------------------------------

BackfillTracker::BackfillTracker(delivery::RunObserver& inner, Checkpoint& checkpoint, const Clock& clock)
  : m_inner(inner), m_checkpoint(checkpoint), m_clock(clock) {}

void BackfillTracker::on_generated(const delivery::VisitFlow& flow) {
  {
    std::lock_guard lock(m_mutex);
    ++m_pending[flow.visit().index].flows;
  }
  m_inner.on_generated(flow);
}

void BackfillTracker::on_flow_started(engine::Flow& flow, Micros start_lag) {
  m_inner.on_flow_started(flow, start_lag);
}

void BackfillTracker::on_attempt(std::size_t target, const engine::AttemptResult& result, bool will_retry) {
  m_inner.on_attempt(target, result, will_retry);
}

void BackfillTracker::on_step_done(engine::Flow& flow, std::size_t step, engine::StepOutcome outcome,
                                   std::string_view reason, std::string_view detail, int attempts) {
  const auto index = static_cast<delivery::VisitFlow&>(flow).visit().index;
  // Logged before the visit's next hit can be sent: a crash leaves at most one hit in flight.
  if (outcome == engine::StepOutcome::acked) {
    m_checkpoint.acked(index, flow.target(), step);
  } else if (outcome == engine::StepOutcome::unconfirmed) {
    m_checkpoint.settled(index, flow.target(), step);  // dead-lettered maybe_recorded: never resent blindly
  } else {
    m_checkpoint.not_recorded(index, flow.target());
  }
  if (outcome != engine::StepOutcome::acked) {
    std::lock_guard lock(m_mutex);
    m_pending[static_cast<delivery::VisitFlow&>(flow).visit().index].failed = true;
    m_first_failed.emplace(&flow, step);
  }
  m_inner.on_step_done(flow, step, outcome, reason, detail, attempts);
}

void BackfillTracker::on_sending(const std::vector<engine::BatchItem>& items) {
  thread_local std::vector<Checkpoint::Sending> hits;
  hits.clear();
  for (const auto& item : items) {
    hits.push_back({static_cast<delivery::VisitFlow*>(item.flow)->visit().index, item.flow->target(), item.step});
  }
  m_checkpoint.sending(hits);
}

void BackfillTracker::report_in_flight(delivery::VisitFlow& flow) {
  m_inner.on_generated(flow);
  for (std::size_t step = 0; step < flow.step_count(); ++step) {
    m_inner.on_step_done(flow, step, engine::StepOutcome::unconfirmed, "in-flight-at-crash", "", 1);
  }
  m_in_flight_reported.fetch_add(flow.step_count());
}

void BackfillTracker::resend_in_flight(std::size_t target, std::size_t hits) {
  m_inner.add_possible_duplicates(target, hits);
}

void BackfillTracker::on_flow_done(engine::Flow& flow) {
  const auto& visit = static_cast<delivery::VisitFlow&>(flow).visit();
  const auto index = visit.index;
  std::optional<Pending> resolved;
  {
    std::lock_guard lock(m_mutex);
    std::size_t acked = flow.step_count();
    if (const auto failed = m_first_failed.find(&flow); failed != m_first_failed.end()) {
      acked = failed->second;
      m_first_failed.erase(failed);
    }
    auto it = m_pending.find(index);
    if (it != m_pending.end()) {
      // Hits sent by an earlier run come first: this flow carries only the rest.
      it->second.acked.emplace_back(flow.target(), m_checkpoint.sent(index, flow.target()) + acked);
      if (--it->second.flows <= 0) {
        resolved = std::move(it->second);
        m_pending.erase(it);
      }
    }
  }
  m_inner.on_flow_done(flow);
  if (!resolved) {
    return;
  }
  if (!resolved->failed) {
    m_checkpoint.complete(index);
  } else {
    for (const auto& [target, hits] : resolved->acked) {
      if (hits > 0) {
        m_checkpoint.partial(index, target, hits);
      }
    }
  }
  m_checkpoint.save_if_due(m_clock.steady_now(), k_save_every);
}

void BackfillTracker::on_log(std::string_view line) { m_inner.on_log(line); }

// --- BackfillSource -------------------------------------------------------------------------

BackfillSource::BackfillSource(model::VisitGenerator& generator, const model::BackfillPlan& plan,
                               const routing::Router& router, const std::vector<delivery::TargetContext>& targets,
                               const date::time_zone* zone, const Clock& clock, Shard shard, Checkpoint& checkpoint,
                               BackfillTracker& tracker, bool retry_unconfirmed)
  : m_generator(generator), m_timeline(plan), m_router(router), m_targets(targets), m_zone(zone), m_clock(clock),
    m_shard(shard), m_checkpoint(checkpoint), m_sink(tracker), m_retry_unconfirmed(retry_unconfirmed) {}

void BackfillSource::settle_in_flight(const std::shared_ptr<const model::Visit>& visit) {
  for (const auto& range : m_checkpoint.in_flight(visit->index)) {
    const auto to = std::min(range.to, visit->hits.size());
    if (range.target >= m_targets.size() || range.from >= to) {
      m_checkpoint.forget(visit->index, range);  // not this configuration's: nothing to say
      continue;
    }
    if (m_retry_unconfirmed) {
      m_sink.resend_in_flight(range.target, to - range.from);
      m_checkpoint.forget(visit->index, range);
      continue;
    }
    auto hits = range.from > 0 ? remaining_hits(*visit, range.from) : std::make_shared<model::Visit>(*visit);
    hits->hits.resize(to - range.from);
    delivery::VisitFlow flow(std::move(hits), range.target, m_targets[range.target], m_zone, m_clock);
    m_sink.report_in_flight(flow);
    m_checkpoint.reported(visit->index, range);
  }
}

std::optional<std::vector<std::unique_ptr<engine::Flow>>> BackfillSource::next_arrival(SteadyTime) {
  const auto shards = static_cast<std::uint64_t>(std::max(1, m_shard.count));
  const auto mine = static_cast<std::uint64_t>(m_shard.index);
  while (!m_timeline.done()) {
    const auto i = m_timeline.next_index();
    const auto start = m_timeline.next_start(m_generator.duration_of(i));
    if (i % shards != mine || m_checkpoint.done(i)) {
      m_resumed += i % shards == mine ? 1U : 0U;
      m_generator.skip_at(i, start);
      continue;
    }
    model::Visit built = m_generator.build_at(i, start);
    for (auto& hit : built.hits) {
      hit.pause_before_ms = 0;  // cdt carries the timeline; nothing to wait for in real time
    }
    auto visit = std::make_shared<const model::Visit>(std::move(built));
    settle_in_flight(visit);
    std::vector<std::unique_ptr<engine::Flow>> flows;
    bool fully_sent_before = false;
    for (std::size_t t : m_router.route(*visit)) {
      const auto sent = m_checkpoint.sent(i, t);
      if (sent >= visit->hits.size()) {
        fully_sent_before = true;
        continue;
      }
      auto flow = std::make_unique<delivery::VisitFlow>(sent > 0 ? remaining_hits(*visit, sent) : visit, t,
                                                        m_targets[t], m_zone, m_clock);
      flow->set_send_log(&m_sink);
      m_sink.on_generated(*flow);
      flows.push_back(std::move(flow));
    }
    if (flows.empty() && fully_sent_before) {
      m_checkpoint.complete(i);  // an earlier run delivered everything; only the record was missing
      continue;
    }
    return flows;
  }
  return std::nullopt;
}

// --- BackfillRun ----------------------------------------------------------------------------

BackfillRun::BackfillRun(const RunOptions& options, RunSetup& setup, delivery::RunObserver& observer,
                         const Clock& clock)
  : m_options(options), m_clock(clock),
    m_plan(make_backfill_plan(options.settings, setup.zone, setup.seed, clock.system_now())) {
  CheckpointIdentity identity;
  identity.seed = setup.seed;
  identity.window = m_plan.options().window.label();
  identity.timezone = options.settings.timezone;
  identity.visits = m_plan.total_visits();
  identity.shard = options.shard;
  // A dry run reads the checkpoint (it shows what a rerun would send) but never records progress.
  m_checkpoint = std::make_unique<Checkpoint>(options.dry_run ? std::string() : options.checkpoint_file, identity,
                                              read_checkpoint(options.checkpoint_file));
  m_tracker = std::make_unique<BackfillTracker>(observer, *m_checkpoint, clock);
  m_source =
    std::make_unique<BackfillSource>(*setup.generator, m_plan, *setup.router, setup.targets, setup.zone, clock,
                                     options.shard, *m_checkpoint, *m_tracker, options.settings.retry_unconfirmed);
}

void BackfillRun::configure(engine::EngineConfig& config) const {
  config.arrivals_per_second = backfill_arrival_rate(m_options.settings, m_options.shard);
  config.rolling_cap_per_day = 0;
}

std::uint64_t BackfillRun::planned_visits() const {
  std::uint64_t total = 0;
  for (const auto& day : days()) {
    total += day.planned;
  }
  return total;
}

void BackfillRun::print_banner() const {
  const auto& s = m_options.settings;
  const std::string checkpoint = m_checkpoint->path().empty()
    ? std::string("no checkpoint")
    : fmt::format("checkpoint {} ({} visits already complete)", m_checkpoint->path(), m_checkpoint->completed());
  const std::string rps = s.backfill_rps_limit ? fmt::format("at most {} requests/s", *s.backfill_rps_limit)
                                               : std::string("as fast as possible");
  delivery::log_line(fmt::format("backfill {} in {}: {} days, {} visits; {}; {}", m_plan.options().window.label(),
                                 s.timezone, m_plan.days().size(), m_plan.total_visits(), rps, checkpoint),
                     m_clock);
}

std::vector<BackfillDayStatus> BackfillRun::days() const {
  const auto shards = static_cast<std::uint64_t>(std::max(1, m_options.shard.count));
  const auto mine = static_cast<std::uint64_t>(m_options.shard.index);
  std::vector<BackfillDayStatus> out;
  for (const auto& day : m_plan.days()) {
    BackfillDayStatus status{day.label(), 0, 0};
    for (auto i = day.first_visit; i < day.first_visit + day.visits; ++i) {
      if (i % shards == mine) {
        ++status.planned;
        status.completed += m_checkpoint->done(i) ? 1U : 0U;
      }
    }
    out.push_back(std::move(status));
  }
  return out;
}

bool BackfillRun::finish() {
  m_checkpoint->save();
  std::vector<std::string> incomplete;
  for (const auto& day : days()) {
    if (day.completed < day.planned) {
      incomplete.push_back(fmt::format("{} ({}/{})", day.date, day.completed, day.planned));
    }
  }
  if (incomplete.empty()) {
    delivery::log_line(
      fmt::format("backfill complete: {} visits in {} days", m_checkpoint->completed(), m_plan.days().size()), m_clock);
    return true;
  }
  delivery::log_line(fmt::format("backfill incomplete: {} day(s) not complete: {}{}", incomplete.size(),
                                 fmt::join(incomplete, ", "),
                                 m_checkpoint->path().empty()
                                   ? std::string("")
                                   : fmt::format("; rerun with --checkpoint {} to resume", m_checkpoint->path())),
                     m_clock);
  return false;
}

nlohmann::json BackfillRun::summary() const {
  nlohmann::json j;
  j["window"] = m_plan.options().window.label();
  j["timezone"] = m_options.settings.timezone;
  j["visits_planned"] = 0;
  j["visits_completed"] = 0;
  j["resumed_visits"] = m_source->resumed();
  j["in_flight_at_crash"] = m_tracker->in_flight_reported();
  j["checkpoint"] = m_checkpoint->path();
  nlohmann::json days = nlohmann::json::array();
  nlohmann::json incomplete = nlohmann::json::array();
  std::uint64_t planned = 0, completed = 0;
  for (const auto& day : this->days()) {
    planned += day.planned;
    completed += day.completed;
    days.push_back({{"date", day.date}, {"planned", day.planned}, {"completed", day.completed}});
    if (day.completed < day.planned) {
      incomplete.push_back(day.date);
    }
  }
  j["visits_planned"] = planned;
  j["visits_completed"] = completed;
  j["complete"] = incomplete.empty();
  j["incomplete_days"] = std::move(incomplete);
  j["days"] = std::move(days);
  return j;
}

}  // namespace tf::app
