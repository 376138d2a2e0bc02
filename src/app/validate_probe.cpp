// The probe of `validate --probe`: one GET of the tracking URL with idsite but without rec=1,
// so Matomo answers and records nothing. libcurl is reached through engine::probe_once.
#include <fmt/format.h>

#include "app/validate_command.hpp"
#include "engine/probe.hpp"

namespace tf::app {

ProbeResult probe_target(const config::TargetSpec& target, std::chrono::milliseconds timeout,
                         std::string_view user_agent, bool insecure) {
  engine::HttpRequest request;
  const char* separator = target.url.find('?') == std::string::npos ? "?" : "&";
  request.url = fmt::format("{}{}idsite={}", target.url, separator, target.site_id);
  request.user_agent = config::header_user_agent(user_agent, config::k_tool_user_agent);  // no visitor
  const auto answer = engine::probe_once(request, timeout, target.network, insecure);
  ProbeResult result;
  result.status = answer.status;
  result.latency = std::chrono::duration_cast<std::chrono::milliseconds>(answer.service_time);
  result.reachable = answer.status > 0 && answer.status < 500;
  if (!result.reachable) {
    result.error = answer.error_text.empty() ? fmt::format("HTTP {}", answer.status) : answer.error_text;
  }
  return result;
}

} // namespace tf::app
