#pragma once
// JSON documents with positions: nlohmann parses, and a second pass records the byte offset of
// every value and member key by JSON pointer, so rule violations can name FILE:LINE:COL.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "config/diagnostic.hpp"

namespace tf::config {

/// Deepest nesting accepted; deeper documents are refused before parsing.
inline constexpr int k_max_json_depth = 64;

struct Position {
  int line = 0;
  int col = 0;
};

/// 1-based line and column (in bytes) of `offset` in `text`.
Position position_of(std::string_view text, std::size_t offset);

class JsonDocument {
public:
  nlohmann::json root;

  /// Position of the value at `pointer` ("" = root), or of its member key when `key` is true.
  Position where(const std::string& pointer, bool key = false) const;

  /// Parses `text`; syntax errors, invalid UTF-8 and excessive nesting go to `diags`.
  static std::optional<JsonDocument> parse(std::string_view text, const std::string& source, Diagnostics& diags);

private:
  std::string m_text;
  std::map<std::string, std::size_t> m_values;
  std::map<std::string, std::size_t> m_keys;
  void index_offsets();
};

/// RFC 6901 escaping of one reference token.
std::string pointer_token(std::string_view name);

/// `value` as compact JSON, cut to about 60 characters.
std::string json_excerpt(const nlohmann::json& value);

}  // namespace tf::config
