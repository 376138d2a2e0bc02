#include "util/stages.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/units.hpp"

namespace tf {

namespace {
constexpr double k_max_stage_rate = 1e6;  ///< visits/s: far above what one process sends
}  // namespace

std::optional<std::vector<Stage>> parse_stages(std::string_view text, std::string& error) {
  std::vector<Stage> stages;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const std::size_t comma = std::min(text.find(',', begin), text.size());
    const std::string_view item = trim(text.substr(begin, comma - begin));
    const std::size_t n = stages.size() + 1;
    const std::size_t colon = item.find(':');
    if (colon == std::string_view::npos) {
      error = fmt::format("stage {}: expected DURATION:RATE (e.g. 30s:10), found \"{}\"", n, item);
      return std::nullopt;
    }
    const auto duration = parse_duration(item.substr(0, colon));
    if (!duration) {
      error =
        fmt::format("stage {}: expected a duration (30s, 5m, 2h) before ':', found \"{}\"", n, item.substr(0, colon));
      return std::nullopt;
    }
    const auto rate = parse_double(trim(item.substr(colon + 1)));
    if (!rate || *rate < 0 || *rate > k_max_stage_rate) {
      error = fmt::format("stage {}: expected a rate in visits/s from 0 to {:g} after ':', found \"{}\"", n,
                          k_max_stage_rate, item.substr(colon + 1));
      return std::nullopt;
    }
    stages.push_back(Stage{static_cast<double>(duration->count()) / 1000.0, *rate});
    begin = comma + 1;
  }
  double total = 0, peak = 0;
  for (const auto& s : stages) {
    total += s.seconds;
    peak = std::max(peak, s.target);
  }
  if (total <= 0) {
    error = fmt::format("expected stages lasting more than 0s in all, found \"{}\"", text);
    return std::nullopt;
  }
  if (peak <= 0) {
    error = fmt::format("expected a stage with a rate above 0, found \"{}\"", text);
    return std::nullopt;
  }
  return stages;
}

}  // namespace tf
