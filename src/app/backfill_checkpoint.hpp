#pragma once
// The backfill checkpoint (--checkpoint FILE): which visits of a backfill were delivered
// completely, by visit index, so that a rerun of the same command skips them.
//
// File (JSON, replaced atomically: temporary file + rename; "FILE.lock" beside it is locked
// while a run uses it):
//   {"trafficinator_checkpoint": 1, "seed": S, "window": "YYYY-MM-DD..YYYY-MM-DD",
//    "timezone": "Europe/Stockholm", "visits": N, "shard": "K/N",
//    "watermark": W, "completed": [i, …], "completed_visits": C,
//    "partial": [[i, target, hits], …]}
// Every visit of the shard with an index below W is complete; "completed" lists the complete
// ones at or above W (few: visits finish nearly in index order). "partial" lists incomplete
// visits whose first `hits` hits on target number `target` were acked: a rerun sends only the
// rest, so no hit reaches Matomo twice (the targets must be configured in the same order).
// Write-ahead log "FILE.wal": each acked hit appends "VISIT TARGET HITS\n" (the first HITS hits
// of VISIT on TARGET are acked) in one write(2) as the ack arrives, before the visit's next hit
// is sent; each save of FILE folds it in and empties it. A resume reads both, so the acked set
// is rebuilt exactly, also after a crash (SIGKILL): only hits in flight at the crash are sent
// again. A drained stop (one SIGINT) is exact. A checkpoint resumes only the
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

#include "app/commands.hpp"
#include "util/clock.hpp"
#include "util/file_lock.hpp"

namespace tf::app {

struct CheckpointIdentity {
  std::uint64_t seed = 0;
  std::string window;    ///< BackfillWindow::label()
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
  /// Hits of `visit` on `target` acked by an earlier run (0: none). Thread-safe.
  std::size_t sent(std::uint64_t visit, std::size_t target) const;
  /// Writes the file now (no-op without a path) and empties the write-ahead log. Thread-safe.
  /// Throws tf::Error on I/O failure.
  void save();
  /// Writes the file when at least `every` has passed since the last write. Thread-safe.
  void save_if_due(SteadyTime now, std::chrono::milliseconds every);

  std::uint64_t completed() const;    ///< complete visits of this shard, earlier runs included
  std::uint64_t watermark() const;
  const std::string& path() const { return m_path; }
  /// The file content for the current state.
  nlohmann::json to_json() const;

private:
  std::uint64_t next_of_shard(std::uint64_t index) const;  ///< smallest shard index ≥ index
  void advance();
  nlohmann::json to_json_locked() const;
  void open_log(bool resume);
  void save_locked();

  std::string m_path;
  LockFile m_lock;  ///< "`m_path`.lock": one process at a time resumes a checkpoint
  CheckpointIdentity m_identity;
  mutable std::mutex m_mutex;
  std::uint64_t m_watermark = 0;
  std::set<std::uint64_t> m_above;  ///< complete visits ≥ m_watermark
  std::map<std::pair<std::uint64_t, std::size_t>, std::size_t> m_partial;  ///< (visit, target) → acked hits
  /// visit in progress → (target, hits acked so far, earlier runs' included), one per target
  std::unordered_map<std::uint64_t, std::vector<std::pair<std::size_t, std::size_t>>> m_live;
  int m_log = -1;  ///< "`m_path`.wal", opened for appending
  std::uint64_t m_completed = 0;
  std::optional<SteadyTime> m_last_save;
};

} // namespace tf::app
