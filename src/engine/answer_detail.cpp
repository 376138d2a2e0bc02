// The server's reason for a failed attempt, as shown in the table and the dead-letter file.
#include <cctype>
#include <string>
#include <string_view>

#include "engine/engine.hpp"

namespace tf::engine {

namespace {

constexpr std::size_t k_detail_bytes = 200;  ///< longest detail kept
constexpr std::size_t k_token_hex = 32;  ///< a Matomo token_auth: 32 hex digits
constexpr std::string_view k_token_key = "token_auth";

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

/// Text without tags (<...>) and with every run of white space one blank.
std::string strip_tags(std::string_view body) {
  std::string out;
  bool in_tag = false, blank = true;
  for (const char c : body) {
    if (c == '<') {
      in_tag = true;
    } else if (c == '>' && in_tag) {
      in_tag = false;
      if (!blank) {  // a tag separates words
        out += ' ';
        blank = true;
      }
    } else if (!in_tag) {
      const bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
      if (!space || !blank) {
        out += space ? ' ' : c;
      }
      blank = space;
    }
  }
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  return out;
}

/// Replaces the value after "token_auth" (up to a separator) and every 32-hex-digit word by "***".
std::string redact(const std::string& text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, k_token_key.size(), k_token_key) == 0) {
      std::size_t j = i + k_token_key.size();
      while (j < text.size() && (text[j] == '=' || text[j] == '"' || text[j] == ':' || text[j] == ' ')) {
        ++j;
      }
      out.append(text, i, j - i);
      std::size_t end = j;
      while (end < text.size() && std::isalnum(static_cast<unsigned char>(text[end])) != 0) {
        ++end;
      }
      out += end > j ? "***" : "";
      i = end;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && is_hex(text[end])) {
      ++end;
    }
    const bool word_start = i == 0 || std::isalnum(static_cast<unsigned char>(text[i - 1])) == 0;
    if (end - i >= k_token_hex && word_start) {
      out += "***";
      i = end;
      continue;
    }
    out.append(text, i, std::max<std::size_t>(end - i, 1));
    i = std::max(end, i + 1);
  }
  return out;
}

}  // namespace

std::string answer_detail(std::string_view body) {
  std::string text = redact(strip_tags(body));
  if (text.size() > k_detail_bytes) {
    std::size_t cut = k_detail_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) {
      --cut;  // not inside a UTF-8 sequence
    }
    text.resize(cut);
  }
  return text;
}

}  // namespace tf::engine
