#pragma once
// Bulk bodies from elements already serialised (each a JSON object, as built lazily per hit at
// send time by the engine), so a resent tail never re-encodes its hits.
#include <string>
#include <string_view>
#include <vector>

namespace tf::matomo {

/// Appends `{"requests":[e1,e2,...],"token_auth":"..."}` (token_auth only when non-empty) to
/// `out`, with one reservation. Each element must be a JSON object text, as
/// `append_hit_bulk_element` or `bulk_element(params).dump()` writes it.
void append_bulk_body_of_elements(const std::vector<const std::string*>& elements, std::string_view token,
                                  std::string& out);

/// `text` as a JSON string, quotes included, appended to `out`: the bytes of nlohmann's dump()
/// (`"` `\` and control characters escaped: \b \t \n \f \r, else \u00xx; "/" and UTF-8 kept).
/// Each invalid UTF-8 sequence becomes U+FFFD, as dump with error_handler_t::replace does,
/// where the default dump throws.
void append_json_string(std::string_view text, std::string& out);

} // namespace tf::matomo
