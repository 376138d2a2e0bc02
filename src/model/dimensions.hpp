#pragma once
// Custom dimensions on generated visits (CUSTOM_DIMENSIONS, CUSTOM_DIMENSION_PROBABILITY).
//
// Contract
// - A visit-scope dimension belongs to the visitor: with the probability the visitor has a
//   value, drawn from a stream of (seed, visitor, dimension id), so a returning visitor keeps
//   it; it rides on the first hit of each of the visitor's visits.
// - An action-scope dimension: each page view (product pages included) carries a value with
//   the probability, drawn from the visit's own dimension stream (seed, i).
// - Neither draws from the visit's plan or content streams: configuring dimensions changes no
//   other parameter of any hit.
#include <cstdint>
#include <vector>

#include "config/dimensions.hpp"
#include "model/visit.hpp"

namespace tf::model {

struct DimensionValues {
  int id = 0;
  bool visit_scope = false;
  std::vector<Text> values;  ///< interned
};

/// The configured dimensions with their values interned (hits share them).
std::vector<DimensionValues> intern_dimensions(const std::vector<config::DimensionSpec>& specs);

/// Sets Hit::dimensions on `visit`'s hits as the contract says.
void add_dimensions(Visit& visit, const std::vector<DimensionValues>& dimensions, double probability,
                    std::uint64_t seed);

}  // namespace tf::model
