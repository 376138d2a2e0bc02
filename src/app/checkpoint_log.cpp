#include "app/checkpoint_log.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

namespace tf::app::checkpoint_log {
namespace {

void append_number(std::string& out, std::uint64_t n) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out.append(digits, end);
}

void append_key(std::string& out, std::uint64_t visit, std::size_t target) {
  append_number(out, visit);
  out += ' ';
  append_number(out, target);
}

} // namespace

void append_sending(std::string& out, std::uint64_t visit, std::size_t target, std::size_t hit) {
  out += "s ";
  append_key(out, visit, target);
  out += ' ';
  append_number(out, hit);
  out += '\n';
}

void append_settled(std::string& out, std::uint64_t visit, std::size_t target, std::size_t hits) {
  append_key(out, visit, target);
  out += ' ';
  append_number(out, hits);
  out += '\n';
}

void append_not_recorded(std::string& out, std::uint64_t visit, std::size_t target) {
  out += "x ";
  append_key(out, visit, target);
  out += '\n';
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

} // namespace tf::app::checkpoint_log
