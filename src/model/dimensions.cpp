#include "model/dimensions.hpp"

#include "util/random.hpp"

namespace tf::model {
namespace {

constexpr std::uint64_t k_dimension_stream = 3;  // beside generator.cpp's plan (1) and content (2)

}  // namespace

std::vector<DimensionValues> intern_dimensions(const std::vector<config::DimensionSpec>& specs) {
  std::vector<DimensionValues> out;
  for (const auto& spec : specs) {
    DimensionValues d{spec.id, spec.visit_scope, {}};
    for (const auto& value : spec.values) {
      d.values.push_back(Text::intern(value));
    }
    out.push_back(std::move(d));
  }
  return out;
}

void add_dimensions(Visit& visit, const std::vector<DimensionValues>& dimensions, double probability,
                    std::uint64_t seed) {
  if (visit.hits.empty()) {
    return;
  }
  const std::uint64_t visitor_seed = mix_keys(seed, hash_name("visitor-dimensions"));
  Rng actions = Rng::stream(seed, visit.index, k_dimension_stream);
  for (const auto& d : dimensions) {
    if (d.visit_scope) {
      Rng own = Rng::stream(visitor_seed, visit.visitor.key, static_cast<std::uint64_t>(d.id));
      if (own.bernoulli(probability)) {
        visit.hits.front().dimensions.emplace_back(d.id, d.values[own.index(d.values.size())]);
      }
      continue;
    }
    for (auto& hit : visit.hits) {
      if (hit.kind == HitKind::pageview && actions.bernoulli(probability)) {
        hit.dimensions.emplace_back(d.id, d.values[actions.index(d.values.size())]);
      }
    }
  }
}

}  // namespace tf::model
