#include "engine/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace tf::engine {

std::size_t Histogram::bucket_of(std::int64_t value) noexcept {
  if (value < static_cast<std::int64_t>(k_sub)) {
    return value < 0 ? 0 : static_cast<std::size_t>(value);
  }
  auto v = static_cast<std::uint64_t>(value);
  const int exponent = static_cast<int>(std::bit_width(v)) - 1;
  if (exponent > k_max_exponent) {
    return k_buckets - 1;
  }
  const std::uint64_t sub = (v >> (exponent - k_sub_bits)) - k_sub;
  return k_sub + static_cast<std::size_t>(exponent - k_sub_bits) * k_sub + static_cast<std::size_t>(sub);
}

std::int64_t Histogram::bucket_lower(std::size_t i) noexcept {
  if (i < k_sub) {
    return static_cast<std::int64_t>(i);
  }
  const std::size_t exponent = (i - k_sub) / k_sub + k_sub_bits;
  const std::size_t sub = (i - k_sub) % k_sub + k_sub;
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(sub) << (exponent - k_sub_bits));
}

void Histogram::record(std::int64_t value) noexcept {
  value = std::max<std::int64_t>(value, 0);
  ++m_counts[bucket_of(value)];
  ++m_count;
  m_max = std::max(m_max, value);
}

void Histogram::merge(const Histogram& other) noexcept {
  for (std::size_t i = 0; i < k_buckets; ++i) {
    m_counts[i] += other.m_counts[i];
  }
  m_count += other.m_count;
  m_max = std::max(m_max, other.m_max);
}

std::int64_t Histogram::percentile(double q) const noexcept {
  if (m_count == 0) {
    return 0;
  }
  q = std::clamp(q, 0.0, 1.0);
  const auto rank = std::max<std::uint64_t>(
    1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(m_count))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < k_buckets; ++i) {
    seen += m_counts[i];
    if (seen >= rank) {
      const std::int64_t upper = i + 1 < k_buckets ? bucket_lower(i + 1) - 1 : m_max;
      return std::min(upper, m_max);
    }
  }
  return m_max;
}

} // namespace tf::engine
