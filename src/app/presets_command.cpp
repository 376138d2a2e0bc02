#include "app/presets_command.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include <fmt/format.h>

#include "config/diagnostic.hpp"
#include "config/loader.hpp"
#include "config/settings_table.hpp"
#include "util/error.hpp"

namespace tf::app {
namespace {

struct Preset {
  std::string name;
  std::string purpose;
  config::Settings settings;
};

/// The text after `: ` on the preset file's first line (`# trafficinator preset "NAME": purpose`).
std::string purpose_of(const std::string& text) {
  const std::string first = text.substr(0, text.find('\n'));
  const auto colon = first.find("\": ");
  return colon == std::string::npos ? "" : first.substr(colon + 3);
}

Preset load_preset(const std::string& name) {
  config::LoadRequest request;
  request.preset = name;
  request.environment = std::map<std::string, std::string>{};
  request.check_files = false;
  config::Loader loader(request);
  return Preset{name, purpose_of(config::builtin_preset(name).value_or("")), loader.load()};
}

std::vector<std::string> ordered_names() {
  auto names = config::builtin_preset_names();
  const std::vector<std::string> k_order = {"light", "medium", "heavy", "extreme", "smoke"};
  const auto rank = [&](const std::string& name) {
    return std::find(k_order.begin(), k_order.end(), name) - k_order.begin();
  };
  std::stable_sort(names.begin(), names.end(), [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
  return names;
}

/// Visits per second with enough digits to tell 0.116 from 0.
std::string per_second(double per_day) {
  const double rate = per_day / 86400.0;
  return rate >= 10 ? fmt::format("{:.1f}", rate) : fmt::format("{:.3g}", rate);
}

void print_list(std::ostream& out) {
  out << fmt::format("{:<8}  {:>10}  {:>8}  {}\n", "PRESET", "VISITS/DAY", "VISITS/S", "PURPOSE");
  for (const auto& name : ordered_names()) {
    const Preset preset = load_preset(name);
    const double per_day = preset.settings.target_visits_per_day;
    out << fmt::format("{:<8}  {:>10}  {:>8}  {}\n", name, fmt::format("{:.0f}", per_day), per_second(per_day),
                       preset.purpose);
  }
  out << "\nValues of one preset: trafficinator presets NAME. Use: trafficinator run --preset NAME "
         "(--rate VISITS/s overrides its rate)\n";
}

void print_one(std::ostream& out, const Preset& preset) {
  out << fmt::format("preset {}: {}\n", preset.name, preset.purpose);
  std::vector<std::pair<int, std::string>> rows;
  for (const auto& spec : config::settings_table()) {
    const std::string key(spec.name);
    const auto it = preset.settings.origins.find(key);
    if (it != preset.settings.origins.end() && it->second.layer == config::Layer::preset) {
      rows.emplace_back(it->second.line, fmt::format("{}={}", key, config::format_value(spec, preset.settings)));
    }
  }
  std::sort(rows.begin(), rows.end());
  for (const auto& row : rows) {
    out << row.second << '\n';
  }
  out << fmt::format("(visits/s: {}; every other key keeps its default: trafficinator run --preset {} --show-config)\n",
                     per_second(preset.settings.target_visits_per_day), preset.name);
}

}  // namespace

int presets_command(std::ostream& out, const std::string& name) {
  if (name.empty()) {
    print_list(out);
    return 0;
  }
  const auto names = ordered_names();
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    const std::string hint = config::closest_match(name, names);
    throw Error(fmt::format("presets: unknown preset \"{}\"{}; built-in presets: {}", name,
                            hint.empty() ? "" : fmt::format(" (did you mean {}?)", hint), fmt::join(names, ", ")),
                ExitCode::usage);
  }
  print_one(out, load_preset(name));
  return 0;
}

}  // namespace tf::app
