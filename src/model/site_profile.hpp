#pragma once
// Site profiles (SITE_PROFILE): one coherent simulated site, whose lists every visit draws from:
// search-engine keywords, site-search terms and categories, outlinks, downloads, click and other
// events, products, content blocks, campaigns and landing referrers. The built-in profiles are
// data compiled into the binary (presets/profiles/, format in its README.md); their pages are
// config::builtin_catalogue(name).
#include <array>
#include <string_view>
#include <vector>

#include "model/catalogues.hpp"
#include "model/referrers.hpp"

namespace tf::model {

struct SiteProfile {
  std::string_view name;
  std::vector<std::string_view> engine_keywords;  ///< '+'-joined words of a search-engine landing
  std::vector<std::string_view> search_terms;
  std::vector<std::string_view> search_categories;
  std::vector<std::string_view> outlinks;  ///< absolute URLs
  std::vector<std::string_view> downloads;  ///< relative paths are resolved against the page
  std::vector<EventEntry> click_events;
  std::vector<EventEntry> random_events;
  std::vector<Product> products;  ///< distinct SKUs, prices > 0
  std::vector<ContentBlock> content;
  std::vector<std::string_view> campaigns;
  std::vector<std::string_view> campaign_keywords;
  std::array<std::vector<Referrer>, 3> referrers;  ///< by ReferrerClass, in the file's order; none empty
};

/// Parses a profile's lists (`lists`: KIND<TAB>FIELD… lines) and referrers (parse_referrers).
/// The views point into `lists`, which must outlive the profile. Throws tf::Error naming the
/// source, line, kind, expected and found for a bad line, an unknown kind, a repeated SKU, or a
/// kind or referrer class without entries.
SiteProfile parse_site_profile(std::string_view name, std::string_view lists, std::string_view lists_source,
                               std::string_view referrers, std::string_view referrers_source);

/// The built-in profile `name`, parsed once (thread-safe). Throws tf::Error for an unknown name,
/// listing the known ones.
const SiteProfile& site_profile(std::string_view name);

}  // namespace tf::model
