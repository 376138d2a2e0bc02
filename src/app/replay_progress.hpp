#pragma once
// A resumable `replay`: its progress beside the file it replays, "FILE.progress", appended with
// one write(2) per record (it survives a crash of the process):
//   "s LINE"  the hit of line LINE is handed to the transport (before the request is sent);
//   "d LINE"  it is settled: acked, or written to the output file (rejected, failed,
//             unconfirmed, not sent), which from then on holds it.
// A replay of the same content (the marker FILE.replayed) after a crash (SIGKILL) resumes: it
// sends only the lines no earlier replay settled. Lines handed over without an answer may be
// held by Matomo: they are left out, like "maybe_recorded" lines, unless --include-unconfirmed
// (then resent and counted in possible_duplicates). A replay that settled every line (it ended,
// or was stopped by signals) is not run again without --force.
#include <cstddef>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "delivery/dead_letter.hpp"
#include "delivery/visit_flow.hpp"
#include "engine/engine.hpp"

namespace tf::app {

class ReplayProgress final : public delivery::SendLog {
public:
  /// Reads "`file`.progress" when `resume`; nothing is written before open().
  ReplayProgress(const std::string& file, bool resume);
  /// Opens the log for appending (emptied unless resuming), as sending starts. Throws tf::Error
  /// (runtime) when it cannot be opened.
  void open();
  ~ReplayProgress() override;
  ReplayProgress(const ReplayProgress&) = delete;
  ReplayProgress& operator=(const ReplayProgress&) = delete;

  /// Whether the file existed when a resume was asked for (an older replay wrote none).
  bool found() const { return m_found; }
  const std::set<int>& settled() const { return m_settled; }
  /// Lines handed over and never settled by an earlier replay.
  const std::set<int>& in_flight() const { return m_in_flight; }

  void on_sending(const std::vector<engine::BatchItem>& items) override;  ///< ReplayFlow items
  /// Line `line` is settled (acked, or written to the output). Thread-safe.
  void settle(int line);

private:
  void write(const std::string& records);  ///< under m_mutex

  std::string m_path;
  int m_fd = -1;
  bool m_found = false;
  bool m_resume = false;
  std::set<int> m_settled, m_in_flight;
  std::mutex m_mutex;
  std::string m_records;
};

/// What resuming left out of a dead-letter file.
struct ReplayResume {
  std::size_t settled = 0;  ///< lines an earlier replay settled
  std::size_t in_flight_skipped = 0;  ///< lines in flight at its crash, left out
  std::size_t in_flight_resent = 0;  ///< lines in flight at its crash, resent (--include-unconfirmed)
};

/// Removes from `file` the lines `progress` has settled; marks the lines in flight at a crash
/// maybe_recorded and removes them unless `include_unconfirmed`. Visits left empty go.
ReplayResume resume_replay(delivery::DeadLetterFile& file, const ReplayProgress& progress, bool include_unconfirmed);

/// An observer that settles each hit's line in `progress` as its outcome arrives, then forwards.
std::unique_ptr<engine::Observer> progress_observer(engine::Observer& inner, ReplayProgress& progress);

}  // namespace tf::app
