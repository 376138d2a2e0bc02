#pragma once
// Files compiled into the binary (cmake/Embed.cmake generates their definitions from
// presets/*.env and presets/profiles/).
#include <span>
#include <string>
#include <string_view>

namespace tf::config {

struct EmbeddedFile {
  std::string_view name;  ///< preset name (file stem), e.g. "medium"
  std::string_view text;  ///< file contents
};

/// The built-in presets, sorted by name.
std::span<const EmbeddedFile> embedded_presets();

/// A built-in site profile (presets/profiles/README.md): its three files.
struct EmbeddedProfile {
  std::string_view name;  ///< file stem, e.g. "blog"
  std::string_view lists;  ///< NAME.tsv: KIND<TAB>FIELD… lines
  std::string_view pages;  ///< NAME.urls.txt: the URL catalogue
  std::string_view referrers;  ///< NAME.referrers.tsv: CLASS, URL, KEYWORD_PARAMETER
};

/// The built-in site profiles, the default (shop) first, then by name.
std::span<const EmbeddedProfile> embedded_profiles();

/// The profile named `name`, or nullptr.
const EmbeddedProfile* find_embedded_profile(std::string_view name);

/// The profile named `name`; throws tf::Error "SITE_PROFILE: expected one of …, found …" otherwise.
const EmbeddedProfile& embedded_profile(std::string_view name);

/// The profile names joined by '|' in embedded_profiles() order ("shop|blog|docs|saas").
const std::string& profile_choices();

}  // namespace tf::config
