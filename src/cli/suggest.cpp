#include "cli/suggest.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "config/diagnostic.hpp"

namespace tf::cli {
namespace {

/// The subcommands' names; `visible_only`: without hidden ones (an empty group).
std::vector<std::string> subcommand_names(const CLI::App& app, bool visible_only = false) {
  std::vector<std::string> names;
  for (const CLI::App* sub :
       app.get_subcommands([&](const CLI::App* s) { return !visible_only || !s->get_group().empty(); })) {
    names.push_back(sub->get_name());
  }
  return names;
}

std::vector<std::string> long_options(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* option : app.get_options()) {
    for (const auto& name : option->get_lnames()) {
      names.push_back("--" + name);
    }
  }
  return names;
}

std::string hint(const std::string& word, const std::vector<std::string>& names) {
  const std::string best = config::closest_match(word, names);
  return best.empty() ? "" : fmt::format("; did you mean {}?", best);
}

}  // namespace

std::optional<std::string> unknown_command(const CLI::App& app, const std::vector<std::string>& args) {
  if (args.empty() || args.front().empty() || args.front()[0] == '-') {
    return std::nullopt;
  }
  const auto names = subcommand_names(app);
  const std::string& word = args.front();
  if (std::find(names.begin(), names.end(), word) != names.end()) {
    return std::nullopt;
  }
  const auto visible = subcommand_names(app, true);
  return fmt::format("unknown command \"{}\"{} (commands: {})", word, hint(word, visible), fmt::join(visible, ", "));
}

std::optional<std::string> unknown_option(const CLI::App& app, const std::vector<std::string>& args) {
  const CLI::App* scope = &app;
  std::string prefix;
  if (!args.empty()) {
    const auto names = subcommand_names(app);
    if (std::find(names.begin(), names.end(), args.front()) != names.end()) {
      scope = app.get_subcommand(args.front());
      prefix = args.front() + ": ";
    }
  }
  auto known = long_options(*scope);
  if (scope != &app) {
    const auto top = long_options(app);
    known.insert(known.end(), top.begin(), top.end());
  }
  for (const auto& arg : args) {
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
      continue;
    }
    const std::string name = arg.substr(0, arg.find('='));
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return fmt::format("{}unknown option {}{}", prefix, name, hint(name, known));
    }
  }
  return std::nullopt;
}

}  // namespace tf::cli
