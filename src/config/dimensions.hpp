#pragma once
// Custom dimensions (Matomo's dimensionN parameters) as configured by CUSTOM_DIMENSIONS:
// entries separated by ';', each ID:SCOPE:VALUE|VALUE|…, e.g.
//   1:visit:guest|member|vip;2:action:News|Reviews|Guides
// ID is Matomo's dimension id (1 to 999, each once), SCOPE is visit or action (as the dimension
// was created in Matomo), the values are what a visit or an action may carry.
#include <string>
#include <string_view>
#include <vector>

namespace tf::config {

/// Matomo stores at most this many bytes of a dimension value (the strict mock's BAD_DIMENSION).
inline constexpr std::size_t k_max_dimension_value = 250;
inline constexpr int k_max_dimension_id = 999;

struct DimensionSpec {
  int id = 0;  ///< sent as dimension<id>
  bool visit_scope = false;  ///< visit scope: one value per visitor; else per page view
  std::vector<std::string> values;  ///< not empty, each non-empty and ≤ 250 bytes
};

/// Parses a CUSTOM_DIMENSIONS value ("" = none). On the first bad entry `problem` is set to
/// "expected …, found …" and what was parsed so far is returned.
std::vector<DimensionSpec> parse_dimensions(std::string_view text, std::string& problem);

}  // namespace tf::config
