#pragma once
// The backfill checkpoint (--checkpoint FILE): which visits of a backfill were delivered
// completely, by visit index, so that a rerun of the same command skips them.
//
// File (JSON, replaced atomically: temporary file + rename; "FILE.lock" beside it is locked
// while a run uses it):
//   {"trafficinator_checkpoint": 1, "seed": S, "window": "YYYY-MM-DD..YYYY-MM-DD",
//    "timezone": "Europe/Stockholm", "visits": N, "shard": "K/N",
//    "watermark": W, "completed": [i, …], "completed_visits": C,
//    "partial": [[i, target, hits], …], "in_flight": [[i, target, from, to], …]}
// Every visit of the shard with an index below W is complete; "completed" lists the complete
// ones at or above W (few: visits finish nearly in index order). "partial" lists incomplete
// visits whose first `hits` hits on target number `target` were acked: a rerun sends only the
// rest, so no hit reaches Matomo twice (the targets must be configured in the same order).
// Write-ahead log "FILE.wal", appended with write(2) (so it survives a crash of the process:
// SIGKILL, OOM kill, abort; fsync is left to the saves of FILE):
//   "s VISIT TARGET N\n"  hit N (1-based, of VISIT on TARGET) is handed to the transport: written
//                         before the request is sent, one write(2) per request (a bulk batch's
//                         records together);
//   "VISIT TARGET HITS\n"  the first HITS hits are settled: acked, or reported unconfirmed (and
//                         dead-lettered maybe_recorded) by a run; kept from the answer until the
//                         log's next record and written first in that write(2): so before the
//                         visit's next hit is sent (a bulk answer's records in one write), or
//                         folded into FILE by a save;
//   "x VISIT TARGET\n"     the hits handed over beyond the settled ones were certainly not
//                         recorded (rejected, failed, not sent): a rerun sends them again.
// Each save of FILE folds the log in and empties it. A resume reads both, so the settled set is
// rebuilt exactly, also after a crash: hits handed over and not settled at the crash
// ("in_flight": [from, to) of a visit on a target) may have been recorded. They are never resent
// blindly: the resume reports them `unconfirmed` (reason "in-flight-at-crash", dead-lettered
// maybe_recorded) and goes on after them; with --retry-unconfirmed it resends them (counted in
// possible_duplicates). A drained stop (one SIGINT) is exact. A checkpoint resumes only the
// backfill it was written for: a different seed, window, time zone, visit count or shard is an
// error, so a rerun never mixes two histories.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/checkpoint_log.hpp"
#include "app/commands.hpp"
#include "util/clock.hpp"
#include "util/file_lock.hpp"

namespace tf::app {

struct CheckpointIdentity {
  std::uint64_t seed = 0;
  std::string window;  ///< BackfillWindow::label()
  std::string timezone;  ///< TIMEZONE
  std::uint64_t visits = 0;  ///< visits of the whole plan
  Shard shard;
};

/// The content of an existing checkpoint file; nullopt when `path` is empty or does not exist.
/// Throws tf::Error "--checkpoint PATH: …" when it cannot be read or is not a checkpoint.
std::optional<nlohmann::json> read_checkpoint(const std::string& path);

/// The seed recorded in a checkpoint's content.
std::uint64_t checkpoint_seed(const nlohmann::json& content);

class Checkpoint {
public:
  /// Starts from `previous` (the file's content) when given; throws tf::Error naming the first
  /// identity field that differs. An empty `path` keeps the progress in memory only. Locks
  /// "`path`.lock" for the object's lifetime (tf::Error, usage: "PATH is locked by pid N").
  Checkpoint(std::string path, CheckpointIdentity identity, const std::optional<nlohmann::json>& previous);
  ~Checkpoint();
  Checkpoint(const Checkpoint&) = delete;
  Checkpoint& operator=(const Checkpoint&) = delete;

  /// Thread-safe.
  bool done(std::uint64_t visit) const;
  /// Records visit `visit` (of this shard) as delivered completely. Thread-safe.
  void complete(std::uint64_t visit);
  /// Records that the first `hits` hits of incomplete visit `visit` on `target` were acked.
  void partial(std::uint64_t visit, std::size_t target, std::size_t hits);
  /// An ack as it arrives: hit `step` of this run's flow of `visit` on `target` (which starts
  /// after the hits sent() by earlier runs) is acked; appended to the write-ahead log at once.
  /// Thread-safe.
  void acked(std::uint64_t visit, std::size_t target, std::size_t step);
  /// Hits handed to the transport: step `step` of this run's flow of `visit` on `target`. All
  /// records of one call go to the write-ahead log in one write(2), before the request is sent.
  /// Thread-safe.
  struct Sending {
    std::uint64_t visit = 0;
    std::size_t target = 0;
    std::size_t step = 0;
  };
  void sending(const std::vector<Sending>& hits);
  /// Hit `step` of this run's flow of `visit` on `target` ended unconfirmed (reported and
  /// dead-lettered by the run): it is settled, a rerun never resends it. Thread-safe.
  void settled(std::uint64_t visit, std::size_t target, std::size_t step);
  /// The hits of `visit` on `target` handed over and not settled were certainly not recorded
  /// (the step ended rejected, failed or not sent): a rerun sends them again. Thread-safe.
  void not_recorded(std::uint64_t visit, std::size_t target);
  /// Hits of `visit` on `target` that a crashed run handed over without an answer: [from, to).
  struct InFlight {
    std::size_t target = 0;
    std::size_t from = 0;
    std::size_t to = 0;
  };
  /// The in-flight ranges of `visit` left by a crashed run, not yet reported. Thread-safe.
  std::vector<InFlight> in_flight(std::uint64_t visit) const;
  /// The range was reported unconfirmed: its hits count as settled (logged at once).
  void reported(std::uint64_t visit, const InFlight& range);
  /// The range will be sent again (--retry-unconfirmed): forgotten.
  void forget(std::uint64_t visit, const InFlight& range);
  /// Hits of `visit` on `target` settled by an earlier run (0: none). Thread-safe.
  std::size_t sent(std::uint64_t visit, std::size_t target) const;
  /// Writes the file now (no-op without a path) and empties the write-ahead log. Thread-safe.
  /// Throws tf::Error on I/O failure.
  void save();
  /// Writes the file when at least `every` has passed since the last write. Thread-safe.
  void save_if_due(SteadyTime now, std::chrono::milliseconds every);

  std::uint64_t completed() const;  ///< complete visits of this shard, earlier runs included
  std::uint64_t watermark() const;
  const std::string& path() const { return m_path; }
  /// The file content for the current state.
  nlohmann::json to_json() const;

private:
  std::uint64_t next_of_shard(std::uint64_t index) const;  ///< smallest shard index ≥ index
  void advance();
  nlohmann::json to_json_locked() const;
  void open_log(bool resume);
  void read_log(const std::string& log);
  void save_locked();
  void start_records();  ///< m_records := the pending settled records, under m_mutex
  void log_write(const char* data, std::size_t size);  ///< under m_mutex
  std::size_t earlier(std::uint64_t visit, std::size_t target) const;  ///< m_partial's hits, under m_mutex
  struct LiveTarget {
    std::size_t target = 0;
    std::size_t earlier = 0;  ///< hits settled by earlier runs when the visit started here
    std::size_t settled = 0;  ///< hits settled, earlier runs' included
    std::size_t sent = 0;  ///< the last hit handed over (1-based), 0: none since the last settled
    checkpoint_log::Prefix prefix;  ///< its records' "s VISIT TARGET "
  };
  /// A visit in progress: its targets' settled and handed-over hits.
  struct LiveVisit {
    std::uint64_t visit = k_no_visit;
    std::vector<LiveTarget> targets;  ///< kept allocated when the slot is reused
  };
  static constexpr std::uint64_t k_no_visit = ~std::uint64_t{0};
  /// Slots of m_ring, a power of two above the visits in progress (about CONCURRENCY plus the
  /// built visits waiting): visits start nearly in index order, so index % slots rarely collide.
  static constexpr std::size_t k_ring_slots = 4096;
  /// Under m_mutex; the look-up of every record: one slot, no hashing.
  LiveTarget& live(std::uint64_t visit, std::size_t target) {
    auto& slot = m_ring[visit % k_ring_slots];
    if (slot.visit == visit) {
      for (auto& t : slot.targets) {
        if (t.target == target) {
          return t;
        }
      }
    }
    return add_live(visit, target);
  }
  LiveTarget& add_live(std::uint64_t visit, std::size_t target);  ///< the first record of a visit on a target
  LiveVisit& live_visit(std::uint64_t visit);  ///< its slot, made when needed; under m_mutex
  std::vector<LiveTarget>* find_live(std::uint64_t visit);  ///< nullptr: none; under m_mutex

  std::string m_path;
  LockFile m_lock;  ///< "`m_path`.lock": one process at a time resumes a checkpoint
  CheckpointIdentity m_identity;
  mutable std::mutex m_mutex;
  std::uint64_t m_watermark = 0;
  std::set<std::uint64_t> m_above;  ///< complete visits ≥ m_watermark
  std::map<std::pair<std::uint64_t, std::size_t>, std::size_t> m_partial;  ///< (visit, target) → acked hits
  /// The visits in progress by index % k_ring_slots (a look-up per record without hashing);
  /// a visit whose slot is taken by another one still in progress waits in m_live.
  std::vector<LiveVisit> m_ring = std::vector<LiveVisit>(k_ring_slots);
  std::unordered_map<std::uint64_t, std::vector<LiveTarget>> m_live;
  /// (visit, target) → [from, to): handed over by a crashed run, not yet reported
  std::map<std::pair<std::uint64_t, std::size_t>, std::pair<std::size_t, std::size_t>> m_in_flight;
  std::string m_records;  ///< scratch: one write(2) of records
  /// "settled" records not written yet: they go first in the next write(2) (start_records)
  std::string m_settled_records;
  int m_log = -1;  ///< "`m_path`.wal", opened for appending
  std::uint64_t m_completed = 0;
  std::optional<SteadyTime> m_last_save;
};

}  // namespace tf::app
