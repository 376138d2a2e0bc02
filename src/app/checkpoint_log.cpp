#include "app/checkpoint_log.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <initializer_list>
#include <sstream>

namespace tf::app::checkpoint_log {
namespace {

/// One record: an optional kind letter and space, then the numbers separated by spaces, and a
/// newline, formatted on the stack and appended at once (a record per hit sent and acked).
void append_record(std::string& out, char kind, std::initializer_list<std::uint64_t> numbers) {
  char line[2 + 3 * 21 + 1];
  char* at = line;
  if (kind != '\0') {
    *at++ = kind;
    *at++ = ' ';
  }
  char* const end = line + sizeof line;
  bool first = true;
  for (const std::uint64_t n : numbers) {
    if (!first) {
      *at++ = ' ';
    }
    first = false;
    at = std::to_chars(at, end, n).ptr;
  }
  *at++ = '\n';
  out.append(line, at);
}

}  // namespace

void append_sending(std::string& out, std::uint64_t visit, std::size_t target, std::size_t hit) {
  append_record(out, 's', {visit, target, hit});
}

void append_settled(std::string& out, std::uint64_t visit, std::size_t target, std::size_t hits) {
  append_record(out, '\0', {visit, target, hits});
}

void append_not_recorded(std::string& out, std::uint64_t visit, std::size_t target) {
  append_record(out, 'x', {visit, target});
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
