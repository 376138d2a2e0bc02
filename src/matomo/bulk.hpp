#pragma once
// Bulk bodies written in place: the head, then the elements (each a JSON object, written by
// `append_hit_bulk_element` or `bulk_element(params).dump()` straight into the body, separated by
// commas), then the tail.
#include <string>
#include <string_view>

namespace tf::matomo {

/// `{"requests":[`, appended to `out`.
void append_bulk_head(std::string& out);
/// `]}`, or `],"token_auth":"..."}` when `token` is non-empty, appended to `out`: with
/// append_bulk_head and the elements between them, the bytes of bulk_body (wire.hpp).
void append_bulk_tail(std::string_view token, std::string& out);

/// `text` as a JSON string, quotes included, appended to `out`: the bytes of nlohmann's dump()
/// (`"` `\` and control characters escaped: \b \t \n \f \r, else \u00xx; "/" and UTF-8 kept).
/// Each invalid UTF-8 sequence becomes U+FFFD, as dump with error_handler_t::replace does,
/// where the default dump throws.
void append_json_string(std::string_view text, std::string& out);

}  // namespace tf::matomo
