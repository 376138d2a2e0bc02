#pragma once
// Params → bytes on the wire, and bulk answers → counts (matomo-tracking.md §3).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "matomo/params.hpp"

namespace tf::matomo {

/// Percent-encodes `text` (RFC 3986: only ALPHA DIGIT - . _ ~ kept; space as '+' when
/// `plus_for_space`) at `dest`, which must have room for 3 × text.size() characters (all of
/// them may be written). Returns the end of the encoded text.
char* percent_encode_to(std::string_view text, bool plus_for_space, char* dest);

/// `a=1&b=2` with RFC 3986 percent-encoding (only ALPHA DIGIT - . _ ~ kept), appended to `out`.
void append_query_string(const Params& params, std::string& out);
std::string query_string(const Params& params);

/// `endpoint?query` (joined to the endpoint's own query with &, before its fragment). Never carries a
/// token (tokens travel only in POST bodies).
std::string tracking_url(std::string_view endpoint, const Params& params);

/// An application/x-www-form-urlencoded body (space as '+'), with `token_auth` appended last
/// when `token` is non-empty.
std::string form_body(const Params& params, std::string_view token);

/// A bulk element: a JSON object of the parameters in order, values as strings, except
/// `ec_items` which is the real JSON array.
nlohmann::ordered_json bulk_element(const Params& params);

/// `{"requests":[...],"token_auth":"..."}` (token_auth only when non-empty).
std::string bulk_body(const std::vector<Params>& hits, std::string_view token);

/// One NDJSON record of a hit (no newline), keys in this order:
/// {"visit":i,"hit":k,"at_ms":<offset>,"target":"<name>","params":{<bulk element>}}, with
/// "token_auth":<token_shown> appended to params when token_shown is non-empty.
std::string hit_record(std::uint64_t visit, std::size_t hit, std::int64_t at_ms, std::string_view target,
                       const Params& params, std::string_view token_shown);

/// A bulk-tracking answer `{"status":"success","tracked":N,"invalid":M[,"invalid_indices":[...]]}`.
struct BulkAnswer {
  std::string status;  ///< "success" or "error"
  std::int64_t tracked = 0;
  std::int64_t invalid = 0;
  std::vector<std::int64_t> invalid_indices;  ///< only with a super-user token
  std::string message;  ///< an error answer's message ("" when none)
};

/// nullopt when `body` is not such an object (missing status or counts, or not JSON).
std::optional<BulkAnswer> parse_bulk_answer(std::string_view body);

}  // namespace tf::matomo
