#pragma once
// A small log-linear histogram of non-negative integer values (µs in the engine): exact below 32,
// then 32 sub-buckets per power of two (≤ 3.2% relative error), clamped at 2^40. Fixed memory,
// mergeable.
#include <array>
#include <cstddef>
#include <cstdint>

namespace tf::engine {

class Histogram {
public:
  static constexpr int k_sub_bits = 5;
  static constexpr std::size_t k_sub = std::size_t{1} << k_sub_bits;
  static constexpr int k_max_exponent = 40;
  static constexpr std::size_t k_buckets = k_sub + (k_max_exponent - k_sub_bits + 1) * k_sub;

  void record(std::int64_t value) noexcept;
  void merge(const Histogram& other) noexcept;
  std::uint64_t count() const noexcept { return m_count; }
  std::int64_t max() const noexcept { return m_max; }
  /// The value at quantile q in [0, 1] (upper edge of its bucket, never above max); 0 when empty.
  std::int64_t percentile(double q) const noexcept;

  static std::size_t bucket_of(std::int64_t value) noexcept;
  /// The smallest value that falls in bucket i.
  static std::int64_t bucket_lower(std::size_t i) noexcept;
  std::uint64_t bucket_count(std::size_t i) const noexcept { return m_counts[i]; }

private:
  std::array<std::uint64_t, k_buckets> m_counts{};
  std::uint64_t m_count = 0;
  std::int64_t m_max = 0;
};

} // namespace tf::engine
