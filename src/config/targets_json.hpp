#pragma once
// Targets JSON (--targets FILE or inline MULTI_TARGET_CONFIG):
// {"targets":[{"name","url","site_id","token_auth"|"token_auth_file","weight","enabled"}],
//  "distribution_strategy":"round-robin|weighted|random|mirror"}.
#include <optional>
#include <string>
#include <string_view>

#include "config/diagnostic.hpp"
#include "config/dotenv.hpp"
#include "config/targets.hpp"

namespace tf::config {

/// Parses and checks a targets document. `source` names it in diagnostics; a relative
/// `token_auth_file` is resolved against `base_dir` (empty: the working directory); `${VAR}` in
/// `token_auth` is looked up with `lookup`. nullopt when any error was reported.
std::optional<TargetsConfig> parse_targets(std::string_view text, const std::string& source, Diagnostics& diags,
                                           const EnvLookup& lookup, const std::string& base_dir = "");

}  // namespace tf::config
