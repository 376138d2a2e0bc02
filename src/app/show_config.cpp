#include "app/show_config.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "config/loader.hpp"
#include "config/settings_table.hpp"
#include "config/url.hpp"

namespace tf::app {

void print_settings(std::ostream& out, const config::Settings& settings, bool show_secrets) {
  std::size_t key_width = 3;
  std::size_t value_width = 5;
  std::vector<std::array<std::string, 3>> rows;
  for (const auto& spec : config::settings_table()) {
    const auto origin = settings.origins.find(std::string(spec.name));
    rows.push_back({std::string(spec.name), config::format_value(spec, settings, show_secrets),
                    origin == settings.origins.end() ? "default" : config::describe(origin->second)});
    key_width = std::max(key_width, rows.back()[0].size());
    value_width = std::min<std::size_t>(60, std::max(value_width, rows.back()[1].size()));
  }
  out << fmt::format("{:<{}}  {:<{}}  {}\n", "KEY", key_width, "VALUE", value_width, "ORIGIN");
  for (const auto& row : rows) {
    out << fmt::format("{:<{}}  {:<{}}  {}\n", row[0], key_width, row[1], value_width, row[2]);
  }
  const config::TargetsConfig targets = config::effective_targets(settings);
  out << fmt::format("\ntargets ({}):\n", routing::to_string(targets.strategy));
  for (const auto& t : targets.targets) {
    const std::string token = t.token_auth.empty() ? "(none)" : (show_secrets ? t.token_auth : "***");
    out << fmt::format("  {}  url={} site_id={} token_auth={} weight={} enabled={}\n", t.name,
                       show_secrets ? t.url : config::redact_url(t.url), t.site_id, token, t.weight,
                       t.enabled ? "true" : "false");
    out << fmt::format("    {}\n", config::describe_network(t.network));
  }
}

}  // namespace tf::app
