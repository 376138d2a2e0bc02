#include "config/url.hpp"

#include <algorithm>
#include <cctype>

namespace tf::config {

bool is_http_url(std::string_view url) {
  std::string_view rest;
  if (url.substr(0, 7) == "http://") {
    rest = url.substr(7);
  } else if (url.substr(0, 8) == "https://") {
    rest = url.substr(8);
  } else {
    return false;
  }
  if (std::any_of(url.begin(), url.end(), [](char c) {
        return std::isspace(static_cast<unsigned char>(c)) != 0 || static_cast<unsigned char>(c) < 0x20;
      })) {
    return false;
  }
  const auto host_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, host_end);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  if (authority.empty() || authority.front() == ':') {
    return false;
  }
  return true;
}

std::optional<std::string> tracking_endpoint(std::string_view url) {
  if (!is_http_url(url)) {
    return std::nullopt;
  }
  // The path ends at the first '?' or '#' after "scheme://".
  const auto scheme_end = url.find("://") + 3;
  const auto suffix_at = std::min(url.find_first_of("?#", scheme_end), url.size());
  const std::string query_and_fragment(url.substr(suffix_at));
  std::string out(url.substr(0, suffix_at));
  const auto ends_with = [&](std::string_view suffix) {
    return out.size() >= suffix.size() && out.compare(out.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with("/matomo.php") || ends_with("/piwik.php")) {
    return out + query_and_fragment;
  }
  while (!out.empty() && out.back() == '/') {
    out.pop_back();
  }
  return out + "/matomo.php" + query_and_fragment;
}

bool has_token_in_query(std::string_view url) {
  const auto query_at = url.find('?');
  if (query_at == std::string_view::npos) {
    return false;
  }
  std::string_view query = url.substr(query_at + 1);
  query = query.substr(0, query.find('#'));
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    if (pair.substr(0, pair.find('=')) == "token_auth") {
      return true;
    }
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
  }
  return false;
}

namespace {

/// "token_auth=VALUE" in a query becomes "token_auth=***".
std::string redact_query_token(std::string url) {
  for (auto at = url.find("token_auth="); at != std::string::npos; at = url.find("token_auth=", at + 1)) {
    if (at == 0 || (url[at - 1] != '?' && url[at - 1] != '&')) {
      continue;
    }
    const auto value_at = at + 11;
    const auto value_end = std::min(url.find_first_of("&#", value_at), url.size());
    url.replace(value_at, value_end - value_at, "***");
  }
  return url;
}

}  // namespace

std::string redact_url(std::string_view text) {
  const std::string redacted = redact_query_token(std::string(text));
  const std::string_view url = redacted;
  // Without a scheme (a proxy written "user:password@host:3128") the authority comes first.
  const auto scheme_end = url.find("://");
  const auto authority_at = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  const auto authority_end = std::min(url.find_first_of("/?#", authority_at), url.size());
  const std::string_view authority = url.substr(authority_at, authority_end - authority_at);
  const auto at = authority.rfind('@');
  if (at == std::string_view::npos) {
    return std::string(url);
  }
  const auto colon = authority.substr(0, at).find(':');
  if (colon == std::string_view::npos) {
    return std::string(url);  // a user name alone is no secret
  }
  return std::string(url.substr(0, authority_at + colon + 1)) + "***" + std::string(url.substr(authority_at + at));
}

}  // namespace tf::config
