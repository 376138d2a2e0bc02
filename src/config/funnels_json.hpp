#pragma once
// funnels.json (the predecessor's schema, reference/predecessor.md §2.8, plus a `goal` step):
// a JSON array of funnels, each with steps whose required fields depend on the step type.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.hpp"
#include "config/funnels.hpp"

namespace tf::config {

/// Parses and checks a funnels document; nullopt when any error was reported.
std::optional<std::vector<Funnel>> parse_funnels(std::string_view text, const std::string& source, Diagnostics& diags);

/// Reads `path`; throws tf::Error (usage) listing every problem when it is not valid.
std::vector<Funnel> load_funnels(const std::string& path);

const char* to_string(StepType type);

}  // namespace tf::config
