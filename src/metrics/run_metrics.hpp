#pragma once
// Metrics of a whole run: one TargetMetrics per target plus run-wide data. Mergeable, for
// worker threads and for `merge` of shard summaries. Renderers only ever see a Snapshot: a
// plain copy taken under the owner's lock (SharedMetrics::snapshot()).
#include <chrono>
#include <cstdint>
#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "metrics/histogram.hpp"
#include "metrics/stage_metrics.hpp"
#include "metrics/ledger_recorder.hpp"
#include "metrics/target_metrics.hpp"
#include "metrics/time_series.hpp"
#include "util/clock.hpp"

namespace tf::metrics {

/// One threshold's verdict (metrics/thresholds.hpp), as rendered in the table and the summary.
struct ThresholdResult {
  std::string expr;  ///< as written ("p99<500", "a:failure_rate<=0.01")
  std::optional<double> value;  ///< nullopt: no data (e.g. no latency yet, unknown target)
  bool ok = false;  ///< no data never passes
};

struct RunMetrics {
  /// per target, in configuration order
  std::vector<TargetMetrics> targets;

  /// the run's seed (printed so a run can be repeated)
  std::uint64_t seed = 0;
  /// system time the run started
  SysTime started{};
  /// microseconds: wall time since the run started
  std::chrono::microseconds elapsed{0};
  /// count: worker threads (event loops)
  unsigned threads = 1;
  /// seconds: CPU time (user + system) used by the generator process
  double generator_cpu_seconds = 0;
  /// microseconds: event loop lag (how late the loop woke for due work)
  Histogram loop_lag;
  /// microseconds: visit start lag (intended start → actual start, e.g. waiting for CONCURRENCY)
  Histogram start_lag;
  /// visits: gauge, visits due to start but waiting for a free CONCURRENCY slot
  std::uint64_t visits_waiting = 0;
  /// visits/s: the requested visit rate (TARGET_VISITS_PER_DAY / 86400 × speed; shards add)
  double requested_visit_rate = 0;
  /// hits: dead-letter lines that could not be written (a full disk, ...)
  std::uint64_t dead_letter_unsaved = 0;
  /// milliseconds: how late sending began after START_AT (≥ 0; nullopt without START_AT)
  std::optional<double> start_late_ms;
  /// why the run stopped ("duration", "visits", "signal", ...; "" while running)
  std::string stop_reason;
  /// per load stage (--stages, --ramp-up), in order; empty for a flat rate
  std::vector<StageMetrics> stages;
  /// verdicts of the thresholds, the default ones first (set at the end of a run; not merged)
  std::vector<ThresholdResult> thresholds;
  /// the run over time (set on the final snapshot and the live view's; empty in live copies)
  TimeSeries series;
  /// what each target's Matomo site should hold, per site-local day (metrics/ledger.hpp)
  Ledger ledger;

  /// The target named `name`, appended (empty) when missing.
  TargetMetrics& target(std::string_view name);
  /// The target named `name`, or nullptr.
  const TargetMetrics* find_target(std::string_view name) const noexcept;
  /// The sum of all targets (TargetMetrics::merge), named "TOTAL".
  TargetMetrics totals() const;
  /// visits/s: visits started over elapsed; 0 when elapsed is 0.
  double achieved_visit_rate() const noexcept;
  /// percent of one core: generator CPU over elapsed × 100; 0 when elapsed is 0.
  double generator_cpu_percent() const noexcept;

  /// Adds `other` into this. Targets are matched by name (new ones appended in order); counters
  /// and histograms add; elapsed is the larger; started the earlier (when set); threads, CPU
  /// seconds, visits waiting, requested rate and unsaved dead letters add; start_late_ms is the
  /// larger (when set); the seed is kept (callers compare seeds
  /// themselves); stop reasons are kept, different ones joined with ", ". To add up several
  /// runs, start from a copy of the first (a default RunMetrics already counts one thread).
  void merge(const RunMetrics& other);
};

/// A plain copy of the run's metrics at one instant; what every renderer takes.
using Snapshot = RunMetrics;

/// Per-target accounting at the end of a run.
struct AccountingRow {
  std::string target;
  std::uint64_t generated = 0;
  std::uint64_t acked = 0;
  std::uint64_t rejected = 0;
  std::uint64_t failed = 0;
  std::uint64_t unconfirmed = 0;
  std::uint64_t not_sent = 0;
  bool balanced() const noexcept { return generated == acked + rejected + failed + unconfirmed + not_sent; }
};

/// The accounting identity over all targets:
/// generated == acked + rejected + failed + unconfirmed + not_sent.
struct AccountingCheck {
  AccountingRow total;  ///< sums over all targets (target "TOTAL")
  std::vector<std::string> unbalanced;  ///< names of the targets where the invariant fails
  bool ok() const noexcept { return unbalanced.empty(); }
};

/// Checks the invariant per target (only meaningful once nothing is in flight).
AccountingCheck check_accounting(const RunMetrics& run);

/// Owner of the live RunMetrics shared between the event loop(s) and the readers. Statistics are
/// kept per thread (h2load's per-worker stats): update() changes the calling thread's own part
/// under that part's lock, which only a snapshot ever contends for, so loops never wait for each
/// other; snapshot() locks every part at once and adds them to the initial metrics, one
/// consistent instant. A part counts its own deltas: a count may go below zero in one part
/// (unsigned, modulo 2^64) when another part counted it up, and the sum is right.
class SharedMetrics {
public:
  SharedMetrics();
  explicit SharedMetrics(RunMetrics initial);
  ~SharedMetrics();
  SharedMetrics(const SharedMetrics&) = delete;
  SharedMetrics& operator=(const SharedMetrics&) = delete;

  /// Runs `change(RunMetrics&)`, or `change(RunMetrics&, LedgerRecorder&)`, on this thread's part
  /// (its targets and stages are those of the initial metrics, its counts start at zero) under
  /// that part's lock. The recorder is the part's own; the parts share the itemised-visitor cap.
  template <class F>
  void update(F&& change) {
    Part& part = local_part();
    std::lock_guard lock(part.mutex);
    if constexpr (std::is_invocable_v<F, RunMetrics&, LedgerRecorder&>) {
      std::forward<F>(change)(part.run, part.recorder);
    } else {
      std::forward<F>(change)(part.run);
    }
  }
  /// Runs `change(RunMetrics&)` on the run-wide metrics, what no loop counts (the requested rate,
  /// the stages, the start time, ...), under the parts' lock. Parts get the new stages (empty).
  template <class F>
  void configure(F&& change) {
    std::lock_guard lock(m_parts_mutex);
    std::forward<F>(change)(m_base);
    refresh_stages();
  }
  /// The initial metrics plus every thread's part, taken with all parts locked. Without
  /// `visitor_details`, the ledger's by_visitor and untracked are left out (Ledger::
  /// drop_visitor_details): up to k_ledger_visitor_cap entries a day not copied while the loops wait.
  /// With them, the visitors each part's recorder itemised join its ledger here (add_visitors).
  Snapshot snapshot(bool visitor_details = true) const;

private:
  struct Part {
    explicit Part(std::atomic<std::size_t>& itemised) : recorder(&itemised) {}
    std::mutex mutex;
    RunMetrics run;
    LedgerRecorder recorder;
  };
  /// This thread's part, made on its first update (a thread-local cache makes the look-up cheap).
  Part& local_part();
  /// Gives every part the base's stages when it has other ones (set before any visit started).
  void refresh_stages();

  const std::uint64_t m_id;  ///< unique per instance: the thread-local cache's key
  RunMetrics m_base;
  std::atomic<std::size_t> m_itemised{0};  ///< by_visitor entries of all parts' recorders
  mutable std::mutex m_parts_mutex;  ///< guards m_parts and m_threads
  std::vector<std::unique_ptr<Part>> m_parts;
  std::vector<std::thread::id> m_threads;  ///< the thread of each part
};

}  // namespace tf::metrics
