#pragma once
// `trafficinator validate FILE...`: checks .env files, targets JSON, funnels JSON and URL
// catalogues (told apart by content), printing every problem and a verdict per file.
#include <chrono>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "config/settings.hpp"
#include "config/targets.hpp"

namespace tf::app {

enum class FileKind { env, targets, funnels, catalogue };

/// Guesses what `text` is: '{' first → targets JSON, '[' → funnels JSON, a first entry that
/// starts with http(s):// → URL catalogue, anything else → .env.
FileKind detect_kind(std::string_view text);
const char* to_string(FileKind kind);

struct ValidateOptions {
  std::vector<std::string> files;
  bool probe = false;                              ///< --probe: ask each target whether it answers
  std::chrono::milliseconds probe_timeout{5000};   ///< --probe-timeout
};

/// Exit code: 0 all valid (warnings allowed), 1 any invalid (or a probe failed).
int validate_command(const ValidateOptions& options, std::ostream& out);

struct ProbeResult {
  bool reachable = false;
  int status = 0;                 ///< HTTP status, 0 when no answer
  std::chrono::milliseconds latency{0};
  std::string error;              ///< why not reachable
};

/// GETs the tracking URL with idsite but without rec=1 (Matomo records nothing).
/// http:// and https:// (TLS verified).
/// With USER_AGENT_HEADER's value `user_agent` (config::header_user_agent; the probe has no visitor).
/// With the target's network options (trust, client certificate, proxy, pinned addresses) and
/// INSECURE's value `insecure`; a TLS failure's error names why (transfer_error_text).
ProbeResult probe_target(const config::TargetSpec& target, std::chrono::milliseconds timeout,
                         std::string_view user_agent = config::k_tool_user_agent, bool insecure = false);

} // namespace tf::app
