#include "matomo/bulk.hpp"

#include <nlohmann/json.hpp>

namespace tf::matomo {

std::string bulk_body_of_elements(const std::vector<const std::string*>& elements, std::string_view token) {
  std::size_t size = 32 + token.size();
  for (const auto* e : elements) {
    size += e->size() + 1;
  }
  std::string body;
  body.reserve(size);
  body += "{\"requests\":[";
  for (std::size_t i = 0; i < elements.size(); ++i) {
    if (i > 0) {
      body += ',';
    }
    body += *elements[i];  // already valid JSON objects (nlohmann-serialised)
  }
  body += ']';
  if (!token.empty()) {
    body += ",\"token_auth\":";
    body += nlohmann::json(std::string(token)).dump();
  }
  body += '}';
  return body;
}

} // namespace tf::matomo
