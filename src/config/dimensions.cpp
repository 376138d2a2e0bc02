#include "config/dimensions.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "util/units.hpp"

namespace tf::config {
namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (;;) {
    const auto at = text.find(separator);
    parts.push_back(trim(text.substr(0, at)));
    if (at == std::string_view::npos) {
      return parts;
    }
    text.remove_prefix(at + 1);
  }
}

/// "" when `entry` is ID:SCOPE:VALUE|…, else what was expected; fills `out`.
std::string parse_entry(std::string_view entry, DimensionSpec& out) {
  const auto first = entry.find(':');
  const auto second = first == std::string_view::npos ? first : entry.find(':', first + 1);
  if (second == std::string_view::npos) {
    return fmt::format("expected ID:SCOPE:VALUE|VALUE… (e.g. 1:visit:guest|member), found \"{}\"", entry);
  }
  const std::string_view id = trim(entry.substr(0, first));
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), out.id);
  if (ec != std::errc{} || end != id.data() + id.size() || out.id < 1 || out.id > k_max_dimension_id) {
    return fmt::format("expected a dimension id from 1 to {}, found \"{}\"", k_max_dimension_id, id);
  }
  const std::string_view scope = trim(entry.substr(first + 1, second - first - 1));
  if (scope != "visit" && scope != "action") {
    return fmt::format("expected the scope of dimension {} to be visit or action, found \"{}\"", out.id, scope);
  }
  out.visit_scope = scope == "visit";
  for (const auto value : split(entry.substr(second + 1), '|')) {
    if (value.empty() || value.size() > k_max_dimension_value) {
      return fmt::format("expected values of dimension {} of 1 to {} bytes, found \"{}\"", out.id,
                         k_max_dimension_value, value.substr(0, 40));
    }
    out.values.emplace_back(value);
  }
  return "";
}

}  // namespace

std::vector<DimensionSpec> parse_dimensions(std::string_view text, std::string& problem) {
  std::vector<DimensionSpec> specs;
  if (trim(text).empty()) {
    return specs;
  }
  for (const auto entry : split(text, ';')) {
    if (entry.empty()) {
      continue;  // a trailing ';'
    }
    DimensionSpec spec;
    problem = parse_entry(entry, spec);
    if (!problem.empty()) {
      return specs;
    }
    if (std::any_of(specs.begin(), specs.end(), [&](const DimensionSpec& s) { return s.id == spec.id; })) {
      problem = fmt::format("expected each dimension id once, found {} twice", spec.id);
      return specs;
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

}  // namespace tf::config
