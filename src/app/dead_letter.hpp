#pragma once
// The dead-letter file: NDJSON, one given-up hit a line, in send order per visit, so that
// `replay` can resend whole visits in order. Tokens are never written.
//
// Line: {"visit":i,"hit":k,"visitor":"<16 hex>","target":"<name>","outcome":"rejected"|"failed"|
//        "unconfirmed"|"not_sent","reason":"...","detail":"<server's reason, ≤ 200 bytes>",
//        "maybe_recorded":true|false,"attempts":n,"params":{...}}
// maybe_recorded: Matomo may have recorded the hit (unconfirmed, or one of a bulk batch's
// invalid hits it did not name while it tracked others): never resent blindly.
#include <cstdint>
#include <fstream>
#include <mutex>
#include <string>
#include <string_view>

#include "matomo/params.hpp"

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

class DeadLetterWriter {
public:
  /// Default file when none is configured: created in the working directory only if a hit is
  /// actually given up, so no hit is ever lost without a trace.
  static constexpr const char* k_default_path = "trafficinator-dead-letters.ndjson";

  /// Opens (truncates) `path` now, so a bad path fails before anything is sent; an empty path
  /// means k_default_path, opened on the first write.
  explicit DeadLetterWriter(std::string path);
  void write(const DeadLetter& entry);
  std::uint64_t lines() const;
  const std::string& path() const { return m_path; }
  void flush();

private:
  std::string m_path;
  std::ofstream m_out;
  std::uint64_t m_lines = 0;
  mutable std::mutex m_mutex;
};

} // namespace tf::app
