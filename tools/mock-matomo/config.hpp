#pragma once
// What the mock knows about its Matomo: sites, tokens, strictness and the initial faults
// (reference/matomo-tracking.md §7).
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faults.hpp"

namespace tf::mock {

struct Goal {
  int id = 0;
  bool allow_multiple = false;  ///< false: converted at most once per visit
};

struct Site {
  int id = 1;
  std::string timezone = "UTC";  ///< IANA name; visits split at site-local midnight
  bool site_search = true;
  std::vector<Goal> goals;
};

struct Token {
  std::string value;
  bool super = false;
  std::set<int> sites;  ///< write/admin access; ignored for a super-user token
};

struct MockConfig {
  std::vector<Site> sites;
  std::vector<Token> tokens;
  bool strict = true;  ///< false = compat: only Matomo-equivalent violations reject
  FaultPlan faults;
  std::size_t max_stored_hits = 500'000;  ///< /mock/hits keeps at most this many

  /// Site 1 in UTC with site search and goals 1–5 (once per visit), no tokens, strict.
  static MockConfig defaults();
  /// Parses the config JSON; throws tf::Error naming `origin` and the offending key.
  static MockConfig from_json(const nlohmann::json& doc, const std::string& origin);
  /// Reads and parses a config file; throws tf::Error.
  static MockConfig load(const std::string& path);

  const Site* find_site(int id) const;
  /// True if `token` is valid for `site_id` (super user, or write access to that site).
  bool token_valid_for(const std::string& token, int site_id) const;
  bool token_is_super(const std::string& token) const;
};

}  // namespace tf::mock
