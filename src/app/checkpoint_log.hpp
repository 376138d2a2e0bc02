#pragma once
// The records of a backfill checkpoint's write-ahead log ("FILE.wal", see backfill_checkpoint.hpp):
//   "s VISIT TARGET N"  hit N (1-based) of VISIT on TARGET was handed to the transport;
//   "VISIT TARGET HITS" the first HITS hits are settled (acked, or reported unconfirmed);
//   "x VISIT TARGET"    the hits handed over beyond the settled ones were not recorded.
// A record is written for every hit sent and every hit acked: a flow's "VISIT TARGET " is
// formatted once (Prefix), each record copies it and adds its hit number.
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>

namespace tf::app::checkpoint_log {

using Key = std::pair<std::uint64_t, std::size_t>;  ///< (visit, target)

/// "s VISIT TARGET ", formatted once per visit and target; the settled record is the same
/// without its first two characters.
struct Prefix {
  char text[2 + 20 + 1 + 20 + 1] = {};
  std::uint8_t size = 0;
};
Prefix prefix(std::uint64_t visit, std::size_t target);
void append_sending(std::string& out, const Prefix& of, std::size_t hit);
void append_settled(std::string& out, const Prefix& of, std::size_t hits);

void append_settled(std::string& out, std::uint64_t visit, std::size_t target, std::size_t hits);
void append_not_recorded(std::string& out, std::uint64_t visit, std::size_t target);

/// What a log says, in order; a line cut by a crash (the last) is skipped.
struct Replayed {
  std::map<Key, std::size_t> settled;  ///< the most hits settled
  std::map<Key, std::size_t> sent;  ///< the last hit handed over since the last "x" record
  std::set<Key> not_recorded;  ///< keys with an "x" record: the file's in-flight range is void
};

/// Reads the log at `path` (a missing file is an empty log).
Replayed read(const std::string& path);

}  // namespace tf::app::checkpoint_log
