#pragma once
// Bulk bodies from elements already serialised (each a JSON object, as built lazily per hit at
// send time by the engine), so a resent tail never re-encodes its hits.
#include <string>
#include <string_view>
#include <vector>

namespace tf::matomo {

/// `{"requests":[e1,e2,...],"token_auth":"..."}` (token_auth only when non-empty). Each element
/// must be a JSON object text produced by `bulk_element(params).dump()`.
std::string bulk_body_of_elements(const std::vector<const std::string*>& elements, std::string_view token);

} // namespace tf::matomo
