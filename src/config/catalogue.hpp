#pragma once
// The URL catalogue: one "URL  title" entry a line (reference/predecessor.md §2.9).
#include <string>
#include <vector>

namespace tf::config {

struct PageEntry {
  std::string url;    ///< absolute http(s) URL
  std::string title;  ///< page title, used as action_name (may be empty)
};

struct UrlCatalogue {
  std::vector<PageEntry> pages;
};

/// The built-in catalogue (≥ 2,000 pages with titles), compiled into the binary.
const UrlCatalogue& builtin_catalogue();

} // namespace tf::config
