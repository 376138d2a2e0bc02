#include "app/checkpoint_log.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

namespace tf::app::checkpoint_log {
namespace {

/// Writes `n` in decimal at `at`; a hit number has one or two digits nearly always.
char* put_number(char* at, char* end, std::uint64_t n) {
  if (n < 10) {
    *at++ = static_cast<char>('0' + n);
    return at;
  }
  if (n < 100) {
    *at++ = static_cast<char>('0' + n / 10);
    *at++ = static_cast<char>('0' + n % 10);
    return at;
  }
  return std::to_chars(at, end, n).ptr;
}

/// `of`'s text from `skip`, then `n` and a newline, appended at once.
void append_prefixed(std::string& out, const Prefix& of, std::size_t skip, std::uint64_t n) {
  char line[sizeof of.text + 21];
  std::memcpy(line, of.text, sizeof of.text);  // fixed size: a few moves, no call
  char* at = put_number(line + of.size, line + sizeof line - 1, n);
  *at++ = '\n';
  out.append(line + skip, static_cast<std::size_t>(at - line) - skip);
}

}  // namespace

Prefix prefix(std::uint64_t visit, std::size_t target) {
  Prefix p;
  char* const end = p.text + sizeof p.text;
  char* at = p.text;
  *at++ = 's';
  *at++ = ' ';
  at = std::to_chars(at, end, visit).ptr;
  *at++ = ' ';
  at = std::to_chars(at, end, target).ptr;
  *at++ = ' ';
  p.size = static_cast<std::uint8_t>(at - p.text);
  return p;
}

void append_sending(std::string& out, const Prefix& of, std::size_t hit) { append_prefixed(out, of, 0, hit); }

void append_settled(std::string& out, const Prefix& of, std::size_t hits) { append_prefixed(out, of, 2, hits); }

void append_settled(std::string& out, std::uint64_t visit, std::size_t target, std::size_t hits) {
  append_settled(out, prefix(visit, target), hits);
}

void append_not_recorded(std::string& out, std::uint64_t visit, std::size_t target) {
  auto line = prefix(visit, target);
  line.text[0] = 'x';
  line.text[line.size - 1] = '\n';
  out.append(line.text, line.size);
}

Replayed read(const std::string& path) {
  Replayed log;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (in.eof()) {
      break;  // no newline: cut by a crash
    }
    std::istringstream fields(line);
    const char kind = line.empty() ? '\0' : line.front();
    if (kind == 's' || kind == 'x') {
      fields.ignore(1);
    }
    Key key;
    std::size_t n = 0;
    if (!(fields >> key.first >> key.second)) {
      continue;
    }
    if (kind == 'x') {
      log.sent.erase(key);
      log.not_recorded.insert(key);
    } else if (fields >> n) {
      auto& to = kind == 's' ? log.sent[key] : log.settled[key];
      to = std::max(to, n);
    }
  }
  return log;
}

}  // namespace tf::app::checkpoint_log
