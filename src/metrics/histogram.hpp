#pragma once
// A log-linear histogram of non-negative integer values (microseconds by convention), in the
// manner of HdrHistogram: values below 128 have exact buckets; every power of two above that is
// split into 64 equal buckets, so a bucket is at most 1/64 of its values wide and a reported
// percentile (the bucket's midpoint) is within 1/128 (< 1%) of the true value. Memory is fixed
// (k_bucket_count counters), recording never allocates, and histograms merge exactly.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace tf::metrics {

/// The plain content of a histogram, for serialisation (JSON summary) and restoring (merge).
struct HistogramData {
  std::vector<std::pair<std::uint32_t, std::uint64_t>> buckets;  ///< (bucket index, count), non-zero only
  std::uint64_t min = 0;  ///< smallest recorded value (0 when empty)
  std::uint64_t max = 0;  ///< largest recorded value (0 when empty)
  std::uint64_t sum = 0;  ///< sum of recorded values (saturating)
};

class Histogram {
public:
  /// log2 of the exact linear range; also one more than log2 of the sub-buckets per octave.
  static constexpr int k_sub_bucket_bits = 7;
  /// Largest value with its own bucket: about 71.6 minutes in microseconds. Larger values are
  /// counted in the last bucket (min/max stay exact).
  static constexpr std::uint64_t k_highest_trackable = (std::uint64_t{1} << 32) - 1;
  static constexpr std::size_t k_bucket_count =
    (std::size_t{1} << k_sub_bucket_bits) + (32 - k_sub_bucket_bits) * (std::size_t{1} << (k_sub_bucket_bits - 1));

  /// Counts one value (microseconds).
  void record(std::uint64_t value) noexcept;
  /// Counts one duration; negative durations count as 0.
  void record(std::chrono::microseconds duration) noexcept;
  /// Adds every count of `other` to this histogram.
  void merge(const Histogram& other) noexcept;
  void reset() noexcept;

  std::uint64_t count() const noexcept { return m_count; }
  bool empty() const noexcept { return m_count == 0; }
  /// Exact smallest value recorded; 0 when empty.
  std::uint64_t min() const noexcept { return m_count == 0 ? 0 : m_min; }
  /// Exact largest value recorded; 0 when empty.
  std::uint64_t max() const noexcept { return m_max; }
  /// Sum of the recorded values (saturates at the uint64 maximum).
  std::uint64_t sum() const noexcept { return m_sum; }
  /// Arithmetic mean; 0 when empty.
  double mean() const noexcept;
  /// The value at `percent` (0..100, e.g. 99.9) by nearest rank: the midpoint of the bucket
  /// holding that rank, clamped to [min(), max()]. 0 when empty; percentile(100) == max().
  std::uint64_t percentile(double percent) const noexcept;

  /// Non-zero buckets plus min/max/sum.
  HistogramData data() const;
  /// Rebuilds a histogram from data(); nullopt if an index is out of range or min > max.
  static std::optional<Histogram> from_data(const HistogramData& data);

  /// The bucket that counts `value`.
  static std::size_t bucket_index(std::uint64_t value) noexcept;
  /// Smallest value counted by bucket `index`.
  static std::uint64_t bucket_lower(std::size_t index) noexcept;
  /// Largest value counted by bucket `index`.
  static std::uint64_t bucket_upper(std::size_t index) noexcept;

private:
  std::array<std::uint64_t, k_bucket_count> m_counts{};
  std::uint64_t m_count = 0;
  std::uint64_t m_min = ~std::uint64_t{0};
  std::uint64_t m_max = 0;
  std::uint64_t m_sum = 0;
};

}  // namespace tf::metrics
