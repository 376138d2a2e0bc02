#pragma once
// Reading requests as Matomo does: query strings, form bodies, bulk JSON bodies, the effective
// hit time and the visitor key (reference/matomo-tracking.md §1.1, §3, §4).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "matomo/params.hpp"

namespace tf::mock {

using tf::matomo::Params;

/// Decodes %XX escapes and '+' (space); malformed escapes are kept as they are.
std::string url_decode(std::string_view text);
/// Parses "a=1&b=2" in order (no leading '?'); a key without '=' gets an empty value.
Params parse_query(std::string_view query);
/// The query part of a request target or URL (after '?', before '#'); empty if none.
std::string_view query_of(std::string_view target);

/// Merges the URL query and the form body, the query winning; `conflicts` receives each name
/// given twice with different values.
Params merge_params(const Params& query, const Params& form, std::vector<std::string>& conflicts);

/// Matomo's bulk detection: the body contains "requests" in quotes after its first byte.
bool is_bulk_body(std::string_view body);

struct BulkElement {
  Params params;
  std::string error;  ///< reason code when the element itself is malformed (strict: invalid)
  bool ignored = false;  ///< compat: dropped silently and not counted (string without '?')
};

struct BulkBody {
  std::string error;  ///< BULK_MALFORMED etc.; empty when the body parsed
  std::vector<std::string> unknown_keys;
  std::string token;  ///< top-level token_auth
  bool send_image = true;
  std::vector<BulkElement> elements;
};

/// Parses a bulk body (reference §3 and §7.4).
BulkBody parse_bulk(std::string_view body);

/// `cdt` as UNIX seconds: an integer, or "YYYY-MM-DD HH:MM:SS" in UTC; nullopt otherwise.
std::optional<std::int64_t> parse_cdt(std::string_view cdt);

/// The time Matomo records the hit at (UNIX seconds): cdt − |cdo| when valid, not in the future
/// and not older than 20 years; otherwise now − |cdo| when only cdo is given; otherwise now.
std::int64_t effective_time(const Params& params, std::int64_t now_s);

/// The visitor key Matomo matches on: "u:<uid>" › "v:<cid>" › "v:<first 16 of _id>" (lowercase);
/// empty when the hit carries no usable id (fingerprint matching).
std::string visitor_id_of(const Params& params);

/// "name|keyword" of the campaign in the hit's `url`, lowercase; empty when there is none.
std::string campaign_of(const Params& params);

/// Parameters with every token_auth value replaced by "***".
Params redacted(const Params& params);

}  // namespace tf::mock
