#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "metrics/histogram.hpp"
#include "util/random.hpp"

using tf::metrics::Histogram;
using namespace std::chrono_literals;

namespace {

/// Nearest-rank percentile of a sorted sample: the reference the histogram must match.
std::uint64_t exact_percentile(const std::vector<std::uint64_t>& sorted, double percent) {
  auto rank = static_cast<std::size_t>(std::ceil(percent / 100.0 * static_cast<double>(sorted.size()) - 1e-7));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

void check_within_one_percent(std::vector<std::uint64_t> values) {
  Histogram h;
  for (auto v : values) {
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (double p : {1.0, 10.0, 50.0, 90.0, 99.0, 99.9}) {
    const auto exact = static_cast<double>(exact_percentile(values, p));
    const auto got = static_cast<double>(h.percentile(p));
    INFO("p" << p << " exact " << exact << " got " << got);
    CHECK(std::abs(got - exact) <= exact * 0.01);
  }
  CHECK(h.min() == values.front());
  CHECK(h.max() == values.back());
  CHECK(h.percentile(100) == values.back());
  CHECK(h.count() == values.size());
}

}  // namespace

TEST_CASE("an empty histogram reports zeros", "[metrics]") {
  const Histogram h;
  CHECK(h.empty());
  CHECK(h.count() == 0);
  CHECK(h.min() == 0);
  CHECK(h.max() == 0);
  CHECK(h.percentile(50) == 0);
  CHECK(h.mean() == 0.0);
}

TEST_CASE("small values have exact buckets", "[metrics]") {
  Histogram h;
  for (std::uint64_t v = 0; v < 100; ++v) {
    h.record(v);
  }
  CHECK(h.percentile(50) == 49);
  CHECK(h.percentile(90) == 89);
  CHECK(h.percentile(0) == 0);
  CHECK(h.mean() == 49.5);
}

TEST_CASE("buckets tile the value range without gaps and stay under 1/64 wide", "[metrics]") {
  CHECK(Histogram::bucket_lower(0) == 0);
  for (std::size_t i = 1; i < Histogram::k_bucket_count; ++i) {
    INFO("bucket " << i);
    REQUIRE(Histogram::bucket_lower(i) == Histogram::bucket_upper(i - 1) + 1);
    const auto width = Histogram::bucket_upper(i) - Histogram::bucket_lower(i) + 1;
    REQUIRE(width * 64 <= std::max<std::uint64_t>(Histogram::bucket_lower(i), 64));
    REQUIRE(Histogram::bucket_index(Histogram::bucket_lower(i)) == i);
    REQUIRE(Histogram::bucket_index(Histogram::bucket_upper(i)) == i);
  }
  CHECK(Histogram::bucket_upper(Histogram::k_bucket_count - 1) == Histogram::k_highest_trackable);
}

TEST_CASE("values beyond the trackable range land in the last bucket with an exact max", "[metrics]") {
  Histogram h;
  const std::uint64_t huge = Histogram::k_highest_trackable * 4;
  h.record(huge);
  h.record(std::chrono::microseconds{-5});
  CHECK(Histogram::bucket_index(huge) == Histogram::k_bucket_count - 1);
  CHECK(h.max() == huge);
  CHECK(h.min() == 0);
  CHECK(h.percentile(100) == huge);
}

TEST_CASE("percentiles of a uniform distribution are within 1%", "[metrics]") {
  std::vector<std::uint64_t> values;
  for (std::uint64_t v = 1; v <= 200'000; ++v) {
    values.push_back(v * 7);
  }
  check_within_one_percent(values);
}

TEST_CASE("percentiles of an exponential distribution are within 1%", "[metrics]") {
  auto rng = tf::Rng::stream(42, 1);
  std::vector<std::uint64_t> values;
  for (int i = 0; i < 100'000; ++i) {
    values.push_back(static_cast<std::uint64_t>(rng.exponential(1.0 / 20'000.0)) + 1);
  }
  check_within_one_percent(values);
}

TEST_CASE("percentiles of a log-normal latency distribution are within 1%", "[metrics]") {
  auto rng = tf::Rng::stream(42, 2);
  std::vector<std::uint64_t> values;
  for (int i = 0; i < 100'000; ++i) {
    // Box-Muller normal, then exp: median about 8 ms, long tail to seconds.
    const double u1 = 1.0 - rng.uniform();
    const double u2 = rng.uniform();
    const double normal = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.141592653589793 * u2);
    values.push_back(static_cast<std::uint64_t>(std::exp(9.0 + 1.2 * normal)));
  }
  check_within_one_percent(values);
}

TEST_CASE("merging histograms equals recording everything into one", "[metrics]") {
  auto rng = tf::Rng::stream(7, 3);
  Histogram a;
  Histogram b;
  Histogram all;
  for (int i = 0; i < 20'000; ++i) {
    const auto v = static_cast<std::uint64_t>(rng.uniform_int(1, 5'000'000));
    (i % 3 == 0 ? a : b).record(v);
    all.record(v);
  }
  a.merge(b);
  CHECK(a.count() == all.count());
  CHECK(a.min() == all.min());
  CHECK(a.max() == all.max());
  CHECK(a.sum() == all.sum());
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    CHECK(a.percentile(p) == all.percentile(p));
  }
}

TEST_CASE("a histogram survives a round trip through its data", "[metrics]") {
  Histogram h;
  for (std::uint64_t v : {3u, 150u, 150u, 9'000u, 1'234'567u}) {
    h.record(v);
  }
  const auto restored = Histogram::from_data(h.data());
  REQUIRE(restored);
  CHECK(restored->count() == 5);
  CHECK(restored->min() == 3);
  CHECK(restored->max() == 1'234'567);
  CHECK(restored->sum() == h.sum());
  CHECK(restored->percentile(50) == h.percentile(50));
  CHECK(h.data().buckets.size() == 4);
}

TEST_CASE("histogram data with a bad index or inconsistent extremes is rejected", "[metrics]") {
  tf::metrics::HistogramData bad_index;
  bad_index.buckets = {{static_cast<std::uint32_t>(Histogram::k_bucket_count), 1}};
  CHECK_FALSE(Histogram::from_data(bad_index));

  tf::metrics::HistogramData bad_max;
  bad_max.buckets = {{10, 1}};
  bad_max.min = 10;
  bad_max.max = 5'000;
  CHECK_FALSE(Histogram::from_data(bad_max));
}
