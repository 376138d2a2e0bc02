#include "config/settings.hpp"

namespace tf::config {

TargetsConfig effective_targets(const Settings& settings) {
  TargetsConfig config;
  if (settings.targets) {
    config = *settings.targets;
  } else {
    TargetSpec single;
    single.name = "default";
    single.url = settings.matomo_url;
    single.site_id = settings.matomo_site_id;
    single.token_auth = settings.matomo_token_auth;
    config.targets.push_back(std::move(single));
  }
  const NetworkSpec network = network_settings(settings);
  for (auto& target : config.targets) {
    target.network = overlay(network, target.network);
  }
  return config;
}

NetworkSpec network_settings(const Settings& settings) {
  NetworkSpec network;
  network.ca_bundle = settings.ca_bundle;
  network.ca_path = settings.ca_path;
  network.client_cert = settings.client_cert;
  network.client_key = settings.client_key;
  network.proxy = settings.proxy;
  network.use_env_proxy = settings.use_env_proxy;
  network.resolve = split_entries(settings.resolve);
  network.connect_to = split_entries(settings.connect_to);
  return network;
}

std::size_t header_unsafe_at(std::string_view value) {
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto u = static_cast<unsigned char>(value[i]);
    if ((u < 0x20 && u != '\t') || u == 0x7f) {
      return i;
    }
  }
  return std::string_view::npos;
}

std::string_view header_user_agent(std::string_view setting, std::string_view browser) {
  if (setting != k_visitor_user_agent) {
    return setting;
  }
  return header_unsafe_at(browser) == std::string_view::npos ? browser : std::string_view{k_tool_user_agent};
}

}  // namespace tf::config
