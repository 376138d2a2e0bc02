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
  bool probe = false;  ///< --probe: ask each target whether it answers
  std::chrono::milliseconds probe_timeout{5000};  ///< --probe-timeout
  /// Without files: the targets to probe, from the environment and flags.
  std::vector<config::TargetSpec> targets;
  std::string user_agent = config::k_tool_user_agent;  ///< USER_AGENT_HEADER for those targets
  bool insecure = false;  ///< INSECURE for those targets
};

/// Exit code: 0 all valid (warnings allowed), 1 any invalid (or a probe failed).
int validate_command(const ValidateOptions& options, std::ostream& out);

/// What the deep probe learnt of one target.
struct ProbeResult {
  bool ok = false;  ///< the site answered as known, and the token (if any) has write access
  std::string site;  ///< "site 1 ok", "site 99 unknown (HTTP 400: …)", "redirect: HTTP 301 to …", …
  std::string token;  ///< "token ok", "token lacks write access (HTTP 400: …)", "no token", "" (not asked)
  std::string tls;  ///< "TLS verified", "TLS not verified (INSECURE)", "no TLS (http)", "TLS failed: …"
  std::chrono::milliseconds latency{0};  ///< of the site request
};

/// The deep probe, recording nothing: a POST of one hit with rec=1, send_image=0 and a bot
/// user agent (Googlebot/2.1), which Matomo answers 400 for an unknown idsite and 204 for a known
/// one, then excludes as a bot; with the target's token, the same hit with cip and token_auth,
/// which Matomo answers 400 when the token lacks write access. A 3xx is a redirect (its Location
/// shown), never followed. A host under example.com/.org/.net or ending in .example, .test or
/// .invalid is a placeholder: refused without resolving it.
/// With the target's network options (trust, client certificate, proxy, pinned addresses; a host
/// pinned by RESOLVE/CONNECT_TO is never a placeholder) and INSECURE's value `insecure`; a TLS
/// failure names why (transfer_error_text).
ProbeResult probe_target(const config::TargetSpec& target, std::chrono::milliseconds timeout,
                         std::string_view user_agent = config::k_tool_user_agent, bool insecure = false);

/// True for a placeholder host (see probe_target); `url` is an http(s) URL.
bool is_placeholder_url(std::string_view url);

}  // namespace tf::app
