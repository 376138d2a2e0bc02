#pragma once
// The `.env` reader: KEY=VALUE lines with line numbers, `#` comments, blank lines, an optional
// `export ` prefix, single quotes (literal), double quotes (escapes \n \t \r \\ \" \$ and ${VAR}),
// unquoted values (trailing ` # comment` dropped, ${VAR} expanded), CRLF and a UTF-8 BOM.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.hpp"

namespace tf::config {

struct EnvEntry {
  std::string key;
  std::string value;
  int line = 0;  ///< 1-based line in the source
};

/// Looks up ${VAR} during expansion; nullopt when the variable is not set.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

/// The process environment as an EnvLookup.
EnvLookup process_environment();

/// Parses `text` (the contents of `source`). Problems go to `diags` (all of them); entries
/// with an error are left out. Duplicate keys stay in order (the later one wins when applied)
/// and give a warning naming both lines.
std::vector<EnvEntry> parse_env(std::string_view text, const std::string& source, Diagnostics& diags,
                                const EnvLookup& lookup);

/// Expands ${VAR} in `text`; the names of unset variables go to `missing` (expanded to "").
/// nullopt when a `${` is not closed or names an invalid variable.
std::optional<std::string> expand_variables(std::string_view text, const EnvLookup& lookup,
                                            std::vector<std::string>& missing);

/// True when `text` is well-formed UTF-8 without NUL bytes.
bool is_valid_text(std::string_view text);

/// Reads a whole file; nullopt (with `error` set to the reason) when it cannot be read.
/// Files larger than `max_bytes` are refused.
std::optional<std::string> read_text_file(const std::string& path, std::string& error,
                                          std::size_t max_bytes = 64U << 20U);

}  // namespace tf::config
