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
  if (std::any_of(url.begin(), url.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0 || static_cast<unsigned char>(c) < 0x20; })) {
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
  std::string out(url);
  const auto ends_with = [&](std::string_view suffix) {
    return out.size() >= suffix.size() && out.compare(out.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with("/matomo.php") || ends_with("/piwik.php")) {
    return out;
  }
  while (!out.empty() && out.back() == '/') {
    out.pop_back();
  }
  return out + "/matomo.php";
}

} // namespace tf::config
