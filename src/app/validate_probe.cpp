// The deep probe of `validate --probe`: one bot hit per question, which Matomo answers (known
// site, token with write access) and then excludes as a bot, so nothing is recorded. libcurl is
// reached through engine::probe.
#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "app/validate_command.hpp"
#include "engine/probe.hpp"
#include "matomo/wire.hpp"

namespace tf::app {
namespace {

/// A user agent every Matomo excludes as a bot (Device Detector's Googlebot).
constexpr const char* k_bot_user_agent = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
/// The visitor IP of the token question: TEST-NET-3 (RFC 5737), never a real visitor.
constexpr const char* k_probe_ip = "203.0.113.7";
constexpr std::size_t k_reason_cap = 120;

std::string lower_host(std::string_view url) {
  const auto scheme = url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    rest.remove_prefix(at + 1);
  }
  if (!rest.empty() && rest.front() == '[') {
    rest = rest.substr(0, rest.find(']') + 1);
  } else {
    rest = rest.substr(0, rest.find(':'));
  }
  std::string host(rest);
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  while (!host.empty() && host.back() == '.') {
    host.pop_back();
  }
  return host;
}

bool under(const std::string& host, std::string_view domain) {
  return host == domain ||
    (host.size() > domain.size() && host.ends_with(domain) && host[host.size() - domain.size() - 1] == '.');
}

/// The first line of an answer body, cut short: the reason Matomo (or a proxy) gave.
std::string reason_of(const engine::AttemptResult& r) {
  std::string line = r.body.substr(0, r.body.find('\n'));
  line.erase(std::remove_if(line.begin(), line.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }),
             line.end());
  if (line.size() > k_reason_cap) {
    line = line.substr(0, k_reason_cap) + "…";
  }
  return line.empty() ? fmt::format("HTTP {}", r.status) : fmt::format("HTTP {}: {}", r.status, line);
}

engine::HttpRequest bot_hit(const config::TargetSpec& target, std::string_view user_agent, bool with_token) {
  matomo::Params params = {{"idsite", std::to_string(target.site_id)},
                           {"rec", "1"},
                           {"send_image", "0"},
                           {"ua", k_bot_user_agent},
                           {"action_name", "trafficinator probe"}};
  if (with_token) {
    params.emplace_back("cip", k_probe_ip);
    params.emplace_back("token_auth", target.token_auth);
  }
  engine::HttpRequest request;
  request.url = target.url;
  request.post = true;  // the token travels in the body, never in the URL
  request.content_type = "application/x-www-form-urlencoded";
  request.body = matomo::query_string(params);
  request.user_agent = config::header_user_agent(user_agent, config::k_tool_user_agent);  // no visitor
  return request;
}

std::string tls_of(const config::TargetSpec& target, const engine::AttemptResult& r) {
  if (target.url.rfind("https://", 0) != 0) {
    return "no TLS (http)";
  }
  if (r.error == engine::ErrorKind::tls) {
    return fmt::format("TLS failed: {}", r.error_text);
  }
  return r.status > 0 ? "TLS verified" : "TLS not reached";
}

/// The site question's verdict; true when the site is known.
bool judge_site(const config::TargetSpec& target, const engine::ProbeAnswer& answer, ProbeResult& out) {
  const auto& r = answer.result;
  if (r.status == 0) {
    out.site = fmt::format("unreachable: {}", r.error_text);
  } else if (r.status >= 300 && r.status < 400) {
    out.site =
      fmt::format("redirect: HTTP {} to {}", r.status, answer.location.empty() ? "(no Location)" : answer.location);
  } else if (r.status >= 200 && r.status < 300) {
    out.site = fmt::format("site {} ok", target.site_id);
    return true;
  } else if (r.status == 400) {
    out.site = fmt::format("site {} unknown ({})", target.site_id, reason_of(r));
  } else {
    out.site = fmt::format("site {} not confirmed ({})", target.site_id, reason_of(r));
  }
  return false;
}

}  // namespace

bool is_placeholder_url(std::string_view url) {
  const std::string host = lower_host(url);
  constexpr std::array<std::string_view, 6> k_placeholders = {"example.com", "example.org", "example.net",
                                                              "example",     "test",        "invalid"};
  return std::any_of(k_placeholders.begin(), k_placeholders.end(), [&](std::string_view d) { return under(host, d); });
}

ProbeResult probe_target(const config::TargetSpec& target, std::chrono::milliseconds timeout,
                         std::string_view user_agent, bool insecure) {
  ProbeResult result;
  // A host pinned by RESOLVE/CONNECT_TO is not looked up in DNS: no placeholder to refuse.
  const bool pinned = !target.network.resolve.empty() || !target.network.connect_to.empty();
  if (!pinned && is_placeholder_url(target.url)) {
    result.site = fmt::format("placeholder host {} (example.com, .example, .test and the like are placeholders; "
                              "give the real MATOMO_URL), not resolved",
                              lower_host(target.url));
    return result;
  }
  const engine::ProbeOptions options{timeout, insecure, target.network};
  const auto site = engine::probe(bot_hit(target, user_agent, false), options);
  result.latency = std::chrono::duration_cast<std::chrono::milliseconds>(site.result.service_time);
  result.tls = tls_of(target, site.result);
  if (!judge_site(target, site, result)) {
    return result;
  }
  if (target.token_auth.empty()) {
    result.token = "no token (cip and backfill need one)";
    result.ok = true;
    return result;
  }
  const auto token = engine::probe(bot_hit(target, user_agent, true), options).result;
  if (token.status >= 200 && token.status < 300) {
    result.token = "token ok";
    result.ok = true;
  } else if (token.status == 0) {
    result.token = fmt::format("token not checked: {}", token.error_text);
  } else {
    result.token = fmt::format("token lacks write access to site {} ({})", target.site_id, reason_of(token));
  }
  return result;
}

}  // namespace tf::app
