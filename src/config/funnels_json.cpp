#include "config/funnels_json.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "config/dotenv.hpp"
#include "config/json_source.hpp"
#include "util/error.hpp"

namespace tf::config {
namespace {

using nlohmann::json;

const std::vector<std::string> k_funnel_fields = {"name",    "description",           "probability", "priority",
                                                  "enabled", "exit_after_completion", "steps"};
const std::vector<std::string> k_common_step_fields = {"type", "url", "action_name", "delay_seconds_min",
                                                       "delay_seconds_max"};
/// Fields the predecessor's UI exported but its loader ignored: accepted with a warning.
const std::vector<std::string> k_ignored_step_fields = {"title", "ecommerce_items", "ecommerce_currency"};

struct TypeRule {
  StepType type;
  std::vector<std::string> required;
  std::vector<std::string> optional;
};

const std::map<std::string, TypeRule> k_step_types = {
  {"pageview", {StepType::pageview, {}, {}}},
  {"event", {StepType::event, {"event_category", "event_action"}, {"event_name", "event_value"}}},
  {"site_search", {StepType::site_search, {"search_keyword"}, {"search_category", "search_results"}}},
  {"outlink", {StepType::outlink, {"target_url"}, {}}},
  {"download", {StepType::download, {"target_url"}, {}}},
  {"ecommerce",
   {StepType::ecommerce, {}, {"ecommerce_revenue", "ecommerce_subtotal", "ecommerce_tax", "ecommerce_shipping"}}},
  {"goal", {StepType::goal, {"goal_id"}, {"goal_revenue"}}},
};

class FunnelReader {
public:
  FunnelReader(const JsonDocument& doc, const std::string& source, Diagnostics& diags)
    : m_doc(doc), m_source(source), m_diags(diags) {}
  std::optional<std::vector<Funnel>> read();

private:
  const JsonDocument& m_doc;
  const std::string& m_source;
  Diagnostics& m_diags;
  std::string m_pointer;  ///< of the object being read
  std::string m_prefix;  ///< key prefix such as "[0].steps[1]."

  void error(const std::string& field, const std::string& message, bool at_key = false) {
    const auto p = m_doc.where(field.empty() ? m_pointer : m_pointer + "/" + pointer_token(field), at_key);
    m_diags.error(m_source, p.line, p.col, field.empty() ? m_prefix.substr(0, m_prefix.size() - 1) : m_prefix + field,
                  message);
  }
  const json* get(const json& o, const std::string& field) const {
    return o.contains(field) && !o[field].is_null() ? &o[field] : nullptr;
  }
  std::string read_string(const json& o, const std::string& field, std::size_t max_len, bool required);
  std::optional<double> read_number(const json& o, const std::string& field, double lo, double hi);
  std::optional<bool> read_bool(const json& o, const std::string& field);
  void check_fields(const json& o, const std::vector<std::string>& allowed, const std::string& what);
  std::optional<Funnel> read_funnel(const json& item, std::size_t index);
  std::optional<FunnelStep> read_step(const json& item);
  void read_type_fields(const json& item, FunnelStep& step);
};

std::string FunnelReader::read_string(const json& o, const std::string& field, std::size_t max_len, bool required) {
  const json* v = get(o, field);
  if (v == nullptr) {
    if (required) {
      error("", fmt::format("expected a field \"{}\", found none", field));
    }
    return "";
  }
  if (!v->is_string() || v->get<std::string>().size() > max_len || (required && v->get<std::string>().empty())) {
    error(
      field,
      fmt::format("expected a string of {} to {} characters, found {}", required ? 1 : 0, max_len, json_excerpt(*v)));
    return "";
  }
  return v->get<std::string>();
}

std::optional<double> FunnelReader::read_number(const json& o, const std::string& field, double lo, double hi) {
  const json* v = get(o, field);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (!v->is_number() || v->get<double>() < lo || v->get<double>() > hi) {
    error(field, fmt::format("expected a number from {} to {}, found {}", lo, hi, json_excerpt(*v)));
    return std::nullopt;
  }
  return v->get<double>();
}

std::optional<bool> FunnelReader::read_bool(const json& o, const std::string& field) {
  const json* v = get(o, field);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (!v->is_boolean()) {
    error(field, fmt::format("expected true or false, found {}", json_excerpt(*v)));
    return std::nullopt;
  }
  return v->get<bool>();
}

void FunnelReader::check_fields(const json& o, const std::vector<std::string>& allowed, const std::string& what) {
  for (const auto& [name, value] : o.items()) {
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) {
      continue;
    }
    if (std::find(k_ignored_step_fields.begin(), k_ignored_step_fields.end(), name) != k_ignored_step_fields.end() &&
        what != "funnel") {
      const auto p = m_doc.where(m_pointer + "/" + pointer_token(name), true);
      m_diags.warning(m_source, p.line, p.col, m_prefix + name, "ignored (the predecessor's loader ignored it too)");
      continue;
    }
    const std::string hint = closest_match(name, allowed);
    error(name,
          hint.empty() ? fmt::format("unknown field of {}", what)
                       : fmt::format("unknown field of {}; did you mean {}?", what, hint),
          true);
  }
}

void FunnelReader::read_type_fields(const json& item, FunnelStep& step) {
  step.event_category = read_string(item, "event_category", 500, step.type == StepType::event);
  step.event_action = read_string(item, "event_action", 500, step.type == StepType::event);
  step.event_name = read_string(item, "event_name", 500, false);
  step.event_value = read_number(item, "event_value", -1e12, 1e12);
  step.search_keyword = read_string(item, "search_keyword", 500, step.type == StepType::site_search);
  step.search_category = read_string(item, "search_category", 500, false);
  if (const json* v = get(item, "search_results")) {
    if (!v->is_number_integer() || v->get<long long>() < 0 || v->get<long long>() > 1000000) {
      error("search_results", fmt::format("expected an integer from 0 to 1000000, found {}", json_excerpt(*v)));
    } else {
      step.search_results = v->get<int>();
    }
  }
  const bool link = step.type == StepType::outlink || step.type == StepType::download;
  step.target_url = read_string(item, "target_url", 2000, link);
  step.ecommerce_revenue = read_number(item, "ecommerce_revenue", 0, 1e9);
  step.ecommerce_subtotal = read_number(item, "ecommerce_subtotal", 0, 1e9);
  step.ecommerce_tax = read_number(item, "ecommerce_tax", 0, 1e9);
  step.ecommerce_shipping = read_number(item, "ecommerce_shipping", 0, 1e9);
  if (const json* v = get(item, "goal_id")) {
    if (!v->is_number_integer() || v->get<long long>() < 1 || v->get<long long>() > 2147483647) {
      error("goal_id", fmt::format("expected an integer ≥ 1, found {}", json_excerpt(*v)));
    } else {
      step.goal_id = v->get<int>();
    }
  } else if (step.type == StepType::goal) {
    error("", "expected a field \"goal_id\", found none");
  }
  step.goal_revenue = read_number(item, "goal_revenue", 0, 1e9);
}

std::optional<FunnelStep> FunnelReader::read_step(const json& item) {
  if (!item.is_object()) {
    error("", fmt::format("expected a step object, found {}", json_excerpt(item)));
    return std::nullopt;
  }
  const json* type = get(item, "type");
  const auto rule = type && type->is_string() ? k_step_types.find(type->get<std::string>()) : k_step_types.end();
  if (rule == k_step_types.end()) {
    if (type == nullptr) {
      error("", "expected a field \"type\", found none");
    } else {
      error("type",
            fmt::format("expected one of pageview|event|site_search|outlink|download|ecommerce|goal, found {}",
                        json_excerpt(*type)));
    }
    return std::nullopt;
  }
  std::vector<std::string> allowed = k_common_step_fields;
  allowed.insert(allowed.end(), rule->second.required.begin(), rule->second.required.end());
  allowed.insert(allowed.end(), rule->second.optional.begin(), rule->second.optional.end());
  check_fields(item, allowed, fmt::format("a {} step", rule->first));
  FunnelStep step;
  step.type = rule->second.type;
  step.url = read_string(item, "url", 2000, false);
  step.action_name = read_string(item, "action_name", 500, false);
  step.delay_seconds_min = read_number(item, "delay_seconds_min", 0, 3600).value_or(0);
  step.delay_seconds_max = read_number(item, "delay_seconds_max", 0, 3600).value_or(step.delay_seconds_min);
  if (step.delay_seconds_max < step.delay_seconds_min) {
    error("delay_seconds_max",
          fmt::format("expected a number ≥ delay_seconds_min ({}), found {}", step.delay_seconds_min,
                      step.delay_seconds_max));
  }
  read_type_fields(item, step);
  return step;
}

std::optional<Funnel> FunnelReader::read_funnel(const json& item, std::size_t index) {
  m_pointer = fmt::format("/{}", index);
  m_prefix = fmt::format("[{}].", index);
  if (!item.is_object()) {
    error("", fmt::format("expected a funnel object, found {}", json_excerpt(item)));
    return std::nullopt;
  }
  check_fields(item, k_funnel_fields, "funnel");
  Funnel funnel;
  funnel.name = read_string(item, "name", 100, true);
  funnel.description = read_string(item, "description", 500, false);
  funnel.probability = read_number(item, "probability", 0, 1).value_or(0);
  funnel.priority = static_cast<int>(read_number(item, "priority", -1e6, 1e6).value_or(0));
  funnel.enabled = read_bool(item, "enabled").value_or(true);
  funnel.exit_after_completion = read_bool(item, "exit_after_completion").value_or(true);
  const json* steps = get(item, "steps");
  if (steps == nullptr || !steps->is_array() || steps->empty()) {
    error(steps ? "steps" : "",
          fmt::format("expected a non-empty array of steps, found {}", steps ? json_excerpt(*steps) : "nothing"));
    return funnel;
  }
  for (std::size_t i = 0; i < steps->size(); ++i) {
    m_pointer = fmt::format("/{}/steps/{}", index, i);
    m_prefix = fmt::format("[{}].steps[{}].", index, i);
    if (auto step = read_step((*steps)[i])) {
      if (i == 0 && step->type != StepType::pageview) {
        error("type", fmt::format("expected the first step to be a pageview, found \"{}\"", to_string(step->type)));
      }
      funnel.steps.push_back(std::move(*step));
    }
  }
  return funnel;
}

std::optional<std::vector<Funnel>> FunnelReader::read() {
  if (!m_doc.root.is_array()) {
    const auto p = m_doc.where("");
    m_diags.error(m_source, p.line, p.col, "",
                  fmt::format("expected a JSON array of funnels, found {}", json_excerpt(m_doc.root)));
    return std::nullopt;
  }
  const std::size_t errors_before = m_diags.error_count();
  std::vector<Funnel> funnels;
  for (std::size_t i = 0; i < m_doc.root.size(); ++i) {
    if (auto funnel = read_funnel(m_doc.root[i], i)) {
      funnels.push_back(std::move(*funnel));
    }
  }
  if (m_diags.error_count() != errors_before) {
    return std::nullopt;
  }
  return funnels;
}

}  // namespace

const char* to_string(StepType type) {
  switch (type) {
    case StepType::pageview: return "pageview";
    case StepType::event: return "event";
    case StepType::site_search: return "site_search";
    case StepType::outlink: return "outlink";
    case StepType::download: return "download";
    case StepType::ecommerce: return "ecommerce";
    case StepType::goal: return "goal";
  }
  return "pageview";
}

std::optional<std::vector<Funnel>> parse_funnels(std::string_view text, const std::string& source, Diagnostics& diags) {
  auto doc = JsonDocument::parse(text, source, diags);
  if (!doc) {
    return std::nullopt;
  }
  return FunnelReader(*doc, source, diags).read();
}

std::vector<Funnel> load_funnels(const std::string& path) {
  std::string why;
  auto text = read_text_file(path, why);
  if (!text) {
    throw Error(fmt::format("{}: {}", path, why));
  }
  Diagnostics diags;
  auto funnels = parse_funnels(*text, path, diags);
  if (!funnels) {
    throw Error(join_errors(diags));
  }
  return *funnels;
}

}  // namespace tf::config
