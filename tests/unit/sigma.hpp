#pragma once
// Shared by the statistical unit tests: is a count within 4 sigma of its binomial expectation?
#include <cmath>
#include <cstddef>

namespace tf::testing {

/// `observed` successes of `n` trials at probability `p`, within 4 standard deviations.
inline bool within_4_sigma(std::size_t observed, std::size_t n, double p) {
  const double mean = static_cast<double>(n) * p;
  const double sigma = std::sqrt(static_cast<double>(n) * p * (1 - p));
  return std::abs(static_cast<double>(observed) - mean) <= 4 * sigma + 1e-9;
}

}  // namespace tf::testing
