#pragma once
// The distribution strategies (targets JSON "distribution_strategy"): the enum, its names, its
// parse. Routing owns them; the one table below is the only list of names (parse, to_string and
// every error message come from it). A leaf header (standard headers only, constexpr) so that
// config can name a strategy while reading a targets file without depending on the router.
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace tf::routing {

/// round-robin, weighted and random choose one target per visitor; mirror sends to all.
enum class Strategy { round_robin, weighted, random, mirror };

struct StrategyName {
  Strategy strategy;
  std::string_view name;  ///< as written in a targets file
};

/// Every strategy once, in documentation order (the first is the default).
inline constexpr std::array<StrategyName, 4> k_strategy_names{{
  {Strategy::round_robin, "round-robin"},
  {Strategy::weighted, "weighted"},
  {Strategy::random, "random"},
  {Strategy::mirror, "mirror"},
}};

/// The name of `strategy` as written in a targets file.
constexpr std::string_view to_string(Strategy strategy) {
  for (const auto& entry : k_strategy_names) {
    if (entry.strategy == strategy) {
      return entry.name;
    }
  }
  return k_strategy_names.front().name;
}

/// The strategy of that exact name; nullopt when unknown.
constexpr std::optional<Strategy> parse_strategy(std::string_view name) {
  for (const auto& entry : k_strategy_names) {
    if (entry.name == name) {
      return entry.strategy;
    }
  }
  return std::nullopt;
}

/// Every name, joined by `separator`: "round-robin|weighted|random|mirror".
inline std::string strategy_names(std::string_view separator = "|") {
  std::string out;
  for (const auto& entry : k_strategy_names) {
    if (!out.empty()) {
      out += separator;
    }
    out += entry.name;
  }
  return out;
}

}  // namespace tf::routing
