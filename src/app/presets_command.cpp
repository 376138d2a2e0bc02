#include "app/presets_command.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "config/loader.hpp"
#include "config/settings_table.hpp"

namespace tf::app {

int presets_command(std::ostream& out) {
  auto names = config::builtin_preset_names();
  const std::vector<std::string> k_order = {"light", "medium", "heavy", "extreme", "smoke"};
  const auto rank = [&](const std::string& name) {
    return std::find(k_order.begin(), k_order.end(), name) - k_order.begin();
  };
  std::stable_sort(names.begin(), names.end(), [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
  std::vector<config::Settings> presets;
  for (const auto& name : names) {
    config::LoadRequest request;
    request.preset = name;
    request.environment = std::map<std::string, std::string>{};
    request.check_files = false;
    config::Loader loader(request);
    presets.push_back(loader.load());
  }
  std::size_t key_width = 3;
  std::vector<std::string> keys;
  for (const auto& spec : config::settings_table()) {
    const std::string key(spec.name);
    if (std::any_of(presets.begin(), presets.end(), [&](const auto& s) { return s.origins.count(key) > 0; })) {
      keys.push_back(key);
      key_width = std::max(key_width, key.size());
    }
  }
  constexpr std::size_t k_column = 10;
  out << fmt::format("{:<{}}", "KEY", key_width);
  for (const auto& name : names) {
    out << fmt::format("  {:>{}}", name, k_column);
  }
  out << '\n';
  for (const auto& key : keys) {
    const auto* spec = config::find_key(key);
    out << fmt::format("{:<{}}", key, key_width);
    for (const auto& settings : presets) {
      const bool set = settings.origins.count(key) > 0;
      out << fmt::format("  {:>{}}", set ? config::format_value(*spec, settings) : "-", k_column);
    }
    out << '\n';
  }
  out << "\n'-': not set by the preset (the default applies). Use: trafficinator run --preset NAME\n";
  return 0;
}

} // namespace tf::app
