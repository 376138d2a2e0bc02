#pragma once
// Tracking URL rules shared by MATOMO_URL and the targets list.
#include <optional>
#include <string>
#include <string_view>

namespace tf::config {

/// True for an http:// or https:// URL with a non-empty host and no blanks.
bool is_http_url(std::string_view url);

/// The tracking endpoint for `url`: kept when it ends in matomo.php or piwik.php, else
/// "/matomo.php" is appended (a trailing '/' is dropped first). nullopt if not an http(s) URL.
std::optional<std::string> tracking_endpoint(std::string_view url);

} // namespace tf::config
