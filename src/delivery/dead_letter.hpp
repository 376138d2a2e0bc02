#pragma once
// The dead-letter format, written by run, replay and backfill and read by replay: NDJSON, one given-up hit a line, in
// send order per visit, so that `replay` can resend whole visits in order. Tokens are never written.
//
// Line: {"run":{"started":"<UTC>","pid":p,"seed":s},"visit":i,"hit":k,"visitor":"<16
// hex>","target":"<name>","outcome":"rejected"|"failed"|
//        "unconfirmed"|"not_sent","reason":"...","detail":"<server's reason, ≤ 200 bytes>",
//        "maybe_recorded":true|false,"attempts":n,"params":{...}}
// maybe_recorded: Matomo may have recorded the hit (unconfirmed, or one of a bulk batch's
// invalid hits it did not name while it tracked others): never resent blindly.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.hpp"

#include "matomo/params.hpp"
#include "util/append_file.hpp"
#include "util/clock.hpp"

namespace tf::delivery {

struct DeadLetter {
  std::uint64_t visit = 0;
  std::size_t hit = 0;
  std::string_view visitor;
  std::string_view target;
  std::string_view outcome;
  std::string_view reason;
  std::string_view detail;
  bool maybe_recorded = false;
  int attempts = 0;
  const matomo::Params* params = nullptr;  ///< token_auth, if present, is written as "***"
};

/// Which run wrote a line: a file appended to by many runs (a cron job) keeps them apart.
struct RunId {
  SysTime started;
  long pid = 0;
  std::uint64_t seed = 0;
};

/// This process, started now, with `seed`.
RunId current_run(std::uint64_t seed, const Clock& clock);

class DeadLetterWriter {
public:
  /// Default file when none is configured: created in the working directory only if a hit is
  /// actually given up, so no hit is ever lost without a trace.
  static constexpr const char* k_default_path = "trafficinator-dead-letters.ndjson";

  /// Opens `path` for appending and locks it now, so a bad or busy path fails (tf::Error,
  /// usage: "FILE is locked by pid N") before anything is sent. An empty path means
  /// k_default_path, shared: opened at the first line and not locked, so runs started in one
  /// directory (shards) all keep their lines, each whole and marked with its run.
  DeadLetterWriter(std::string path, const RunId& run);
  /// Writes one line. A failed write is counted (unsaved()); nothing is written after it.
  void write(const DeadLetter& entry);
  /// Lines written and saved.
  std::uint64_t lines() const;
  /// Lines that could not be saved (the file system is full, ...).
  std::uint64_t unsaved() const;
  /// The first write error; empty when every line was saved.
  std::string error() const;
  const std::string& path() const { return m_file.path(); }
  /// fsync: the lines are on disk. Returns false when a write or the sync failed.
  bool flush();

private:
  AppendFile m_file;
  std::string m_run;  ///< the "run" value, rendered once
  mutable std::mutex m_mutex;
};

/// The end of a delivering command for the dead-letter file: syncs it, logs how many lines
/// were written (and how many could not be saved, and why). Returns false when a line was
/// not saved or the sync failed (the command then exits 3).
bool finish_dead_letters(DeadLetterWriter& writer, const Clock& clock);

// Reading: the dead-letter file as `replay` resends it.

/// One stored hit, as it will be resent (token_auth removed: each target's own token is added
/// at send time).
struct ReplayHit {
  std::size_t hit = 0;  ///< index of the hit in its original visit
  int line = 0;  ///< 1-based line in the dead-letter file
  matomo::Params params;
  /// Matomo may already hold it (the line's "maybe_recorded", or an "unconfirmed" outcome):
  /// sending it again is a possible duplicate.
  bool maybe_recorded = false;
};

/// The stored hits of one visit on one target, in hit order.
struct ReplayVisit {
  std::string target;
  std::uint64_t visit = 0;
  std::string visitor;  ///< 16 hex characters
  std::vector<ReplayHit> hits;
};

struct DeadLetterFile {
  std::string path;
  std::vector<ReplayVisit> visits;  ///< ordered by (run, visit, target), runs in file order
  std::size_t hits = 0;
  std::size_t skipped_unconfirmed = 0;  ///< lines with "maybe_recorded": true left out
  std::string hash;  ///< content hash, "fnv1a64:<16 hex>"
};

/// Which lines of a dead-letter file are replayed.
struct ReplaySelection {
  /// Also lines marked "maybe_recorded": true (--include-unconfirmed): Matomo may have
  /// recorded them already, so they are left out by default.
  bool include_unconfirmed = false;
};

/// Parses dead-letter NDJSON, which may hold several runs (a "run" object on each line; visit
/// numbers restart in each run). Every problem is collected in `diags` as `path:line: error:
/// key: message` (blank lines are skipped); the visits are valid only when it holds no errors.
/// Lines left out by `selection` are counted in `*skipped` (when given).
std::vector<ReplayVisit> parse_dead_letters(std::string_view text, const std::string& path, config::Diagnostics& diags,
                                            const ReplaySelection& selection = {}, std::size_t* skipped = nullptr);

/// Reads and parses `path`. Throws tf::Error: usage (every line's problem, one a line) for bad
/// content, runtime when the file cannot be read.
DeadLetterFile read_dead_letter_file(const std::string& path, const ReplaySelection& selection = {});

/// "fnv1a64:<16 lowercase hex>" of `bytes`: stable across builds and machines.
std::string content_hash(std::string_view bytes);

}  // namespace tf::delivery
