#pragma once
// Tracking URL rules shared by MATOMO_URL and the targets list.
#include <optional>
#include <string>
#include <string_view>

namespace tf::config {

/// True for an http:// or https:// URL with a non-empty host and no blanks.
bool is_http_url(std::string_view url);

/// The tracking endpoint for `url`: kept when its path ends in matomo.php or piwik.php, else
/// "/matomo.php" is appended to the path (a trailing '/' is dropped first); a query or a
/// fragment stays after the path. nullopt if not an http(s) URL.
std::optional<std::string> tracking_endpoint(std::string_view url);

/// True when the query of `url` has a token_auth parameter (a token in a URL is sent in every
/// hit's URL and printed wherever the URL is shown: a configuration error).
bool has_token_in_query(std::string_view url);

/// `text` (a URL, or a proxy without a scheme) as it may be shown: a password in
/// "user:password@" and a token_auth value in the query become "***" ("user:***@",
/// "token_auth=***"). The one redaction of URLs: targets, proxies, error messages.
std::string redact_url(std::string_view text);

}  // namespace tf::config
