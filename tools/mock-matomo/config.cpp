#include "config.hpp"

#include <fstream>
#include <sstream>

#include <date/tz.h>
#include <fmt/format.h>

#include "util/error.hpp"

namespace tf::mock {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& origin, const std::string& what) {
  throw tf::Error(fmt::format("{}: {}", origin, what));
}

Goal parse_goal(const json& j, const std::string& where) {
  Goal goal;
  if (j.is_number_integer()) {
    goal.id = j.get<int>();
  } else if (j.is_object() && j.contains("id") && j["id"].is_number_integer()) {
    goal.id = j["id"].get<int>();
    goal.allow_multiple = j.value("allow_multiple", false);
  } else {
    fail(where, "a goal must be an id or {\"id\":N,\"allow_multiple\":bool}");
  }
  if (goal.id < 1) {
    fail(where, fmt::format("goal id must be >= 1, found {}", goal.id));
  }
  return goal;
}

Site parse_site(const json& j, const std::string& where) {
  if (!j.is_object() || !j.contains("id") || !j["id"].is_number_integer()) {
    fail(where, "a site needs an integer \"id\"");
  }
  Site site;
  site.id = j["id"].get<int>();
  if (site.id < 1) {
    fail(where, fmt::format("site id must be >= 1, found {}", site.id));
  }
  site.timezone = j.value("timezone", std::string{"UTC"});
  try {
    (void)date::locate_zone(site.timezone);
  } catch (const std::exception&) {
    fail(where, fmt::format("unknown timezone \"{}\"", site.timezone));
  }
  site.site_search = j.value("site_search", true);
  if (j.contains("goals")) {
    for (const auto& g : j["goals"]) {
      site.goals.push_back(parse_goal(g, where + ".goals"));
    }
  }
  return site;
}

Token parse_token(const json& j, const std::string& where) {
  if (!j.is_object() || !j.contains("token") || !j["token"].is_string()) {
    fail(where, "a token needs a string \"token\"");
  }
  Token token;
  token.value = j["token"].get<std::string>();
  token.super = j.value("super", false);
  if (j.contains("sites")) {
    if (!j["sites"].is_array()) {
      fail(where, "\"sites\" must be an array of site ids");
    }
    for (const auto& s : j["sites"]) {
      token.sites.insert(s.get<int>());
    }
  }
  return token;
}

}  // namespace

MockConfig MockConfig::defaults() {
  MockConfig config;
  Site site;
  for (int id = 1; id <= 5; ++id) {
    site.goals.push_back(Goal{id, false});
  }
  config.sites.push_back(site);
  return config;
}

MockConfig MockConfig::from_json(const json& doc, const std::string& origin) {
  if (!doc.is_object()) {
    fail(origin, "the mock configuration must be a JSON object");
  }
  MockConfig config = defaults();
  for (const auto& [key, value] : doc.items()) {
    static const std::set<std::string> k_known{"sites", "tokens", "faults", "mode", "max_stored_hits"};
    if (k_known.count(key) == 0) {
      fail(origin, fmt::format("unknown key \"{}\"", key));
    }
  }
  try {
    if (doc.contains("sites")) {
      config.sites.clear();
      for (std::size_t i = 0; i < doc["sites"].size(); ++i) {
        config.sites.push_back(parse_site(doc["sites"][i], fmt::format("{}: sites[{}]", origin, i)));
      }
    }
    if (doc.contains("tokens")) {
      for (std::size_t i = 0; i < doc["tokens"].size(); ++i) {
        config.tokens.push_back(parse_token(doc["tokens"][i], fmt::format("{}: tokens[{}]", origin, i)));
      }
    }
    const auto mode = doc.value("mode", std::string{"strict"});
    if (mode != "strict" && mode != "compat") {
      fail(origin, fmt::format("\"mode\" must be \"strict\" or \"compat\", found \"{}\"", mode));
    }
    config.strict = mode == "strict";
    config.max_stored_hits = doc.value("max_stored_hits", config.max_stored_hits);
    if (doc.contains("faults")) {
      config.faults = FaultPlan::from_json(doc["faults"]);
    }
  } catch (const json::exception& e) {
    fail(origin, e.what());
  }
  return config;
}

MockConfig MockConfig::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw tf::Error(fmt::format("{}: cannot open the mock configuration", path));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  json doc;
  try {
    doc = json::parse(buffer.str());
  } catch (const json::parse_error& e) {
    fail(path, e.what());
  }
  return from_json(doc, path);
}

const Site* MockConfig::find_site(int id) const {
  for (const auto& site : sites) {
    if (site.id == id) {
      return &site;
    }
  }
  return nullptr;
}

bool MockConfig::token_valid_for(const std::string& token, int site_id) const {
  if (token.empty()) {
    return false;
  }
  for (const auto& t : tokens) {
    if (t.value == token) {
      return t.super || t.sites.count(site_id) > 0;
    }
  }
  return false;
}

bool MockConfig::token_is_super(const std::string& token) const {
  for (const auto& t : tokens) {
    if (!token.empty() && t.value == token) {
      return t.super;
    }
  }
  return false;
}

}  // namespace tf::mock
