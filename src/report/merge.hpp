#pragma once
// Adding up JSON summaries of shards (`trafficinator merge FILE...`).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "metrics/run_metrics.hpp"

namespace tf::report {

struct MergedSummary {
  /// the sum (RunMetrics::merge, in file order); its thresholds are the shards' expressions
  /// judged again on the sum (merged histograms), so a threshold may fail although every shard
  /// passed it (a count) or pass although a small shard failed it (a percentile)
  metrics::RunMetrics run;
  std::vector<std::uint64_t> seeds;  ///< distinct seeds, in file order
  nlohmann::json config;  ///< the first file's "config"
  std::size_t shard_count = 0;  ///< number of summaries merged
  std::vector<std::string> missing_shards;  ///< "K/N" of the shards no summary stands for
};

/// Merges parsed summaries; `sources` names each one for error messages (same size). Throws
/// tf::Error (usage) when they cannot be the shards of one run: different seeds, a different
/// "config_fingerprint" or number of shards, or one "shard" K/N twice. Shards of the run
/// that no summary stands for are listed in missing_shards. Summaries without "shard" (older
/// builds, replay, merge) are not checked for shards.
MergedSummary merge_summaries(const std::vector<nlohmann::json>& summaries, const std::vector<std::string>& sources);

/// Reads and merges summary files. Throws tf::Error naming the file: "FILE: cannot read: ...",
/// "FILE: invalid JSON: ...", or summary_from_json's errors. At least one file is required.
MergedSummary merge_summary_files(const std::vector<std::string>& files);

/// The merged summary JSON: summary_to_json of the sum, with "shards": the number of inputs.
nlohmann::json merged_summary_json(const MergedSummary& merged);

}  // namespace tf::report
