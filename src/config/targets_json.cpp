#include "config/targets_json.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "config/json_source.hpp"
#include "config/url.hpp"
#include "util/units.hpp"

namespace tf::config {
namespace {

using nlohmann::json;

class TargetReader {
public:
  TargetReader(const JsonDocument& doc, const std::string& source, Diagnostics& diags, const EnvLookup& lookup,
               const std::string& base_dir)
    : m_doc(doc), m_source(source), m_diags(diags), m_lookup(lookup), m_base_dir(base_dir) {}

  std::optional<TargetsConfig> read();

private:
  const JsonDocument& m_doc;
  const std::string& m_source;
  Diagnostics& m_diags;
  const EnvLookup& m_lookup;
  const std::string& m_base_dir;

  void error(const std::string& pointer, const std::string& key, const std::string& message, bool at_key = false) {
    const auto p = m_doc.where(pointer, at_key);
    m_diags.error(m_source, p.line, p.col, key, message);
  }
  void check_unknown(const json& object, const std::string& pointer, const std::string& prefix,
                     const std::vector<std::string>& allowed);
  std::optional<TargetSpec> read_target(const json& item, std::size_t index);
  std::optional<std::string> read_token(const json& item, const std::string& pointer, const std::string& prefix);
  void read_network(const json& item, const std::string& pointer, const std::string& prefix, NetworkSpec& out);
  std::string read_network_path(const json& item, const std::string& pointer, const std::string& prefix,
                                const char* name, bool directory);
  std::vector<std::string> read_host_entries(const json& item, const std::string& pointer, const std::string& prefix,
                                             const char* name);
  routing::Strategy read_strategy(const json& root);
};

void TargetReader::check_unknown(const json& object, const std::string& pointer, const std::string& prefix,
                                 const std::vector<std::string>& allowed) {
  for (const auto& [name, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) {
      continue;
    }
    const std::string hint = closest_match(name, allowed);
    error(pointer + "/" + pointer_token(name), prefix + name,
          hint.empty() ? "unknown field" : fmt::format("unknown field; did you mean {}?", hint), true);
  }
}

std::optional<std::string> TargetReader::read_token(const json& item, const std::string& pointer,
                                                    const std::string& prefix) {
  const bool has_token = item.contains("token_auth") && !item["token_auth"].is_null();
  const bool has_file = item.contains("token_auth_file") && !item["token_auth_file"].is_null();
  if (has_token && has_file) {
    error(pointer + "/token_auth_file", prefix + "token_auth_file",
          "expected either token_auth or token_auth_file, found both", true);
    return std::nullopt;
  }
  if (has_token) {
    const auto& v = item["token_auth"];
    if (!v.is_string()) {
      // the type, never the value: a token is not echoed, even a mistyped one
      error(pointer + "/token_auth", prefix + "token_auth",
            fmt::format("expected a string, found a {}", v.type_name()));
      return std::nullopt;
    }
    std::vector<std::string> missing;
    auto expanded = expand_variables(v.get<std::string>(), m_lookup, missing);
    if (!expanded || !missing.empty()) {
      error(pointer + "/token_auth", prefix + "token_auth",
            missing.empty()
              ? "expected ${NAME} with a valid variable name, found an unclosed or invalid ${"
              : fmt::format("expected environment variable {} to be set, found it unset", missing.front()));
      return std::nullopt;
    }
    return expanded;
  }
  if (has_file) {
    const auto& v = item["token_auth_file"];
    if (!v.is_string() || v.get<std::string>().empty()) {
      error(pointer + "/token_auth_file", prefix + "token_auth_file",
            fmt::format("expected a file path, found {}", json_excerpt(v)));
      return std::nullopt;
    }
    std::filesystem::path path = v.get<std::string>();
    if (path.is_relative() && !m_base_dir.empty()) {
      path = std::filesystem::path(m_base_dir) / path;
    }
    std::string why;
    auto text = read_text_file(path.string(), why, 64 * 1024);
    if (!text) {
      error(pointer + "/token_auth_file", prefix + "token_auth_file",
            fmt::format("cannot read {}: {}", path.string(), why));
      return std::nullopt;
    }
    while (!text->empty() && (text->back() == '\n' || text->back() == '\r')) {
      text->pop_back();
    }
    return text;
  }
  return std::string{};
}

/// A file or directory field, relative to the targets file's directory; "" when absent or bad.
std::string TargetReader::read_network_path(const json& item, const std::string& pointer, const std::string& prefix,
                                            const char* name, bool directory) {
  if (!item.contains(name)) {
    return "";
  }
  const auto& v = item[name];
  const std::string at = pointer + "/" + name;
  if (!v.is_string() || v.get<std::string>().empty()) {
    error(at, prefix + name,
          fmt::format("expected a {} path, found {}", directory ? "directory" : "file", json_excerpt(v)));
    return "";
  }
  std::filesystem::path path = v.get<std::string>();
  if (path.is_relative() && !m_base_dir.empty()) {
    path = std::filesystem::path(m_base_dir) / path;
  }
  const std::string problem = network_path_problem(path.string(), directory);
  if (!problem.empty()) {
    error(at, prefix + name, problem);
    return "";
  }
  return path.string();
}

/// "resolve" or "connect_to": one curl entry as a string, or an array of them.
std::vector<std::string> TargetReader::read_host_entries(const json& item, const std::string& pointer,
                                                         const std::string& prefix, const char* name) {
  std::vector<std::string> out;
  if (!item.contains(name)) {
    return out;
  }
  const auto& v = item[name];
  const bool resolve = std::string_view(name) == "resolve";
  const auto check = [&](const json& entry, const std::string& at) {
    const std::string text = entry.is_string() ? entry.get<std::string>() : "";  // "" is never an entry
    const std::string problem = resolve ? check_resolve(text) : check_connect_to(text);
    if (!problem.empty()) {
      error(at, prefix + name, fmt::format("{}, found {}", problem, json_excerpt(entry)));
    } else {
      out.push_back(entry.get<std::string>());
    }
  };
  if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      check(v[i], fmt::format("{}/{}/{}", pointer, name, i));
    }
  } else {
    check(v, pointer + "/" + name);
  }
  return out;
}

void TargetReader::read_network(const json& item, const std::string& pointer, const std::string& prefix,
                                NetworkSpec& out) {
  out.ca_bundle = read_network_path(item, pointer, prefix, "cacert", false);
  out.ca_path = read_network_path(item, pointer, prefix, "capath", true);
  out.client_cert = read_network_path(item, pointer, prefix, "cert", false);
  out.client_key = read_network_path(item, pointer, prefix, "key", false);
  if (item.contains("proxy")) {
    const auto& v = item["proxy"];
    const std::string problem = v.is_string() ? check_proxy(v.get<std::string>()) : check_proxy("");
    if (!problem.empty()) {
      // the proxy's password is not shown: only its type or the URL with *** for the password
      error(pointer + "/proxy", prefix + "proxy",
            fmt::format("{}, found {}", problem,
                        v.is_string() ? "\"" + redact_url(v.get<std::string>()) + "\"" : json_excerpt(v)));
    } else {
      out.proxy = v.get<std::string>();
    }
  }
  out.resolve = read_host_entries(item, pointer, prefix, "resolve");
  out.connect_to = read_host_entries(item, pointer, prefix, "connect_to");
}

std::optional<TargetSpec> TargetReader::read_target(const json& item, std::size_t index) {
  const std::string pointer = fmt::format("/targets/{}", index);
  const std::string prefix = fmt::format("targets[{}].", index);
  if (!item.is_object()) {
    error(pointer, fmt::format("targets[{}]", index), fmt::format("expected an object, found {}", json_excerpt(item)));
    return std::nullopt;
  }
  check_unknown(item, pointer, prefix,
                {"name", "url", "site_id", "token_auth", "token_auth_file", "weight", "enabled", "cacert", "capath",
                 "cert", "key", "proxy", "resolve", "connect_to"});
  const std::size_t errors_before = m_diags.error_count();
  TargetSpec spec;
  const auto field = [&](const char* name) -> const json* { return item.contains(name) ? &item[name] : nullptr; };
  const json* name = field("name");
  if (name == nullptr || !name->is_string() || trim(name->get<std::string>()).empty() ||
      name->get<std::string>().size() > 100) {
    error(name ? pointer + "/name" : pointer, prefix + "name",
          fmt::format("expected a name of 1 to 100 characters, found {}", name ? json_excerpt(*name) : "nothing"));
  } else {
    spec.name = std::string(trim(name->get<std::string>()));
  }
  const json* url = field("url");
  auto endpoint = url && url->is_string() ? tracking_endpoint(url->get<std::string>()) : std::nullopt;
  if (!endpoint) {
    const std::string shown = url && url->is_string() ? json_excerpt(json(redact_url(url->get<std::string>())))
      : url                                           ? json_excerpt(*url)
                                                      : "nothing";
    error(url ? pointer + "/url" : pointer, prefix + "url",
          fmt::format("expected an http(s) URL with a host, found {}", shown));
  } else if (has_token_in_query(url->get<std::string>())) {
    error(pointer + "/url", prefix + "url",
          "token_auth must not be in the URL (it would be sent in the URL of every hit and printed): "
          "use the target's \"token_auth\" or \"token_auth_file\" key instead");
  } else {
    spec.url = *endpoint;
  }
  const json* site = field("site_id");
  if (site == nullptr || !site->is_number_integer() || site->get<long long>() < 1 ||
      site->get<long long>() > 2147483647) {
    error(site ? pointer + "/site_id" : pointer, prefix + "site_id",
          fmt::format("expected an integer ≥ 1, found {}", site ? json_excerpt(*site) : "nothing"));
  } else {
    spec.site_id = site->get<int>();
  }
  if (const json* weight = field("weight")) {
    if (!weight->is_number_integer() || weight->get<long long>() < 0 || weight->get<long long>() > 1000000) {
      error(pointer + "/weight", prefix + "weight",
            fmt::format("expected an integer from 0 to 1000000, found {}", json_excerpt(*weight)));
    } else {
      spec.weight = weight->get<int>();
    }
  }
  if (const json* enabled = field("enabled")) {
    if (!enabled->is_boolean()) {
      error(pointer + "/enabled", prefix + "enabled",
            fmt::format("expected true or false, found {}", json_excerpt(*enabled)));
    } else {
      spec.enabled = enabled->get<bool>();
    }
  }
  auto token = read_token(item, pointer, prefix);
  if (token) {
    spec.token_auth = *token;
  }
  read_network(item, pointer, prefix, spec.network);
  if (!spec.network.client_key.empty() && spec.network.client_cert.empty()) {
    error(pointer + "/key", prefix + "key", "expected cert as well, found it unset");
  }
  if (m_diags.error_count() != errors_before) {
    return std::nullopt;
  }
  return spec;
}

routing::Strategy TargetReader::read_strategy(const json& root) {
  if (!root.contains("distribution_strategy")) {
    return routing::Strategy::round_robin;
  }
  const auto& v = root["distribution_strategy"];
  auto strategy = v.is_string() ? routing::parse_strategy(v.get<std::string>()) : std::nullopt;
  if (!strategy) {
    error("/distribution_strategy", "distribution_strategy",
          fmt::format("expected one of {}, found {}", routing::strategy_names(), json_excerpt(v)));
    return routing::Strategy::round_robin;
  }
  return *strategy;
}

std::optional<TargetsConfig> TargetReader::read() {
  const json& root = m_doc.root;
  if (!root.is_object()) {
    error("", "", fmt::format("expected a JSON object with \"targets\", found {}", json_excerpt(root)));
    return std::nullopt;
  }
  const std::size_t errors_before = m_diags.error_count();
  check_unknown(root, "", "", {"targets", "distribution_strategy"});
  TargetsConfig config;
  config.strategy = read_strategy(root);
  if (!root.contains("targets") || !root["targets"].is_array() || root["targets"].empty()) {
    error(root.contains("targets") ? "/targets" : "", "targets",
          fmt::format("expected a non-empty array of targets, found {}",
                      root.contains("targets") ? json_excerpt(root["targets"]) : "nothing"));
    return std::nullopt;
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < root["targets"].size(); ++i) {
    auto spec = read_target(root["targets"][i], i);
    if (!spec) {
      continue;
    }
    if (!names.insert(to_lower(spec->name)).second) {
      error(fmt::format("/targets/{}/name", i), fmt::format("targets[{}].name", i),
            fmt::format("expected a unique name, found \"{}\" again", spec->name));
    }
    if (config.strategy == routing::Strategy::weighted && spec->enabled && spec->weight < 1) {
      error(fmt::format("/targets/{}/weight", i), fmt::format("targets[{}].weight", i),
            fmt::format("expected a weight ≥ 1 with distribution_strategy weighted, found {}", spec->weight));
    }
    config.targets.push_back(std::move(*spec));
  }
  if (m_diags.error_count() == errors_before &&
      std::none_of(config.targets.begin(), config.targets.end(), [](const TargetSpec& t) { return t.enabled; })) {
    error("/targets", "targets", "expected at least one enabled target, found none");
  }
  if (m_diags.error_count() != errors_before) {
    return std::nullopt;
  }
  return config;
}

}  // namespace

std::optional<TargetsConfig> parse_targets(std::string_view text, const std::string& source, Diagnostics& diags,
                                           const EnvLookup& lookup, const std::string& base_dir) {
  auto doc = JsonDocument::parse(text, source, diags);
  if (!doc) {
    return std::nullopt;
  }
  return TargetReader(*doc, source, diags, lookup, base_dir).read();
}

}  // namespace tf::config
