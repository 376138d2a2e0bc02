#include "metrics/le_buckets.hpp"

namespace tf::metrics {

LeCounts le_bucket_counts(const Histogram& histogram) {
  LeCounts counts{};
  for (const auto& [index, count] : histogram.data().buckets) {
    const std::uint64_t upper = Histogram::bucket_upper(index);
    std::size_t slot = 0;
    while (slot < k_latency_le_us.size() && upper > k_latency_le_us[slot]) {
      ++slot;
    }
    counts[slot] += count;
  }
  return counts;
}

LeCounts cumulative_le_counts(const Histogram& histogram) {
  LeCounts counts = le_bucket_counts(histogram);
  for (std::size_t i = 1; i < counts.size(); ++i) {
    counts[i] += counts[i - 1];
  }
  return counts;
}

}  // namespace tf::metrics
