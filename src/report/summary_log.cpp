#include "report/summary_log.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "report/merge.hpp"
#include "util/error.hpp"

namespace tf::report {
namespace {

bool ends_with(std::string_view text, std::string_view tail) {
  return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

std::string_view without_cr(std::string_view line) {
  return !line.empty() && line.back() == '\r' ? line.substr(0, line.size() - 1) : line;
}

struct Block {
  std::string prefix;
  std::size_t begin_line = 0;
  std::string text;
};

nlohmann::json parse_block(const std::string& file, const Block& block) {
  try {
    return nlohmann::json::parse(block.text);
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    const auto start = what.find("] ");
    throw Error(fmt::format("{}:{}: invalid JSON after the begin marker: {}", file, block.begin_line,
                            start == std::string::npos ? what : what.substr(start + 2)),
                ExitCode::usage);
  }
}

}  // namespace

std::vector<LoggedSummary> read_summary_log(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw Error(fmt::format("{}: cannot read: {}", file, std::strerror(errno)), ExitCode::usage);
  }
  std::vector<LoggedSummary> found;
  std::vector<Block> open;  // blocks begun and not ended yet, one per prefix (pod)
  std::string raw;
  for (std::size_t number = 1; std::getline(in, raw); ++number) {
    const std::string_view line = without_cr(raw);
    Block* owner = nullptr;
    for (auto& block : open) {  // the longest prefix the line starts with
      const bool mine = line.substr(0, block.prefix.size()) == block.prefix;
      if (mine && (owner == nullptr || block.prefix.size() > owner->prefix.size())) {
        owner = &block;
      }
    }
    if (owner == nullptr) {
      if (ends_with(line, k_summary_begin)) {
        open.push_back(Block{std::string(line.substr(0, line.size() - k_summary_begin.size())), number, {}});
      }
      continue;
    }
    const std::string_view content = line.substr(owner->prefix.size());
    if (content != k_summary_end) {
      owner->text.append(content).push_back('\n');
      continue;
    }
    found.push_back({fmt::format("{}:{}", file, owner->begin_line), parse_block(file, *owner)});
    found.back().begin_line = owner->begin_line;
    open.erase(open.begin() + (owner - open.data()));
  }
  if (!open.empty()) {
    throw Error(
      fmt::format("{}:{}: summary without an end marker (\"{}\")", file, open.front().begin_line, k_summary_end),
      ExitCode::usage);
  }
  if (found.empty()) {
    throw Error(
      fmt::format("{}: no summary between the marker lines \"{}\" and \"{}\"", file, k_summary_begin, k_summary_end),
      ExitCode::usage);
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const LoggedSummary& a, const LoggedSummary& b) { return a.begin_line < b.begin_line; });
  return found;
}

MergedSummary merge_summary_logs(const std::vector<std::string>& files) {
  if (files.empty()) {
    throw Error("merge: no log files given", ExitCode::usage);
  }
  std::vector<nlohmann::json> summaries;
  std::vector<std::string> sources;
  for (const auto& file : files) {
    for (auto& logged : read_summary_log(file)) {
      summaries.push_back(std::move(logged.summary));
      sources.push_back(std::move(logged.source));
    }
  }
  return merge_summaries(summaries, sources);
}

}  // namespace tf::report
