#include "report/merge.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "report/summary_json.hpp"
#include "util/error.hpp"

namespace tf::report {
namespace {

/// The seeds a summary stands for: its "seed", or each entry when it is a list (a merged
/// summary whose shards disagreed).
std::vector<std::uint64_t> seeds_of(const nlohmann::json& summary, const std::string& source) {
  const auto& seed = summary.at("seed");
  const auto list = seed.is_array() ? seed : nlohmann::json::array({seed});
  std::vector<std::uint64_t> seeds;
  for (const auto& s : list) {
    if (!s.is_number_unsigned()) {
      throw Error(fmt::format("{}: not a trafficinator summary: \"seed\" must be a non-negative "
                              "integer or a list of them", source),
                  ExitCode::usage);
    }
    seeds.push_back(s.get<std::uint64_t>());
  }
  return seeds;
}

nlohmann::json read_json_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw Error(fmt::format("{}: cannot read: {}", file, std::strerror(errno)), ExitCode::usage);
  }
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line L, column C: ...".
    std::string what = e.what();
    const auto start = what.find("] ");
    throw Error(fmt::format("{}: invalid JSON: {}", file, start == std::string::npos ? what : what.substr(start + 2)),
                ExitCode::usage);
  }
}

} // namespace

MergedSummary merge_summaries(const std::vector<nlohmann::json>& summaries,
                              const std::vector<std::string>& sources) {
  MergedSummary merged;
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    // summary_from_json validates everything, including "seed", before it is read here.
    const metrics::RunMetrics run = summary_from_json(summaries[i], sources.at(i));
    if (i == 0) {
      merged.run = run;
      merged.config = summaries[i].value("config", nlohmann::json::object());
    } else {
      merged.run.merge(run);
    }
    for (auto seed : seeds_of(summaries[i], sources.at(i))) {
      if (std::find(merged.seeds.begin(), merged.seeds.end(), seed) == merged.seeds.end()) {
        merged.seeds.push_back(seed);
      }
    }
  }
  merged.shard_count = summaries.size();
  return merged;
}

MergedSummary merge_summary_files(const std::vector<std::string>& files) {
  if (files.empty()) {
    throw Error("merge: no summary files given", ExitCode::usage);
  }
  std::vector<nlohmann::json> summaries;
  summaries.reserve(files.size());
  std::vector<std::filesystem::path> seen;
  for (const auto& file : files) {
    // The same summary twice would count its hits twice (also under another name or a link).
    std::error_code ec;
    const auto canonical = std::filesystem::weakly_canonical(file, ec);
    const auto same = [&](const std::filesystem::path& p) {
      std::error_code eq;
      return p == canonical || std::filesystem::equivalent(p, canonical, eq);
    };
    if (!ec && std::any_of(seen.begin(), seen.end(), same)) {
      throw Error(fmt::format("{}: expected each shard's summary once, found this file twice", file),
                  ExitCode::usage);
    }
    if (!ec) {
      seen.push_back(canonical);
    }
    summaries.push_back(read_json_file(file));
  }
  return merge_summaries(summaries, files);
}

nlohmann::json merged_summary_json(const MergedSummary& merged) {
  nlohmann::json out = summary_to_json(merged.run, merged.config);
  if (merged.seeds.size() > 1) {
    out["seed"] = merged.seeds;
  }
  out["shards"] = merged.shard_count;
  return out;
}

} // namespace tf::report
