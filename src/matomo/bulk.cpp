#include "matomo/bulk.hpp"

namespace tf::matomo {

void append_bulk_head(std::string& out) { out += "{\"requests\":["; }

void append_bulk_tail(std::string_view token, std::string& out) {
  out += ']';
  if (!token.empty()) {
    out += ",\"token_auth\":";
    append_json_string(token, out);
  }
  out += '}';
}

}  // namespace tf::matomo
