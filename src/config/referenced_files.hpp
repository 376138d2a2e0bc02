#pragma once
// The files settings name (URLS_FILE, FUNNEL_CONFIG_PATH, the network files), read once by
// config::load: their problems are reported with the setting that named them, and what the URL
// catalogue and funnels file hold is kept in the settings for the run to use.
#include <memory>
#include <vector>

#include "config/catalogue.hpp"
#include "config/diagnostic.hpp"
#include "config/funnels.hpp"
#include "config/settings.hpp"

namespace tf::config {

/// Checks that CA_BUNDLE, CA_PATH, CLIENT_CERT and CLIENT_KEY exist; reads and parses URLS_FILE
/// and FUNNEL_CONFIG_PATH when set, reports their problems (each naming the setting and where it
/// was set) and, when a file is valid, keeps its content in settings.url_catalogue / .funnels.
void read_referenced_files(Settings& settings, Diagnostics& diags);

/// The pages visits are drawn from: URLS_FILE as config::load parsed it, else the built-in
/// catalogue. Settings not made by load (or loaded without reading files) have URLS_FILE parsed
/// now. Throws tf::Error (usage) listing its problems.
std::shared_ptr<const UrlCatalogue> url_catalogue_of(const Settings& settings);

/// The funnels of FUNNEL_CONFIG_PATH as config::load parsed them (parsed now when it did not);
/// empty without FUNNEL_CONFIG_PATH. Throws tf::Error (usage) listing its problems.
std::vector<Funnel> funnels_of(const Settings& settings);

}  // namespace tf::config
