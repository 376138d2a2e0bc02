#pragma once
// Fixed latency buckets ("le" upper bounds), shared by the Prometheus histograms, the summary's
// time series and the HTML report, so that counts add up exactly across shards and pods
// (`sum by (le)`). A value is counted at `le` when the upper bound of its Histogram bucket is
// ≤ le: at most 1/64 of the value late, never early.
#include <array>
#include <cstddef>
#include <cstdint>

#include "metrics/histogram.hpp"

namespace tf::metrics {

/// microseconds: the finite bucket bounds, 1 ms … 10 s; a last bucket (+Inf) follows them.
inline constexpr std::array<std::uint64_t, 13> k_latency_le_us = {
  1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000};
/// Number of buckets including +Inf.
inline constexpr std::size_t k_le_bucket_count = k_latency_le_us.size() + 1;

using LeCounts = std::array<std::uint64_t, k_le_bucket_count>;

/// Cumulative counts: [i] = values at or below k_latency_le_us[i]; the last is count().
LeCounts cumulative_le_counts(const Histogram& histogram);
/// Per-bucket (non-cumulative) counts: [i] = values in (le[i-1], le[i]]; the last is > 10 s.
LeCounts le_bucket_counts(const Histogram& histogram);

}  // namespace tf::metrics
