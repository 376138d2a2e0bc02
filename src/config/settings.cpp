#include "config/settings.hpp"

namespace tf::config {

TargetsConfig effective_targets(const Settings& settings) {
  if (settings.targets) {
    return *settings.targets;
  }
  TargetsConfig config;
  TargetSpec single;
  single.name = "default";
  single.url = settings.matomo_url;
  single.site_id = settings.matomo_site_id;
  single.token_auth = settings.matomo_token_auth;
  config.targets.push_back(std::move(single));
  return config;
}

} // namespace tf::config
