#include "config/loader.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "config/derived.hpp"
#include "config/embedded.hpp"
#include "config/referenced_files.hpp"
#include "config/rules.hpp"
#include "config/settings_table.hpp"
#include "config/targets_json.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

extern char** environ;  // NOLINT: POSIX

namespace tf::config {
namespace {

const char* const k_our_prefixes[] = {"MATOMO_", "BACKFILL_", "ECOMMERCE_", "TRAFFICINATOR_"};

std::map<std::string, std::string> real_environment() {
  std::map<std::string, std::string> out;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto eq = text.find('=');
    if (eq != std::string_view::npos) {
      out.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
    }
  }
  return out;
}

bool has_our_prefix(const std::string& key) {
  return std::any_of(std::begin(k_our_prefixes), std::end(k_our_prefixes),
                     [&](const char* prefix) { return key.rfind(prefix, 0) == 0; });
}

std::string did_you_mean(const std::string& key) {
  const std::string hint = closest_match(key, key_names());
  return hint.empty() ? "" : fmt::format("; did you mean {}?", hint);
}

}  // namespace

std::optional<std::string> builtin_preset(const std::string& name) {
  for (const auto& preset : embedded_presets()) {
    if (preset.name == name) {
      return std::string(preset.text);
    }
  }
  return std::nullopt;
}

std::vector<std::string> builtin_preset_names() {
  std::vector<std::string> names;
  for (const auto& preset : embedded_presets()) {
    names.emplace_back(preset.name);
  }
  return names;
}

std::string describe(const Origin& origin) {
  const std::string line = origin.line > 0 ? fmt::format(":{}", origin.line) : "";
  switch (origin.layer) {
    case Layer::built_in: return "default";
    case Layer::preset: return fmt::format("preset {}{}", origin.source, line);
    case Layer::env_file: return fmt::format("env-file {}{}", origin.source, line);
    case Layer::environment:
      if (origin.source.empty() || origin.source.rfind("environment", 0) == 0) {
        return origin.source.empty() ? "environment" : origin.source;
      }
      return fmt::format("environment {}", origin.source);
    case Layer::targets_file: return fmt::format("targets {}", origin.source);
    case Layer::command_line: return origin.source;
    case Layer::rule: return origin.source;
  }
  return origin.source;
}

Loader::Loader(LoadRequest request) : m_request(std::move(request)) {
  m_environment = m_request.environment ? *m_request.environment : real_environment();
  m_lookup = [this](const std::string& name) -> std::optional<std::string> {
    const auto it = m_environment.find(name);
    return it == m_environment.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

void Loader::apply_inline_targets(const std::string& value, const Origin& origin) {
  Diagnostics inner;
  auto targets = parse_targets(value, "MULTI_TARGET_CONFIG", inner, m_lookup);
  const std::string file = origin.layer == Layer::environment ? "environment" : origin.source;
  for (const auto& d : inner.items()) {
    const std::string at = d.line > 0 ? fmt::format(" (at {}:{})", d.line, d.col) : "";
    m_diags.add({file, origin.line, 0, d.severity,
                 d.key.empty() ? "MULTI_TARGET_CONFIG" : "MULTI_TARGET_CONFIG " + d.key, d.message + at});
  }
  if (targets) {
    m_settings.targets = std::move(targets);
    m_settings.origins["MULTI_TARGET_CONFIG"] = origin;
  }
}

void Loader::apply_one(const std::string& key, const std::string& value, const Origin& origin) {
  const std::string file = origin.layer == Layer::environment ? "environment" : origin.source;
  const KeySpec* spec = find_key(key);
  if (spec == nullptr) {
    m_diags.error(file, origin.line, 0, key, fmt::format("unknown key{}", did_you_mean(key)));
    return;
  }
  if (spec->type == ValueType::json) {
    if (value.empty()) {
      m_settings.targets.reset();
      m_settings.origins.erase(key);
      return;
    }
    apply_inline_targets(value, origin);
    return;
  }
  const std::string problem = apply_value(*spec, value, m_settings);
  if (!problem.empty()) {
    m_diags.error(file, origin.line, 0, key, problem);
    return;
  }
  m_settings.origins[key] = origin;
  if (key == "MATOMO_TOKEN_AUTH_FILE" && !value.empty()) {
    apply_token_file(value, origin);
  }
}

void Loader::apply_token_file(const std::string& path, const Origin& origin) {
  const std::string file = origin.layer == Layer::environment ? "environment" : origin.source;
  std::string why;
  auto text = read_text_file(path, why);
  if (!text) {
    m_diags.error(file, origin.line, 0, "MATOMO_TOKEN_AUTH_FILE", fmt::format("{}: {}", path, why));
    return;
  }
  const auto first = text->find_first_not_of(" \t\r\n");
  const auto last = text->find_last_not_of(" \t\r\n");
  if (first == std::string::npos) {
    m_diags.error(file, origin.line, 0, "MATOMO_TOKEN_AUTH_FILE",
                  fmt::format("expected a token in {}, found an empty file", path));
    return;
  }
  const std::string token = text->substr(first, last - first + 1);
  if (token.find_first_of(" \t\r\n") != std::string::npos) {
    m_diags.error(file, origin.line, 0, "MATOMO_TOKEN_AUTH_FILE",
                  fmt::format("expected one token in {}, found several words or lines", path));
    return;
  }
  m_settings.matomo_token_auth = token;
  Origin token_origin = origin;
  token_origin.source = origin.layer == Layer::command_line
    ? fmt::format("{} {}", origin.source, path)
    : fmt::format("{} (MATOMO_TOKEN_AUTH_FILE {})", origin.source, path);
  m_settings.origins["MATOMO_TOKEN_AUTH"] = token_origin;
}

void Loader::apply_entries(const std::vector<EnvEntry>& entries, Layer layer, const std::string& source) {
  for (const auto& entry : entries) {
    apply_one(entry.key, entry.value, Origin{layer, source, entry.line});
  }
}

void Loader::apply_preset() {
  const std::string& preset = m_request.preset;
  if (preset.empty()) {
    return;
  }
  if (auto text = builtin_preset(preset)) {
    apply_entries(parse_env(*text, preset, m_diags, m_lookup), Layer::preset, preset);
    return;
  }
  const bool looks_like_path = preset.find('/') != std::string::npos || preset.find('.') != std::string::npos;
  if (!looks_like_path && !std::filesystem::exists(preset)) {
    const std::string hint = closest_match(preset, builtin_preset_names());
    m_diags.error("--preset", 0, 0, "",
                  fmt::format("unknown preset \"{}\"{}; built-in presets: {}", preset,
                              hint.empty() ? "" : fmt::format(" (did you mean {}?)", hint),
                              fmt::join(builtin_preset_names(), ", ")));
    return;
  }
  std::string why;
  auto text = read_text_file(preset, why);
  if (!text) {
    m_diags.error(preset, 0, 0, "", why);
    return;
  }
  apply_entries(parse_env(*text, preset, m_diags, m_lookup), Layer::preset, preset);
}

void Loader::apply_env_file(const std::string& path) {
  std::string why;
  auto text = read_text_file(path, why);
  if (!text) {
    m_diags.error(path, 0, 0, "", why);
    return;
  }
  apply_entries(parse_env(*text, path, m_diags, m_lookup), Layer::env_file, path);
}

void Loader::apply_environment() {
  for (const auto& [key, value] : m_environment) {
    if (find_key(key) != nullptr) {
      apply_one(key, value, Origin{Layer::environment, "environment", 0});
    } else if (has_our_prefix(key)) {
      m_diags.warning("environment", 0, 0, key, fmt::format("unknown key, ignored{}", did_you_mean(key)));
    }
  }
}

void Loader::apply_trust_fallbacks() {
  // As curl's tool does: CURL_CA_BUNDLE, then SSL_CERT_FILE (and SSL_CERT_DIR for the directory),
  // but only where no layer set CA_BUNDLE (CA_PATH). libcurl itself reads none of them.
  const auto fallback = [&](const char* key, std::initializer_list<const char*> names) {
    if (m_settings.origins.count(key) != 0) {
      return;
    }
    for (const char* name : names) {
      const auto it = m_environment.find(name);
      if (it != m_environment.end() && !it->second.empty()) {
        apply_one(key, it->second, Origin{Layer::environment, name, 0});
        return;
      }
    }
  };
  fallback("CA_BUNDLE", {"CURL_CA_BUNDLE", "SSL_CERT_FILE"});
  fallback("CA_PATH", {"SSL_CERT_DIR"});
}

void Loader::apply_targets_file() {
  const std::string& path = m_request.targets_file;
  if (path.empty()) {
    return;
  }
  std::string why;
  auto text = read_text_file(path, why);
  if (!text) {
    m_diags.error(path, 0, 0, "", why);
    return;
  }
  const std::string base_dir = std::filesystem::path(path).parent_path().string();
  if (auto targets = parse_targets(*text, path, m_diags, m_lookup, base_dir)) {
    m_settings.targets = std::move(targets);
    m_settings.origins["MULTI_TARGET_CONFIG"] = Origin{Layer::targets_file, path, 0};
  }
}

void Loader::apply_flags() {
  for (const auto& flag : m_request.flags) {
    if (flag.alternative) {
      const auto it = m_settings.origins.find(flag.key);
      const bool by_user =
        it != m_settings.origins.end() && it->second.layer != Layer::built_in && it->second.layer != Layer::preset;
      if (by_user) {
        m_diags.error(flag.flag, 0, 0, flag.key,
                      fmt::format("expected either {} or {}, found both ({} from {})", flag.flag, flag.key, flag.key,
                                  describe(it->second)));
        continue;
      }
    }
    apply_one(flag.key, flag.value, Origin{Layer::command_line, flag.flag, 0});
  }
}

Settings Loader::load() {
  m_settings = Settings{};
  const std::size_t errors_before = m_diags.error_count();
  apply_preset();
  // Without the preset the user asked for, the other rules would judge the built-in defaults and
  // warn about values the user never chose (e.g. cip without a token): report the preset only.
  const bool preset_failed = m_diags.error_count() > errors_before;
  for (const auto& path : m_request.env_files) {
    apply_env_file(path);
  }
  if (m_request.apply_environment) {
    apply_environment();
  }
  apply_targets_file();
  apply_flags();
  if (m_request.apply_environment) {
    apply_trust_fallbacks();
  }
  std::string fallback = "defaults";
  if (!m_request.env_files.empty()) {
    fallback = m_request.env_files.back();
  } else if (!m_request.preset.empty()) {
    fallback = m_request.preset;
  }
  if (!preset_failed) {
    check_rules(m_settings, m_diags, m_request.today, fallback, m_request.generates_visits);
    apply_derived(m_settings, m_diags);
  }
  if (m_request.check_files) {
    read_referenced_files(m_settings, m_diags);
  }
  return m_settings;
}

Settings load(const LoadRequest& request) {
  Loader loader(request);
  Settings settings = loader.load();
  logging::configure(logging::parse_level(settings.log_level), logging::parse_format(settings.log_format));
  const auto now = std::chrono::system_clock::now();
  for (const auto& d : loader.diagnostics().items()) {
    if (d.severity == Severity::warning) {
      logging::diagnostic(logging::Level::warning, now, format(d),
                          {{"file", d.file}, {"line", std::to_string(d.line), true}, {"key", d.key}}, d.message);
    }
  }
  if (loader.diagnostics().has_errors()) {
    throw Error(fmt::format("configuration has {} error(s):\n{}", loader.diagnostics().error_count(),
                            join_errors(loader.diagnostics())),
                ExitCode::usage);
  }
  return settings;
}

}  // namespace tf::config
