// `trafficinator find-capacity`: runs steps at rising visit rates (then bisects) against the
// targets until a threshold breaks, and reports the highest rate that held.
#include <fmt/format.h>

#include <optional>

#include "app/capacity_search.hpp"
#include "app/commands.hpp"
#include "app/run_setup.hpp"
#include "delivery/console.hpp"
#include "delivery/dead_letter.hpp"
#include "delivery/reporter.hpp"
#include "delivery/run_observer.hpp"
#include "delivery/session.hpp"
#include "delivery/signals.hpp"
#include "delivery/verdict.hpp"
#include "delivery/visit_flow.hpp"
#include "engine/admission.hpp"
#include "metrics/thresholds.hpp"
#include "report/atomic_file.hpp"
#include "report/summary_json.hpp"
#include "report/text_table.hpp"
#include "util/error.hpp"
#include "util/units.hpp"

namespace tf::app {

namespace {

/// Thresholds a step must hold without THRESHOLDS (the example).
constexpr const char* k_default_capacity_thresholds = "p99<1000;failure_rate<0.001;achieved_rate>0.97";

struct StepResult {
  std::string phase;  ///< "warm-up", "step", "bisect"
  double rate = 0;  ///< visits/s asked for
  double seconds = 0;
  double visits_per_s = 0, hits_per_s = 0;
  double p50_ms = 0, p99_ms = 0, failure_rate = 0;
  std::uint64_t generated = 0, acked = 0, unconfirmed = 0, possible_duplicates = 0;
  std::vector<metrics::ThresholdResult> verdicts;
  bool held = false;
  bool interrupted = false;
};

std::vector<metrics::Threshold> capacity_thresholds(const config::Settings& s) {
  if (!s.thresholds.empty()) {
    return delivery::user_thresholds(s);
  }
  std::vector<metrics::Threshold> out;
  for (const auto& text : metrics::split_thresholds(k_default_capacity_thresholds)) {
    std::string why;
    out.push_back(*metrics::parse_threshold(text, why));
  }
  return out;
}

double ms(std::uint64_t micros) { return static_cast<double>(micros) / 1000.0; }

/// One step: `rate` visits/s for `length`, drained, judged on the visits that started in it
/// (rates per second of the step's length, not of its drain).
StepResult run_step(const CapacityOptions& options, RunSetup& setup, const std::vector<metrics::Threshold>& thresholds,
                    delivery::DeadLetterWriter& dead_letters, double rate, Millis length, std::string phase,
                    const Clock& clock) {
  const auto& s = options.settings;
  RunOptions run_options;
  run_options.settings = s;
  metrics::SharedMetrics shared(initial_metrics(setup, run_options, clock));
  delivery::RunObserver observer(shared, dead_letters, target_names(setup), clock);
  delivery::VisitSource source(*setup.generator, *setup.router, setup.targets, setup.zone, clock, delivery::Shard{},
                               observer, setup.dating.get());
  delivery::BulkCodec codec(setup.targets);
  engine::EngineConfig config = delivery::delivery_config(s, setup.targets);
  engine::reserve_shares(config, setup.router->shares());
  config.arrivals_per_second = rate;
  config.even_arrivals = true;
  config.duration = length;
  config.seed = mix_keys(setup.seed, hash_name(phase), static_cast<std::uint64_t>(rate * 1000.0));
  config.circuits = setup.health->board();  // the router reads it; each step's engine withdraws its own
  delivery::DeliverySession session(s, shared, clock);
  session.start_engine(config, source, observer, s.bulk > 0 ? &codec : nullptr);
  session.handle_signals();
  auto reporting = delivery::reporter_options(s, false, "");
  reporting.bound.duration = length;
  const auto result = session.run(std::move(reporting));

  auto snapshot = session.snapshot();
  snapshot.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(length);
  // achieved_rate judges whether the visits the Poisson schedule drew in the step started (not
  // the draw's own noise, ±8 % over 150 visits): requested = the arrivals drawn over the step.
  snapshot.requested_visit_rate = static_cast<double>(result.arrivals) / std::chrono::duration<double>(length).count();
  const auto total = snapshot.totals();
  StepResult step;
  step.phase = std::move(phase);
  step.rate = rate;
  step.seconds = std::chrono::duration<double>(length).count();
  step.visits_per_s = snapshot.achieved_visit_rate();
  step.hits_per_s = static_cast<double>(total.acked) / step.seconds;
  step.p50_ms = ms(total.service_time.percentile(50));
  step.p99_ms = ms(total.service_time.percentile(99));
  step.failure_rate =
    total.hits_generated > 0 ? 1.0 - static_cast<double>(total.acked) / static_cast<double>(total.hits_generated) : 0.0;
  step.generated = total.hits_generated;
  step.acked = total.acked;
  step.unconfirmed = total.unconfirmed;
  step.possible_duplicates = total.possible_duplicates;
  step.held = true;
  for (const auto& t : thresholds) {
    step.verdicts.push_back(metrics::evaluate(t, snapshot));
    step.held = step.held && step.verdicts.back().ok;
  }
  step.interrupted =
    result.reason == engine::StopReason::stop_requested || result.reason == engine::StopReason::immediate_stop;
  return step;
}

std::string broken_by(const StepResult& step) {
  std::string out;
  for (const auto& v : step.verdicts) {
    if (!v.ok) {
      out += fmt::format("{}{} ({})", out.empty() ? "" : ", ", v.expr,
                         v.value ? fmt::format("{:.4g}", *v.value) : "no data");
    }
  }
  return out;
}

std::string steps_table(const std::vector<StepResult>& steps) {
  report::TextTable table;
  table.add_heading({"phase", "visits/s asked", "visits/s", "hits/s", "p50 ms", "p99 ms", "failure", "verdict"});
  for (const auto& st : steps) {
    table.add_row({st.phase, fmt::format("{:.2f}", st.rate), fmt::format("{:.2f}", st.visits_per_s),
                   fmt::format("{:.1f}", st.hits_per_s), fmt::format("{:.1f}", st.p50_ms),
                   fmt::format("{:.1f}", st.p99_ms), fmt::format("{:.4f}", st.failure_rate),
                   st.phase == "warm-up" ? std::string("-")
                     : st.held           ? std::string("held")
                                         : "broke: " + broken_by(st)});
  }
  return table.render();
}

nlohmann::json step_json(const StepResult& st) {
  nlohmann::json verdicts = nlohmann::json::array();
  for (const auto& v : st.verdicts) {
    verdicts.push_back(
      {{"expr", v.expr}, {"value", v.value ? nlohmann::json(*v.value) : nlohmann::json(nullptr)}, {"ok", v.ok}});
  }
  return {{"phase", st.phase},
          {"requested_visits_per_s", st.rate},
          {"seconds", st.seconds},
          {"visits_per_s", st.visits_per_s},
          {"hits_per_s", st.hits_per_s},
          {"p50_ms", st.p50_ms},
          {"p99_ms", st.p99_ms},
          {"failure_rate", st.failure_rate},
          {"held", st.held},
          {"thresholds", verdicts}};
}

const StepResult* find_step(const std::vector<StepResult>& steps, std::optional<double> rate) {
  for (const auto& st : steps) {
    if (rate && st.phase != "warm-up" && st.rate == *rate) {
      return &st;
    }
  }
  return nullptr;
}

/// The step that held at the highest hit rate it achieved. The search steps on visits/s asked,
/// but a step's offered load varies around that (the Poisson draw, hits per visit): a step asked
/// for less may have carried more and held, and that is the capacity it proved.
const StepResult* best_held(const std::vector<StepResult>& steps) {
  const StepResult* best = nullptr;
  for (const auto& st : steps) {
    if (st.phase != "warm-up" && st.held && (best == nullptr || st.hits_per_s > best->hits_per_s)) {
      best = &st;
    }
  }
  return best;
}

/// The ledger over every step (warm-up included): what the bracket is checked against.
nlohmann::json totals_json(const std::vector<StepResult>& steps) {
  std::uint64_t generated = 0, acked = 0, unconfirmed = 0, duplicates = 0;
  for (const auto& st : steps) {
    generated += st.generated;
    acked += st.acked;
    unconfirmed += st.unconfirmed;
    duplicates += st.possible_duplicates;
  }
  return {
    {"generated", generated}, {"acked", acked}, {"unconfirmed", unconfirmed}, {"possible_duplicates", duplicates}};
}

std::string verdict_text(const StepResult* held, const StepResult* broke, double max_rate) {
  std::string out = held
    ? fmt::format("capacity: {:.2f} visits/s, {:.1f} hits/s held (p50 {:.1f} ms, p99 {:.1f} ms at that rate)\n",
                  held->visits_per_s, held->hits_per_s, held->p50_ms, held->p99_ms)
    : std::string("capacity: no rate held\n");
  out += broke
    ? fmt::format("broke at {:.2f} visits/s ({:.1f} hits/s): {}\n", broke->rate, broke->hits_per_s, broken_by(*broke))
    : fmt::format("did not break up to CAPACITY_MAX_RATE ({:g} visits/s)\n", max_rate);
  return out;
}

}  // namespace

int find_capacity_command(const CapacityOptions& options) {
  const auto& s = options.settings;
  if (!s.targets && s.origins.count("MATOMO_URL") == 0) {
    throw Error("find-capacity needs a target: set MATOMO_URL (--url) or give --targets FILE or MULTI_TARGET_CONFIG");
  }
  SystemClock clock;
  RunSetup setup = prepare_run(s, clock);
  delivery::warn_insecure(s, clock);
  const auto thresholds = capacity_thresholds(s);
  std::string names;
  for (const auto& t : setup.targets) {
    names += fmt::format("{}{} ({})", names.empty() ? "" : ", ", t.name, t.url);
  }
  delivery::log_line(
    fmt::format("warning: find-capacity loads {} until it breaks; steps of {} from {:g} visits/s × {:g}", names,
                format_duration(s.capacity_step), s.capacity_start_rate, s.capacity_step_factor),
    clock);
  delivery::DeadLetterWriter dead_letters(s.dead_letter_file, delivery::current_run(setup.seed, clock));
  std::vector<StepResult> steps;
  bool interrupted = false;
  if (s.capacity_warmup.count() > 0) {
    steps.push_back(
      run_step(options, setup, thresholds, dead_letters, s.capacity_start_rate, s.capacity_warmup, "warm-up", clock));
    interrupted = steps.back().interrupted;
  }
  CapacitySearch search(s.capacity_start_rate, s.capacity_step_factor, s.capacity_max_rate, s.capacity_precision);
  while (!interrupted) {
    const auto rate = search.next();
    if (!rate) {
      break;
    }
    steps.push_back(run_step(options, setup, thresholds, dead_letters, *rate, s.capacity_step,
                             search.broke() ? "bisect" : "step", clock));
    interrupted = steps.back().interrupted;
    if (!interrupted) {
      search.record(*rate, steps.back().held);
      delivery::log_line(fmt::format("step {:.2f} visits/s: {}", *rate,
                                     steps.back().held ? "held" : "broke: " + broken_by(steps.back())),
                         clock);
    }
  }
  const bool saved = delivery::finish_dead_letters(dead_letters, clock);
  const StepResult* held = best_held(steps);
  const StepResult* broke = find_step(steps, search.broke());
  delivery::print_table(steps_table(steps) + verdict_text(held, broke, s.capacity_max_rate));
  if (!options.summary_json.empty()) {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& st : steps) {
      all.push_back(step_json(st));
    }
    const nlohmann::json summary = {{"capacity",
                                     held ? nlohmann::json{{"visits_per_s", held->visits_per_s},
                                                           {"hits_per_s", held->hits_per_s},
                                                           {"requested_visits_per_s", held->rate},
                                                           {"p50_ms", held->p50_ms},
                                                           {"p99_ms", held->p99_ms}}
                                          : nlohmann::json(nullptr)},
                                    {"broke",
                                     broke ? nlohmann::json{{"requested_visits_per_s", broke->rate},
                                                            {"hits_per_s", broke->hits_per_s},
                                                            {"failed", broken_by(*broke)}}
                                           : nlohmann::json(nullptr)},
                                    {"targets", names},
                                    {"totals", totals_json(steps)},
                                    {"steps", all},
                                    {"seed", setup.seed},
                                    {"config", delivery::redacted_config(s)}};
    report::write_summary_file(options.summary_json, summary);
  }
  if (interrupted) {
    return static_cast<int>(ExitCode::interrupted);
  }
  if (!saved) {
    return static_cast<int>(ExitCode::runtime);
  }
  return held ? static_cast<int>(ExitCode::success) : static_cast<int>(ExitCode::thresholds_failed);
}

}  // namespace tf::app
