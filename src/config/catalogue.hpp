#pragma once
// The URL catalogue: one "URL  title" entry a line (reference/predecessor.md §2.9).
#include <string>
#include <string_view>
#include <vector>

namespace tf::config {

struct PageEntry {
  std::string url;  ///< absolute http(s) URL
  std::string title;  ///< page title, used as action_name (may be empty)
};

struct UrlCatalogue {
  std::vector<PageEntry> pages;
};

/// The built-in catalogue of site profile `profile` (SITE_PROFILE: presets/profiles/NAME.urls.txt),
/// compiled into the binary, parsed once. Throws tf::Error for an unknown profile.
const UrlCatalogue& builtin_catalogue(std::string_view profile = "shop");

}  // namespace tf::config
