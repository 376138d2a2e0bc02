#include "report/merge.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "metrics/thresholds.hpp"
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
                              "integer or a list of them",
                              source),
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

struct ShardId {
  int index = 0;
  int count = 1;
};

ShardId shard_of(const nlohmann::json& summary, const std::string& source) {
  const auto it = summary.find("shard");
  ShardId id;
  char slash = 0;
  std::istringstream in(it->is_string() ? it->get<std::string>() : std::string());
  if (!(in >> id.index >> slash >> id.count) || slash != '/' || !in.eof() || id.count < 1 || id.index < 0 ||
      id.index >= id.count) {
    throw Error(fmt::format("{}: not a trafficinator summary: \"shard\" must be \"K/N\" with 0 <= K < N, found {}",
                            source, it->dump()),
                ExitCode::usage);
  }
  return id;
}

/// Refuses summaries that cannot be the shards of one run; lists the shards not given.
void check_shards(const std::vector<nlohmann::json>& summaries, const std::vector<std::string>& sources,
                  MergedSummary& merged) {
  std::map<int, std::size_t> seen;  // shard index → summary
  int count = 0;
  std::string fingerprint;
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    const auto& summary = summaries[i];
    const std::string print = summary.value("config_fingerprint", std::string());
    if (i == 0) {
      fingerprint = print;
    } else if (print != fingerprint) {
      throw Error(fmt::format("{}: config_fingerprint {} differs from {} in {}: the shards ran different "
                              "configurations",
                              sources[i], print.empty() ? "(none)" : print,
                              fingerprint.empty() ? "(none)" : fingerprint, sources[0]),
                  ExitCode::usage);
    }
    if (!summary.contains("shard")) {
      continue;
    }
    const ShardId id = shard_of(summary, sources[i]);
    if (count != 0 && id.count != count) {
      throw Error(fmt::format("{}: shard {}/{}, but {} is one of {} shards", sources[i], id.index, id.count,
                              sources[seen.begin()->second], count),
                  ExitCode::usage);
    }
    count = id.count;
    if (const auto it = seen.find(id.index); it != seen.end()) {
      throw Error(fmt::format("{}: shard {}/{} again (also {}): its hits would count twice", sources[i], id.index,
                              id.count, sources[it->second]),
                  ExitCode::usage);
    }
    seen.emplace(id.index, i);
  }
  for (int k = 0; k < count && !seen.empty(); ++k) {
    if (seen.count(k) == 0) {
      merged.missing_shards.push_back(fmt::format("{}/{}", k, count));
    }
  }
}

/// The thresholds the shards were judged by ("thresholds" of each summary, first seen first),
/// judged again on the merged metrics: counts summed, percentiles from the merged histograms,
/// never an average of the shards' verdicts or values.
std::vector<metrics::ThresholdResult> judge_merged(const std::vector<nlohmann::json>& summaries,
                                                   const std::vector<std::string>& sources,
                                                   const metrics::RunMetrics& run) {
  std::vector<std::string> exprs;
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    for (const auto& t : summaries[i].value("thresholds", nlohmann::json::array())) {
      const auto expr = t.is_object() ? t.value("expr", nlohmann::json()) : nlohmann::json();
      if (!expr.is_string()) {
        throw Error(fmt::format("{}: not a trafficinator summary: \"thresholds\" must hold objects with an "
                                "\"expr\" string, found {}",
                                sources.at(i), t.dump()),
                    ExitCode::usage);
      }
      if (std::find(exprs.begin(), exprs.end(), expr.get<std::string>()) == exprs.end()) {
        exprs.push_back(expr.get<std::string>());
      }
    }
  }
  std::vector<metrics::ThresholdResult> results;
  for (const auto& expr : exprs) {
    if (expr == "acked>0") {  // the default verdict's first threshold (app/verdict.cpp)
      const auto acked = run.totals().acked;
      results.push_back({expr, static_cast<double>(acked), acked > 0});
      continue;
    }
    std::string error;
    const auto threshold = metrics::parse_threshold(expr, error);
    if (!threshold) {
      throw Error(fmt::format("{}: not a trafficinator summary: threshold \"{}\": {}", sources.front(), expr, error),
                  ExitCode::usage);
    }
    results.push_back(metrics::evaluate(*threshold, run));
  }
  return results;
}

}  // namespace

MergedSummary merge_summaries(const std::vector<nlohmann::json>& summaries, const std::vector<std::string>& sources) {
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
  if (merged.seeds.size() > 1) {
    throw Error(fmt::format("the summaries ran with different seeds ({}): they are not shards of one run",
                            fmt::join(merged.seeds, ", ")),
                ExitCode::usage);
  }
  check_shards(summaries, sources, merged);
  merged.shard_count = summaries.size();
  merged.run.thresholds = judge_merged(summaries, sources, merged.run);
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
      throw Error(fmt::format("{}: expected each shard's summary once, found this file twice", file), ExitCode::usage);
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
  out["shards"] = merged.shard_count;
  return out;
}

}  // namespace tf::report
