#pragma once
// Load stages (`--stages 30s:10,5m:100,30s:0`): a value type that settings and the engine share.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tf {

/// One stage: a linear ramp from the previous stage's target (0 before the first) to `target`
/// over `seconds` (0: a jump).
struct Stage {
  double seconds = 0;
  double target = 0;  ///< visits per second
};

/// Parses `DURATION:RATE[,DURATION:RATE…]` (durations as `90s`, `5m`, `2h`; RATE visits/s ≥ 0;
/// at least one rate above 0, more than 0s in all). On error returns nullopt and sets `error`
/// to what was expected and found, naming the stage.
std::optional<std::vector<Stage>> parse_stages(std::string_view text, std::string& error);

}  // namespace tf
