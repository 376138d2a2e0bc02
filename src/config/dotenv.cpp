#include "config/dotenv.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "util/units.hpp"

namespace tf::config {
namespace {

bool is_key_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool is_key_char(char c) { return is_key_start(c) || std::isdigit(static_cast<unsigned char>(c)) != 0; }

bool is_valid_key(std::string_view key) {
  if (key.empty() || !is_key_start(key.front())) {
    return false;
  }
  for (char c : key) {
    if (!is_key_char(c)) {
      return false;
    }
  }
  return true;
}

struct LineContext {
  const std::string& source;
  int line;
  Diagnostics& diags;
  const EnvLookup& lookup;
};

std::optional<std::string> expand_reporting(std::string_view text, const LineContext& ctx, const std::string& key) {
  std::vector<std::string> missing;
  auto out = expand_variables(text, ctx.lookup, missing);
  if (!out) {
    ctx.diags.error(ctx.source, ctx.line, 0, key,
                    "expected ${NAME} with a valid variable name, found an unclosed or invalid ${");
    return std::nullopt;
  }
  for (const auto& name : missing) {
    ctx.diags.warning(ctx.source, ctx.line, 0, key,
                      fmt::format("${{{}}} is not set in the environment; expanded to \"\"", name));
  }
  return out;
}

/// The rest of a line after a closing quote may only hold blanks or a comment.
bool only_comment_left(std::string_view rest) {
  rest = trim(rest);
  return rest.empty() || rest.front() == '#';
}

/// A key whose value must never be echoed in a message (MATOMO_TOKEN_AUTH, ...).
bool is_secret_key(std::string_view key) {
  std::string upper(key);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return upper.find("TOKEN") != std::string::npos || upper.find("PASSWORD") != std::string::npos ||
    upper.find("SECRET") != std::string::npos;
}

/// `text` quoted for a message, or "more text" when it belongs to a secret's value.
std::string shown(std::string_view text, const std::string& key) {
  return is_secret_key(key) ? std::string("more text") : fmt::format("\"{}\"", text);
}

std::optional<std::string> parse_double_quoted(std::string_view raw, const LineContext& ctx, const std::string& key) {
  std::string out;
  std::size_t i = 1;
  for (; i < raw.size() && raw[i] != '"'; ++i) {
    if (raw[i] != '\\' || i + 1 == raw.size()) {
      out += raw[i];
      continue;
    }
    const char next = raw[++i];
    switch (next) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '$': out += "$$"; break;  // kept escaped for the expansion step below
      default: out += next; break;
    }
  }
  if (i >= raw.size()) {
    ctx.diags.error(ctx.source, ctx.line, 0, key, "expected a closing \", found the end of the line");
    return std::nullopt;
  }
  if (!only_comment_left(raw.substr(i + 1))) {
    ctx.diags.error(ctx.source, ctx.line, 0, key,
                    fmt::format("expected nothing or a # comment after the closing \", found {}",
                                shown(trim(raw.substr(i + 1)), key)));
    return std::nullopt;
  }
  return expand_reporting(out, ctx, key);
}

std::optional<std::string> parse_value(std::string_view raw, const LineContext& ctx, const std::string& key) {
  raw = trim(raw);
  if (!raw.empty() && raw.front() == '"') {
    return parse_double_quoted(raw, ctx, key);
  }
  if (!raw.empty() && raw.front() == '\'') {
    const auto close = raw.find('\'', 1);
    if (close == std::string_view::npos) {
      ctx.diags.error(ctx.source, ctx.line, 0, key, "expected a closing ', found the end of the line");
      return std::nullopt;
    }
    if (!only_comment_left(raw.substr(close + 1))) {
      ctx.diags.error(ctx.source, ctx.line, 0, key,
                      fmt::format("expected nothing or a # comment after the closing ', found {}",
                                  shown(trim(raw.substr(close + 1)), key)));
      return std::nullopt;
    }
    return std::string(raw.substr(1, close - 1));
  }
  for (std::size_t i = 1; i < raw.size(); ++i) {
    if (raw[i] == '#' && std::isspace(static_cast<unsigned char>(raw[i - 1])) != 0) {
      raw = trim(raw.substr(0, i));
      break;
    }
  }
  return expand_reporting(raw, ctx, key);
}

void parse_line(std::string_view line, const LineContext& ctx, std::vector<EnvEntry>& out) {
  line = trim(line);
  if (line.empty() || line.front() == '#') {
    return;
  }
  if (line.substr(0, 7) == "export " || line.substr(0, 7) == "export\t") {
    line = trim(line.substr(7));
  }
  const auto eq = line.find('=');
  if (eq == std::string_view::npos) {
    ctx.diags.error(ctx.source, ctx.line, 0, "",
                    is_secret_key(line) ? std::string("expected KEY=VALUE, found a line without '=' naming a secret")
                                        : fmt::format("expected KEY=VALUE, found \"{}\"", line));
    return;
  }
  const std::string key(trim(line.substr(0, eq)));
  if (!is_valid_key(key)) {
    ctx.diags.error(ctx.source, ctx.line, 0, "",
                    fmt::format("expected a key of letters, digits and _ before '=', found \"{}\"", key));
    return;
  }
  if (auto value = parse_value(line.substr(eq + 1), ctx, key)) {
    out.push_back({key, std::move(*value), ctx.line});
  }
}

}  // namespace

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
}

std::optional<std::string> expand_variables(std::string_view text, const EnvLookup& lookup,
                                            std::vector<std::string>& missing) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (text[i] != '$' || i + 1 >= text.size() || text[i + 1] != '{') {
      out += text[i];
      continue;
    }
    const auto close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    const std::string name(text.substr(i + 2, close - i - 2));
    if (!is_valid_key(name)) {
      return std::nullopt;
    }
    if (auto value = lookup ? lookup(name) : std::nullopt) {
      out += *value;
    } else {
      missing.push_back(name);
    }
    i = close;
  }
  return out;
}

bool is_valid_text(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0) {
      return false;
    }
    std::size_t extra = 0;
    unsigned min_value = 0;
    unsigned value = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0U) == 0xC0U) {
      extra = 1, min_value = 0x80, value = c & 0x1FU;
    } else if ((c & 0xF0U) == 0xE0U) {
      extra = 2, min_value = 0x800, value = c & 0x0FU;
    } else if ((c & 0xF8U) == 0xF0U) {
      extra = 3, min_value = 0x10000, value = c & 0x07U;
    } else {
      return false;
    }
    if (i + extra >= text.size()) {
      return false;
    }
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0U) != 0x80U) {
        return false;
      }
      value = (value << 6U) | (cc & 0x3FU);
    }
    if (value < min_value || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

std::vector<EnvEntry> parse_env(std::string_view text, const std::string& source, Diagnostics& diags,
                                const EnvLookup& lookup) {
  std::vector<EnvEntry> out;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    text.remove_prefix(3);
  }
  std::map<std::string, int> first_line;
  int line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (!is_valid_text(line)) {
      diags.error(source, line_no, 0, "", "expected UTF-8 text, found invalid or NUL bytes");
      continue;
    }
    const std::size_t before = out.size();
    parse_line(line, LineContext{source, line_no, diags, lookup}, out);
    if (out.size() == before) {
      continue;
    }
    const auto [it, inserted] = first_line.emplace(out.back().key, line_no);
    if (!inserted) {
      diags.warning(source, line_no, 0, out.back().key,
                    fmt::format("duplicate key: also set on line {}; line {} wins", it->second, line_no));
      it->second = line_no;
    }
  }
  return out;
}

std::optional<std::string> read_text_file(const std::string& path, std::string& error, std::size_t max_bytes) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    error = "is a directory";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = fmt::format("cannot open: {}", std::strerror(errno));
    return std::nullopt;
  }
  std::string data;
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    data.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (data.size() > max_bytes) {
      error = fmt::format("file is larger than {} bytes", max_bytes);
      return std::nullopt;
    }
  }
  if (in.bad()) {
    error = "read error";
    return std::nullopt;
  }
  return data;
}

}  // namespace tf::config
