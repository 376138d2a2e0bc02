#include "wire.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <sstream>

#include <date/date.h>
#include <nlohmann/json.hpp>

#include "util/units.hpp"

namespace tf::mock {
namespace {

using nlohmann::json;

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

constexpr std::int64_t k_twenty_years_s = 20LL * 365 * 86400;

std::optional<std::string> scalar_text(const json& v) {
  if (v.is_string()) {
    return v.get<std::string>();
  }
  if (v.is_number_integer()) {
    return std::to_string(v.get<long long>());
  }
  if (v.is_number()) {
    return v.dump();
  }
  if (v.is_boolean()) {
    return std::string{v.get<bool>() ? "1" : "0"};
  }
  return std::nullopt;
}

BulkElement element_from(const json& e) {
  BulkElement element;
  if (e.is_string()) {
    const auto text = e.get<std::string>();
    if (text.find('?') == std::string::npos) {
      element.error = "BULK_ELEMENT_NO_QUERY";
      element.ignored = true;
    } else {
      element.params = parse_query(query_of(text));
    }
    return element;
  }
  if (!e.is_object()) {
    element.error = "BULK_ELEMENT_TYPE";
    return element;
  }
  if (e.empty()) {
    element.error = "BULK_ELEMENT_EMPTY";
    return element;
  }
  static const std::array<std::string_view, 4> k_json_params{"ec_items", "_cvar", "cvar", "uadata"};
  for (const auto& [key, value] : e.items()) {
    if (auto text = scalar_text(value)) {
      element.params.emplace_back(key, *text);
    } else if (!value.is_null() && std::find(k_json_params.begin(), k_json_params.end(), key) != k_json_params.end()) {
      element.params.emplace_back(key, value.dump());
    } else {
      element.error = "BULK_ELEMENT_VALUE";
    }
  }
  return element;
}

}  // namespace

std::string url_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Params parse_query(std::string_view query) {
  Params params;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) {
      continue;
    }
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) {
      params.emplace_back(url_decode(pair), std::string{});
    } else {
      params.emplace_back(url_decode(pair.substr(0, eq)), url_decode(pair.substr(eq + 1)));
    }
  }
  return params;
}

std::string_view query_of(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) {
    return {};
  }
  auto query = target.substr(q + 1);
  return query.substr(0, query.find('#'));
}

Params merge_params(const Params& query, const Params& form, std::vector<std::string>& conflicts) {
  Params merged;
  auto add = [&](const tf::matomo::Param& p) {
    auto it = std::find_if(merged.begin(), merged.end(), [&](const auto& m) { return m.first == p.first; });
    if (it == merged.end()) {
      merged.push_back(p);
    } else if (it->second != p.second && std::find(conflicts.begin(), conflicts.end(), p.first) == conflicts.end()) {
      conflicts.push_back(p.first);
    }
  };
  std::for_each(query.begin(), query.end(), add);
  std::for_each(form.begin(), form.end(), add);
  return merged;
}

bool is_bulk_body(std::string_view body) {
  const auto pos = body.find("\"requests\"");
  const auto alt = body.find("'requests'");
  return (pos != std::string_view::npos && pos > 0) || (alt != std::string_view::npos && alt > 0);
}

BulkBody parse_bulk(std::string_view body) {
  BulkBody bulk;
  const json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    bulk.error = "BULK_MALFORMED";
    return bulk;
  }
  if (!doc.contains("requests") || !doc["requests"].is_array()) {
    bulk.error = "BULK_NO_REQUESTS";
    return bulk;
  }
  for (const auto& [key, value] : doc.items()) {
    if (key == "token_auth" && value.is_string()) {
      bulk.token = value.get<std::string>();
    } else if (key == "send_image") {
      bulk.send_image = scalar_text(value).value_or("1") != "0";
    } else if (key != "requests") {
      bulk.unknown_keys.push_back(key);
    }
  }
  for (const auto& e : doc["requests"]) {
    bulk.elements.push_back(element_from(e));
  }
  return bulk;
}

std::optional<std::int64_t> parse_cdt(std::string_view cdt) {
  if (auto seconds = tf::parse_int(cdt)) {
    return static_cast<std::int64_t>(*seconds);
  }
  if (cdt.size() != 19) {
    return std::nullopt;
  }
  std::istringstream in{std::string{cdt}};
  date::sys_seconds tp;
  in >> date::parse("%Y-%m-%d %H:%M:%S", tp);
  if (in.fail()) {
    return std::nullopt;
  }
  return tp.time_since_epoch().count();
}

std::int64_t effective_time(const Params& params, std::int64_t now_s) {
  std::int64_t offset = 0;
  if (auto cdo = tf::matomo::find(params, "cdo")) {
    offset = std::llabs(tf::parse_int(*cdo).value_or(0));
  }
  if (auto cdt_text = tf::matomo::find(params, "cdt")) {
    if (auto cdt = parse_cdt(*cdt_text)) {
      const auto t = *cdt - offset;
      if (t <= now_s && t > now_s - k_twenty_years_s) {
        return t;
      }
      return now_s;
    }
  }
  return now_s - offset;
}

std::string visitor_id_of(const Params& params) {
  if (auto uid = tf::matomo::find(params, "uid"); uid && !uid->empty()) {
    return "u:" + std::string{*uid};
  }
  if (auto cid = tf::matomo::find(params, "cid"); cid && !cid->empty()) {
    return "v:" + tf::to_lower(*cid);
  }
  if (auto id = tf::matomo::find(params, "_id"); id && id->size() >= 16) {
    return "v:" + tf::to_lower(id->substr(0, 16));
  }
  return {};
}

std::string campaign_of(const Params& params) {
  static const std::array<std::string_view, 8> k_names{"pk_cpn",       "pk_campaign",     "piwik_campaign",
                                                       "mtm_campaign", "matomo_campaign", "utm_campaign",
                                                       "utm_source",   "utm_medium"};
  static const std::array<std::string_view, 7> k_keywords{"pk_kwd",      "pk_keyword", "piwik_kwd", "mtm_kwd",
                                                          "mtm_keyword", "matomo_kwd", "utm_term"};
  const auto url = tf::matomo::find(params, "url");
  if (!url) {
    return {};
  }
  const auto query = parse_query(query_of(*url));
  auto first_of = [&](const auto& names) {
    for (const auto& name : names) {
      if (auto v = tf::matomo::find(query, name); v && !v->empty()) {
        return tf::to_lower(*v);
      }
    }
    return std::string{};
  };
  const auto name = first_of(k_names);
  return name.empty() ? std::string{} : name + "|" + first_of(k_keywords);
}

Params redacted(const Params& params) {
  Params out = params;
  for (auto& [key, value] : out) {
    if (key == "token_auth") {
      value = "***";
    }
  }
  return out;
}

}  // namespace tf::mock
