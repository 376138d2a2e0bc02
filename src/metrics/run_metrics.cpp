#include "metrics/run_metrics.hpp"

#include <algorithm>

namespace tf::metrics {
namespace {

double seconds(std::chrono::microseconds d) noexcept { return std::chrono::duration<double>(d).count(); }

void merge_stop_reason(std::string& into, const std::string& other) {
  if (other.empty() || into == other) {
    return;
  }
  into = into.empty() ? other : into + ", " + other;
}

}  // namespace

TargetMetrics& RunMetrics::target(std::string_view name) {
  for (auto& t : targets) {
    if (t.name == name) {
      return t;
    }
  }
  TargetMetrics added;
  added.name = std::string(name);
  targets.push_back(std::move(added));
  return targets.back();
}

const TargetMetrics* RunMetrics::find_target(std::string_view name) const noexcept {
  const auto it =
    std::find_if(targets.begin(), targets.end(), [name](const TargetMetrics& t) { return t.name == name; });
  return it == targets.end() ? nullptr : &*it;
}

TargetMetrics RunMetrics::totals() const {
  TargetMetrics total;
  total.name = "TOTAL";
  for (const auto& t : targets) {
    total.merge(t);
  }
  return total;
}

double RunMetrics::achieved_visit_rate() const noexcept {
  if (elapsed.count() <= 0) {
    return 0.0;
  }
  std::uint64_t visits = 0;
  for (const auto& t : targets) {
    visits += t.visits_started;
  }
  return static_cast<double>(visits) / seconds(elapsed);
}

double RunMetrics::generator_cpu_percent() const noexcept {
  if (elapsed.count() <= 0) {
    return 0.0;
  }
  return generator_cpu_seconds / seconds(elapsed) * 100.0;
}

void RunMetrics::merge(const RunMetrics& other) {
  for (const auto& t : other.targets) {
    target(t.name).merge(t);
  }
  elapsed = std::max(elapsed, other.elapsed);
  if (started == SysTime{} || (other.started != SysTime{} && other.started < started)) {
    started = other.started;
  }
  threads += other.threads;
  generator_cpu_seconds += other.generator_cpu_seconds;
  loop_lag.merge(other.loop_lag);
  start_lag.merge(other.start_lag);
  visits_waiting += other.visits_waiting;
  requested_visit_rate += other.requested_visit_rate;
  dead_letter_unsaved += other.dead_letter_unsaved;
  if (other.start_late_ms) {
    start_late_ms = std::max(start_late_ms.value_or(*other.start_late_ms), *other.start_late_ms);
  }
  merge_stop_reason(stop_reason, other.stop_reason);
  if (stages.empty()) {
    stages = other.stages;
  } else if (stages.size() == other.stages.size()) {
    for (std::size_t i = 0; i < stages.size(); ++i) {
      stages[i].merge(other.stages[i]);
    }
  }
  series.merge(other.series);
  ledger.merge(other.ledger);
}

AccountingCheck check_accounting(const RunMetrics& run) {
  AccountingCheck check;
  check.total.target = "TOTAL";
  for (const auto& t : run.targets) {
    const AccountingRow row{t.name, t.hits_generated, t.acked, t.rejected, t.failed, t.unconfirmed, t.not_sent};
    if (!row.balanced()) {
      check.unbalanced.push_back(t.name);
    }
    check.total.generated += row.generated;
    check.total.acked += row.acked;
    check.total.rejected += row.rejected;
    check.total.failed += row.failed;
    check.total.unconfirmed += row.unconfirmed;
    check.total.not_sent += row.not_sent;
  }
  return check;
}

}  // namespace tf::metrics
