#pragma once
// Reading a dead-letter file for `replay` (format: app/dead_letter.hpp), and the marker that
// guards against replaying one file twice (Matomo would record its hits again).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.hpp"
#include "matomo/params.hpp"
#include "util/clock.hpp"

namespace tf::app {

/// One stored hit, as it will be resent (token_auth removed: each target's own token is added
/// at send time).
struct ReplayHit {
  std::size_t hit = 0;   ///< index of the hit in its original visit
  int line = 0;          ///< 1-based line in the dead-letter file
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
  std::string hash;                 ///< content hash, "fnv1a64:<16 hex>"
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
std::vector<ReplayVisit> parse_dead_letters(std::string_view text, const std::string& path,
                                            config::Diagnostics& diags, const ReplaySelection& selection = {},
                                            std::size_t* skipped = nullptr);

/// Reads and parses `path`. Throws tf::Error: usage (every line's problem, one a line) for bad
/// content, runtime when the file cannot be read.
DeadLetterFile read_dead_letter_file(const std::string& path, const ReplaySelection& selection = {});

/// "fnv1a64:<16 lowercase hex>" of `bytes`: stable across builds and machines.
std::string content_hash(std::string_view bytes);

/// The marker path for a dead-letter file: "`path`.replayed".
std::string marker_path(const std::string& path);

/// When the marker at `marker` records a replay of content with `hash`: its UTC time text;
/// nullopt when there is no marker or it is for other content (an unreadable marker counts
/// as none).
std::optional<std::string> replayed_at(const std::string& marker, const std::string& hash);

/// Writes the marker atomically: {"file","hash","hits","replayed_at"}. Throws tf::Error
/// (runtime) when it cannot be written.
void write_marker(const std::string& marker, const DeadLetterFile& file, SysTime now);

} // namespace tf::app
