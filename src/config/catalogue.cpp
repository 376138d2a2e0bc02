#include <algorithm>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "config/catalogue_file.hpp"
#include "config/dotenv.hpp"
#include "config/embedded.hpp"
#include "config/url.hpp"
#include "util/error.hpp"
#include "util/units.hpp"

namespace tf::config {

UrlCatalogue parse_catalogue(std::string_view text, const std::string& source, Diagnostics& diags) {
  UrlCatalogue catalogue;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    text.remove_prefix(3);
  }
  int line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const auto nl = text.find('\n');
    std::string_view line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.empty() || line.front() == '#') {
      continue;
    }
    if (!is_valid_text(line)) {
      diags.error(source, line_no, 0, "", "expected UTF-8 text, found invalid or NUL bytes");
      continue;
    }
    const auto blank = line.find_first_of(" \t");
    const std::string_view url = line.substr(0, blank);
    if (!is_http_url(url)) {
      diags.error(source, line_no, 1, "",
                  fmt::format("expected an http(s) URL at the start of the line, found \"{}\"",
                              url.substr(0, std::min<std::size_t>(url.size(), 80))));
      continue;
    }
    const std::string_view title = blank == std::string_view::npos ? std::string_view{} : trim(line.substr(blank));
    catalogue.pages.push_back({std::string(url), std::string(title)});
  }
  if (catalogue.pages.empty() && !diags.has_errors()) {
    diags.error(source, 0, 0, "", "expected at least one URL, found none");
  }
  return catalogue;
}

UrlCatalogue load_catalogue(const std::string& path) {
  std::string why;
  auto text = read_text_file(path, why);
  if (!text) {
    throw Error(fmt::format("{}: {}", path, why));
  }
  Diagnostics diags;
  auto catalogue = parse_catalogue(*text, path, diags);
  if (diags.has_errors()) {
    throw Error(join_errors(diags));
  }
  return catalogue;
}

const UrlCatalogue& builtin_catalogue(std::string_view profile) {
  // One parsed catalogue per profile, made on first use and kept (a handful of profiles).
  static std::mutex mutex;
  static std::map<std::string, UrlCatalogue, std::less<>> catalogues;
  const std::lock_guard lock(mutex);
  if (const auto it = catalogues.find(profile); it != catalogues.end()) {
    return it->second;
  }
  Diagnostics diags;
  auto catalogue =
    parse_catalogue(embedded_profile(profile).pages, fmt::format("presets/profiles/{}.urls.txt", profile), diags);
  if (diags.has_errors()) {
    throw Error(join_errors(diags));
  }
  return catalogues.emplace(std::string(profile), std::move(catalogue)).first->second;
}

}  // namespace tf::config
