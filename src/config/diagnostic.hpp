#pragma once
// Problems found while reading configuration: every reader collects all of them (never only the
// first), each with the place it was found, so `validate` and config::load can print them all.
#include <string>
#include <vector>

namespace tf::config {

enum class Severity { warning, error };

struct Diagnostic {
  std::string file;  ///< path, "environment", "--flag" or "MULTI_TARGET_CONFIG"
  int line = 0;  ///< 1-based, 0 when unknown
  int col = 0;  ///< 1-based, 0 when unknown
  Severity severity = Severity::error;
  std::string key;  ///< setting or JSON field concerned, may be empty
  std::string message;
};

/// `FILE:LINE[:COL]: error: KEY: message` (LINE/COL/KEY parts left out when unknown).
std::string format(const Diagnostic& d);

class Diagnostics {
public:
  void add(Diagnostic d) { m_items.push_back(std::move(d)); }
  void error(std::string file, int line, int col, std::string key, std::string message);
  void warning(std::string file, int line, int col, std::string key, std::string message);
  const std::vector<Diagnostic>& items() const { return m_items; }
  bool has_errors() const;
  std::size_t error_count() const;
  std::size_t warning_count() const;
  void append(const Diagnostics& other);

private:
  std::vector<Diagnostic> m_items;
};

/// Plain edit distance (Levenshtein) between two strings.
std::size_t edit_distance(const std::string& a, const std::string& b);

/// The candidate closest to `word` when it is close enough to be a likely typo, else "".
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace tf::config

namespace tf::config {

/// The errors of `diags`, one formatted diagnostic a line (no trailing newline).
std::string join_errors(const Diagnostics& diags);

}  // namespace tf::config
