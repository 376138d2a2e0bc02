#pragma once
// The URL catalogue format (reference/predecessor.md §2.9): one entry a line, `URL  title`
// (title optional), blank lines and `#` comments ignored, http(s) URLs only.
#include <string>
#include <string_view>

#include "config/catalogue.hpp"
#include "config/diagnostic.hpp"

namespace tf::config {

/// Parses a catalogue; every bad line is reported; an empty catalogue is an error.
UrlCatalogue parse_catalogue(std::string_view text, const std::string& source, Diagnostics& diags);

/// Reads `path`; throws tf::Error (usage) listing every problem when it is not valid.
UrlCatalogue load_catalogue(const std::string& path);

}  // namespace tf::config
