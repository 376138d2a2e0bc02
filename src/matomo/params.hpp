#pragma once
// A hit on the wire: an ordered list of Matomo tracking parameters. This module is the only
// place that knows parameter names and encodings.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tf::matomo {

using Param = std::pair<std::string, std::string>;
using Params = std::vector<Param>;

/// The value of the first parameter named `name`, if any.
std::optional<std::string_view> find(const Params& params, std::string_view name);

}  // namespace tf::matomo
