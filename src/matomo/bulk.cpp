#include "matomo/bulk.hpp"

namespace tf::matomo {

void append_bulk_body_of_elements(const std::vector<const std::string*>& elements, std::string_view token,
                                  std::string& out) {
  constexpr std::string_view k_head = "{\"requests\":[";
  constexpr std::string_view k_token_key = ",\"token_auth\":";
  std::size_t size = out.size() + k_head.size() + 2 + k_token_key.size() + 6 * token.size() + 2;
  for (const auto* e : elements) {
    size += e->size() + 1;
  }
  out.reserve(size);
  out += k_head;
  for (std::size_t i = 0; i < elements.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    out += *elements[i];  // already valid JSON objects
  }
  out += ']';
  if (!token.empty()) {
    out += k_token_key;
    append_json_string(token, out);
  }
  out += '}';
}

} // namespace tf::matomo
