#pragma once
// The dead-letter file: NDJSON, one given-up hit a line, in send order per visit, so that
// `replay` can resend whole visits in order. Tokens are never written.
//
// Line: {"run":{"started":"<UTC>","pid":p,"seed":s},"visit":i,"hit":k,"visitor":"<16 hex>","target":"<name>","outcome":"rejected"|"failed"|
//        "unconfirmed"|"not_sent","reason":"...","detail":"<server's reason, ≤ 200 bytes>",
//        "maybe_recorded":true|false,"attempts":n,"params":{...}}
// maybe_recorded: Matomo may have recorded the hit (unconfirmed, or one of a bulk batch's
// invalid hits it did not name while it tracked others): never resent blindly.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "matomo/params.hpp"
#include "util/append_file.hpp"
#include "util/clock.hpp"

namespace tf::app {

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

} // namespace tf::app
