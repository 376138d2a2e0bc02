// SharedMetrics (metrics/run_metrics.hpp): per-thread parts, added up when a snapshot is taken.
#include <algorithm>

#include "metrics/run_metrics.hpp"

namespace tf::metrics {
namespace {

std::atomic<std::uint64_t> g_next_shared_id{1};

/// `base`'s stages (their specs), every count at zero.
std::vector<StageMetrics> blank_stages(const RunMetrics& base) {
  std::vector<StageMetrics> stages = base.stages;
  for (auto& stage : stages) {
    stage.visits_started = 0;
    stage.start_lag = {};
  }
  return stages;
}

/// A part for `base`: its targets (by name) and stages (their specs), every count at zero.
RunMetrics blank_part(const RunMetrics& base) {
  RunMetrics part;
  part.targets.reserve(base.targets.size());
  for (const auto& target : base.targets) {
    part.targets.emplace_back().name = target.name;
  }
  part.stages = blank_stages(base);
  return part;
}

/// Adds what a part counted (targets by name, stages' visits and start lag, the ledger) to `into`.
void add_part(RunMetrics& into, const RunMetrics& part, bool visitor_details) {
  for (std::size_t i = 0; i < part.targets.size(); ++i) {
    const auto& from = part.targets[i];
    const bool same = i < into.targets.size() && into.targets[i].name == from.name;
    (same ? into.targets[i] : into.target(from.name)).merge(from);
  }
  for (std::size_t i = 0; i < part.stages.size() && i < into.stages.size(); ++i) {
    into.stages[i].visits_started += part.stages[i].visits_started;
    into.stages[i].start_lag.merge(part.stages[i].start_lag);
  }
  if (visitor_details && into.ledger.empty()) {
    into.ledger = part.ledger;  // a copy: the same as a merge into nothing, and cheaper
  } else {
    into.ledger.merge(part.ledger, visitor_details);
  }
}

}  // namespace

SharedMetrics::SharedMetrics() : SharedMetrics(RunMetrics{}) {}

SharedMetrics::SharedMetrics(RunMetrics initial) : m_id(g_next_shared_id.fetch_add(1)), m_base(std::move(initial)) {}

SharedMetrics::~SharedMetrics() = default;

SharedMetrics::Part& SharedMetrics::local_part() {
  struct Cache {
    std::uint64_t id = 0;
    Part* part = nullptr;
  };
  thread_local Cache cache;
  if (cache.id == m_id) {
    return *cache.part;
  }
  std::lock_guard lock(m_parts_mutex);
  const auto self = std::this_thread::get_id();
  const auto it = std::find(m_threads.begin(), m_threads.end(), self);
  Part* part = nullptr;
  if (it != m_threads.end()) {
    part = m_parts[static_cast<std::size_t>(it - m_threads.begin())].get();
  } else {
    m_parts.push_back(std::make_unique<Part>(m_itemised));
    m_parts.back()->run = blank_part(m_base);
    m_threads.push_back(self);
    part = m_parts.back().get();
  }
  cache = {m_id, part};
  return *part;
}

void SharedMetrics::refresh_stages() {
  for (const auto& part : m_parts) {
    std::lock_guard lock(part->mutex);
    if (part->run.stages.size() != m_base.stages.size()) {
      part->run.stages = blank_stages(m_base);
    }
  }
}

Snapshot SharedMetrics::snapshot(bool visitor_details) const {
  std::lock_guard lock(m_parts_mutex);
  std::vector<std::unique_lock<std::mutex>> locks;
  locks.reserve(m_parts.size());
  for (const auto& part : m_parts) {
    locks.emplace_back(part->mutex);
  }
  Snapshot out = m_base;
  if (!visitor_details) {
    out.ledger.drop_visitor_details();
  }
  for (const auto& part : m_parts) {
    add_part(out, part->run, visitor_details);
    if (visitor_details) {
      part->recorder.add_visitors(out.ledger);  // kept in the recorder while the run goes
    }
  }
  return out;
}

}  // namespace tf::metrics
