#include "metrics/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace tf::metrics {
namespace {

constexpr std::size_t k_linear = std::size_t{1} << Histogram::k_sub_bucket_bits;  // 128
constexpr std::size_t k_per_octave = k_linear / 2;  // 64
constexpr int k_half_bits = Histogram::k_sub_bucket_bits - 1;  // 6

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) noexcept {
  const std::uint64_t sum = a + b;
  return sum < a ? std::numeric_limits<std::uint64_t>::max() : sum;
}

}  // namespace

std::size_t Histogram::bucket_index(std::uint64_t value) noexcept {
  if (value < k_linear) {
    return static_cast<std::size_t>(value);
  }
  if (value > k_highest_trackable) {
    return k_bucket_count - 1;
  }
  const auto octave = static_cast<int>(std::bit_width(value)) - 1;  // 7..31
  const int shift = octave - k_half_bits;
  const auto sub = static_cast<std::size_t>((value >> shift) & (k_per_octave - 1));
  return k_linear + static_cast<std::size_t>(octave - k_sub_bucket_bits) * k_per_octave + sub;
}

std::uint64_t Histogram::bucket_lower(std::size_t index) noexcept {
  if (index < k_linear) {
    return index;
  }
  const std::size_t offset = index - k_linear;
  const auto octave = static_cast<int>(offset / k_per_octave) + k_sub_bucket_bits;
  const std::uint64_t sub = offset % k_per_octave;
  return (k_per_octave + sub) << (octave - k_half_bits);
}

std::uint64_t Histogram::bucket_upper(std::size_t index) noexcept {
  if (index < k_linear) {
    return index;
  }
  const auto octave = static_cast<int>((index - k_linear) / k_per_octave) + k_sub_bucket_bits;
  return bucket_lower(index) + (std::uint64_t{1} << (octave - k_half_bits)) - 1;
}

void Histogram::record(std::uint64_t value) noexcept {
  ++m_counts[bucket_index(value)];
  ++m_count;
  m_min = std::min(m_min, value);
  m_max = std::max(m_max, value);
  m_sum = saturating_add(m_sum, value);
}

void Histogram::record(std::chrono::microseconds duration) noexcept {
  const auto ticks = duration.count();
  record(ticks < 0 ? std::uint64_t{0} : static_cast<std::uint64_t>(ticks));
}

void Histogram::merge(const Histogram& other) noexcept {
  if (other.m_count == 0) {
    return;
  }
  for (std::size_t i = 0; i < k_bucket_count; ++i) {
    m_counts[i] += other.m_counts[i];
  }
  m_count += other.m_count;
  m_min = std::min(m_min, other.m_min);
  m_max = std::max(m_max, other.m_max);
  m_sum = saturating_add(m_sum, other.m_sum);
}

void Histogram::reset() noexcept { *this = Histogram{}; }

double Histogram::mean() const noexcept {
  return m_count == 0 ? 0.0 : static_cast<double>(m_sum) / static_cast<double>(m_count);
}

std::uint64_t Histogram::percentile(double percent) const noexcept {
  if (m_count == 0) {
    return 0;
  }
  const double wanted = std::clamp(percent, 0.0, 100.0) / 100.0 * static_cast<double>(m_count);
  // The small epsilon keeps 99.9% of 1000 at rank 999 despite binary rounding.
  auto rank = static_cast<std::uint64_t>(std::ceil(wanted - 1e-7));
  rank = std::clamp<std::uint64_t>(rank, 1, m_count);
  if (rank == m_count) {
    return m_max;
  }
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < k_bucket_count; ++i) {
    seen += m_counts[i];
    if (seen >= rank) {
      const std::uint64_t mid = bucket_lower(i) + (bucket_upper(i) - bucket_lower(i)) / 2;
      return std::clamp(mid, min(), m_max);
    }
  }
  return m_max;
}

HistogramData Histogram::data() const {
  HistogramData out;
  for (std::size_t i = 0; i < k_bucket_count; ++i) {
    if (m_counts[i] != 0) {
      out.buckets.emplace_back(static_cast<std::uint32_t>(i), m_counts[i]);
    }
  }
  out.min = min();
  out.max = m_max;
  out.sum = m_sum;
  return out;
}

std::optional<Histogram> Histogram::from_data(const HistogramData& data) {
  Histogram h;
  std::size_t lowest = k_bucket_count;
  std::size_t highest = 0;
  for (const auto& [index, count] : data.buckets) {
    if (index >= k_bucket_count) {
      return std::nullopt;
    }
    if (count != 0) {
      lowest = std::min<std::size_t>(lowest, index);
      highest = std::max<std::size_t>(highest, index);
    }
    h.m_counts[index] += count;
    h.m_count += count;
  }
  if (h.m_count == 0) {
    return h;
  }
  // min and max must lie in the outermost non-empty buckets, or percentiles would lie.
  if (data.min > data.max || bucket_index(data.min) != lowest || bucket_index(data.max) != highest) {
    return std::nullopt;
  }
  h.m_min = data.min;
  h.m_max = data.max;
  h.m_sum = data.sum;
  return h;
}

}  // namespace tf::metrics
