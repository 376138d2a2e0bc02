#include "config/json_source.hpp"

#include <vector>

#include <fmt/format.h>

namespace tf::config {
namespace {

/// Offset of the first bracket deeper than k_max_json_depth, or npos.
std::size_t too_deep_at(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > k_max_json_depth) {
        return i;
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::string_view::npos;
}

std::string parse_error_text(const std::string& what) {
  const auto column = what.find(", column ");
  if (column != std::string::npos) {
    const auto colon = what.find(": ", column);
    if (colon != std::string::npos) {
      return what.substr(colon + 2);
    }
  }
  const auto bracket = what.find("] ");
  return bracket == std::string::npos ? what : what.substr(bracket + 2);
}

/// Where the token quoted in `what` ('...') first appears in `text` outside a string literal;
/// text.size() (no position) when it does not.
std::size_t quoted_token_at(std::string_view text, std::string_view what) {
  const auto open = what.find('\'');
  const auto close = open == std::string_view::npos ? open : what.find('\'', open + 1);
  if (close == std::string_view::npos || close == open + 1) {
    return text.size();
  }
  const auto token = what.substr(open + 1, close - open - 1);
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"' && (i == 0 || text[i - 1] != '\\')) {
      in_string = !in_string;
    } else if (!in_string && text.substr(i, token.size()) == token) {
      return i;
    }
  }
  return text.size();
}

std::size_t skip_blank(std::string_view t, std::size_t i) {
  while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')) {
    ++i;
  }
  return i;
}

/// End of the string literal starting at `i` (the opening quote), one past the closing quote.
std::size_t string_end(std::string_view t, std::size_t i) {
  for (++i; i < t.size() && t[i] != '"'; ++i) {
    if (t[i] == '\\') {
      ++i;
    }
  }
  return i + 1;
}

struct Frame {
  std::string pointer;
  bool object = false;
  std::size_t index = 0;
};

}  // namespace

Position position_of(std::string_view text, std::size_t offset) {
  Position p{1, 1};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.col = 1;
    } else {
      ++p.col;
    }
  }
  return p;
}

std::string pointer_token(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string json_excerpt(const nlohmann::json& value) {
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  constexpr std::size_t k_max = 60;
  if (text.size() > k_max) {
    text = text.substr(0, k_max) + "…";
  }
  return text;
}

Position JsonDocument::where(const std::string& pointer, bool key) const {
  const auto& map = key ? m_keys : m_values;
  const auto it = map.find(pointer);
  return it == map.end() ? Position{} : position_of(m_text, it->second);
}

std::optional<JsonDocument> JsonDocument::parse(std::string_view text, const std::string& source, Diagnostics& diags) {
  if (const auto at = too_deep_at(text); at != std::string_view::npos) {
    const auto p = position_of(text, at);
    diags.error(source, p.line, p.col, "",
                fmt::format("expected JSON nested at most {} levels deep, found deeper nesting", k_max_json_depth));
    return std::nullopt;
  }
  JsonDocument doc;
  try {
    doc.root = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    const std::size_t byte = e.byte > 0 ? e.byte - 1 : 0;
    const auto p = position_of(text, byte);
    diags.error(source, p.line, p.col, "", fmt::format("invalid JSON: {}", parse_error_text(e.what())));
    return std::nullopt;
  } catch (const nlohmann::json::exception& e) {
    // "number overflow parsing '1E400'" carries no position: the number's first place has it.
    const auto at = quoted_token_at(text, e.what());
    const auto p = at < text.size() ? position_of(text, at) : Position{};
    diags.error(source, p.line, p.col, "", fmt::format("invalid JSON: {}", parse_error_text(e.what())));
    return std::nullopt;
  }
  doc.m_text = std::string(text);
  doc.index_offsets();
  return doc;
}

void JsonDocument::index_offsets() {
  const std::string_view t = m_text;
  std::vector<Frame> stack;
  std::string pending = "";  // pointer of the next value
  std::size_t i = skip_blank(t, 0);
  if (t.substr(i, 3) == "\xEF\xBB\xBF") {
    i = skip_blank(t, i + 3);
  }
  while (i < t.size()) {
    const char c = t[i];
    if (c == ',' || c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    if (!stack.empty() && stack.back().object && pending.empty() && c == '"') {
      const std::size_t end = string_end(t, i);
      std::string name;
      try {
        name = nlohmann::json::parse(t.substr(i, end - i)).get<std::string>();
      } catch (const std::exception&) {
        name.clear();
      }
      pending = stack.back().pointer + "/" + pointer_token(name);
      m_keys[pending] = i;
      i = end;
      continue;
    }
    if (c == ']' || c == '}') {
      stack.pop_back();
      ++i;
      continue;
    }
    std::string pointer = pending;
    if (!stack.empty() && !stack.back().object) {
      pointer = stack.back().pointer + "/" + std::to_string(stack.back().index++);
    }
    m_values[pointer] = i;
    pending.clear();
    if (c == '[' || c == '{') {
      stack.push_back({pointer, c == '{', 0});
      ++i;
    } else if (c == '"') {
      i = string_end(t, i);
    } else {
      while (i < t.size() && t[i] != ',' && t[i] != ']' && t[i] != '}' && t[i] != ' ' && t[i] != '\n' && t[i] != '\r' &&
             t[i] != '\t') {
        ++i;
      }
    }
  }
}

}  // namespace tf::config
