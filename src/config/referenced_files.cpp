#include "config/referenced_files.hpp"

#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "config/catalogue_file.hpp"
#include "config/dotenv.hpp"
#include "config/funnels_json.hpp"
#include "config/loader.hpp"
#include "config/network.hpp"

namespace tf::config {
namespace {

/// Moves `found` into `diags`, each message saying which setting named the file and where
/// ("file named by URLS_FILE at env-file a.env:3"), so the user finds the line to fix.
void add_named_by(const Settings& settings, const char* key, Diagnostics& found, Diagnostics& diags) {
  const auto origin = settings.origins.find(key);
  const std::string where = origin == settings.origins.end() ? std::string() : " at " + describe(origin->second);
  for (Diagnostic d : found.items()) {
    d.message += fmt::format(" (file named by {}{})", key, where);
    diags.add(std::move(d));
  }
}

void check_network_files(const Settings& settings, Diagnostics& diags) {
  const std::pair<const char*, const std::string*> network_files[] = {{"CA_BUNDLE", &settings.ca_bundle},
                                                                      {"CA_PATH", &settings.ca_path},
                                                                      {"CLIENT_CERT", &settings.client_cert},
                                                                      {"CLIENT_KEY", &settings.client_key}};
  for (const auto& [key, path] : network_files) {
    if (!path->empty()) {
      const std::string problem = network_path_problem(*path, std::string_view(key) == "CA_PATH");
      if (!problem.empty()) {
        const auto origin = settings.origins.find(key);
        const bool known = origin != settings.origins.end() && origin->second.layer != Layer::environment;
        diags.error(known ? origin->second.source : "environment", known ? origin->second.line : 0, 0, key, problem);
      }
    }
  }
}

/// Reads `path` (named by setting `key`) and parses it with `parse`; nullopt after a problem,
/// reported to `diags`.
template <typename Parse>
auto read_named_file(const Settings& settings, const char* key, const std::string& path, Diagnostics& diags,
                     Parse parse) -> decltype(parse(std::string_view{}, path, diags)) {
  std::string why;
  Diagnostics found;
  decltype(parse(std::string_view{}, path, diags)) parsed;
  if (auto text = read_text_file(path, why)) {
    parsed = parse(*text, path, found);
  } else {
    found.error(path, 0, 0, key, why);
  }
  if (found.has_errors()) {
    parsed.reset();
  }
  add_named_by(settings, key, found, diags);
  return parsed;
}

}  // namespace

void read_referenced_files(Settings& settings, Diagnostics& diags) {
  check_network_files(settings, diags);
  settings.url_catalogue.reset();
  settings.funnels.reset();
  if (!settings.urls_file.empty()) {
    auto pages = read_named_file(settings, "URLS_FILE", settings.urls_file, diags,
                                 [](std::string_view text, const std::string& source, Diagnostics& d) {
                                   return std::optional<UrlCatalogue>(parse_catalogue(text, source, d));
                                 });
    if (pages) {
      settings.url_catalogue = std::make_shared<const UrlCatalogue>(std::move(*pages));
    }
  }
  if (!settings.funnel_config_path.empty()) {
    auto funnels = read_named_file(settings, "FUNNEL_CONFIG_PATH", settings.funnel_config_path, diags, parse_funnels);
    if (funnels) {
      settings.funnels = std::make_shared<const std::vector<Funnel>>(std::move(*funnels));
    }
  }
}

std::shared_ptr<const UrlCatalogue> url_catalogue_of(const Settings& settings) {
  if (settings.urls_file.empty()) {
    return {std::shared_ptr<const UrlCatalogue>(),
            &builtin_catalogue(settings.site_profile)};  // static: nothing to own
  }
  return settings.url_catalogue ? settings.url_catalogue
                                : std::make_shared<const UrlCatalogue>(load_catalogue(settings.urls_file));
}

std::vector<Funnel> funnels_of(const Settings& settings) {
  if (settings.funnel_config_path.empty()) {
    return {};
  }
  return settings.funnels ? *settings.funnels : load_funnels(settings.funnel_config_path);
}

}  // namespace tf::config
