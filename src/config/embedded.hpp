#pragma once
// Files compiled into the binary (cmake/Embed.cmake generates their definitions from
// presets/*.env, presets/urls.txt and presets/referrers.tsv).
#include <span>
#include <string_view>

namespace tf::config {

struct EmbeddedFile {
  std::string_view name;  ///< preset name (file stem), e.g. "medium"
  std::string_view text;  ///< file contents
};

/// The built-in presets, sorted by name.
std::span<const EmbeddedFile> embedded_presets();

/// The built-in URL catalogue (presets/urls.txt).
std::string_view embedded_catalogue();

/// The built-in landing referrers (presets/referrers.tsv: CLASS, URL, KEYWORD_PARAMETER).
std::string_view embedded_referrers();

} // namespace tf::config
