#include "matomo/wire.hpp"

#include <array>

namespace tf::matomo {
namespace {

constexpr std::array<bool, 256> make_unreserved() {
  std::array<bool, 256> table{};
  for (int c = 'A'; c <= 'Z'; ++c) table[static_cast<std::size_t>(c)] = true;
  for (int c = 'a'; c <= 'z'; ++c) table[static_cast<std::size_t>(c)] = true;
  for (int c = '0'; c <= '9'; ++c) table[static_cast<std::size_t>(c)] = true;
  for (const char c : {'-', '.', '_', '~'}) table[static_cast<std::size_t>(c)] = true;
  return table;
}

constexpr std::array<bool, 256> k_unreserved = make_unreserved();
constexpr std::string_view k_hex = "0123456789ABCDEF";

/// Percent-encodes `text` at `dest` (room for 3 × size needed); returns the end.
char* encode_to(std::string_view text, bool plus_for_space, char* dest) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (k_unreserved[byte]) {
      *dest++ = c;
    } else if (plus_for_space && c == ' ') {
      *dest++ = '+';
    } else {
      *dest++ = '%';
      *dest++ = k_hex[byte >> 4U];
      *dest++ = k_hex[byte & 0x0fU];
    }
  }
  return dest;
}

void append_encoded(std::string_view text, bool plus_for_space, std::string& out) {
  const std::size_t old = out.size();
  out.resize(old + 3 * text.size());
  char* end = encode_to(text, plus_for_space, out.data() + old);
  out.resize(static_cast<std::size_t>(end - out.data()));
}

void append_pairs(const Params& params, bool plus_for_space, std::string& out) {
  std::size_t bound = 0;
  for (const auto& [key, value] : params) {
    bound += 3 * (key.size() + value.size()) + 2;
  }
  const std::size_t old = out.size();
  out.resize(old + bound);
  char* dest = out.data() + old;
  bool first = true;
  for (const auto& [key, value] : params) {
    if (!first) {
      *dest++ = '&';
    }
    first = false;
    dest = encode_to(key, plus_for_space, dest);
    *dest++ = '=';
    dest = encode_to(value, plus_for_space, dest);
  }
  out.resize(static_cast<std::size_t>(dest - out.data()));
}

} // namespace

void append_query_string(const Params& params, std::string& out) { append_pairs(params, false, out); }

std::string query_string(const Params& params) {
  std::string out;
  out.reserve(1024);
  append_query_string(params, out);
  return out;
}

std::string tracking_url(std::string_view endpoint, const Params& params) {
  std::string out(endpoint);
  out.reserve(endpoint.size() + 1024);
  out.push_back('?');
  append_query_string(params, out);
  return out;
}

std::string form_body(const Params& params, std::string_view token) {
  std::string out;
  out.reserve(1024);
  append_pairs(params, true, out);
  if (!token.empty()) {
    out += params.empty() ? "token_auth=" : "&token_auth=";
    append_encoded(token, true, out);
  }
  return out;
}

nlohmann::ordered_json bulk_element(const Params& params) {
  nlohmann::ordered_json element = nlohmann::ordered_json::object();
  for (const auto& [key, value] : params) {
    if (key == "ec_items") {
      auto items = nlohmann::ordered_json::parse(value, nullptr, false);
      element[key] = items.is_discarded() ? nlohmann::ordered_json(value) : std::move(items);
    } else {
      element[key] = value;
    }
  }
  return element;
}

std::string bulk_body(const std::vector<Params>& hits, std::string_view token) {
  nlohmann::ordered_json body = nlohmann::ordered_json::object();
  auto& requests = body["requests"] = nlohmann::ordered_json::array();
  for (const auto& hit : hits) {
    requests.push_back(bulk_element(hit));
  }
  if (!token.empty()) {
    body["token_auth"] = std::string(token);
  }
  return body.dump();
}

std::string hit_record(std::uint64_t visit, std::size_t hit, std::int64_t at_ms, std::string_view target,
                       const Params& params, std::string_view token_shown) {
  nlohmann::ordered_json json;
  json["visit"] = visit;
  json["hit"] = hit;
  json["at_ms"] = at_ms;
  json["target"] = std::string(target);
  auto element = bulk_element(params);
  if (!token_shown.empty()) {
    element["token_auth"] = std::string(token_shown);
  }
  json["params"] = std::move(element);
  return json.dump();
}

std::optional<BulkAnswer> parse_bulk_answer(std::string_view body) {
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object()) {
    return std::nullopt;
  }
  const auto status = json.find("status");
  const auto tracked = json.find("tracked");
  const auto invalid = json.find("invalid");
  if (status == json.end() || !status->is_string() || tracked == json.end() || !tracked->is_number_integer() ||
      (invalid != json.end() && !invalid->is_number_integer())) {
    return std::nullopt;
  }
  BulkAnswer answer;
  answer.status = status->get<std::string>();
  answer.tracked = tracked->get<std::int64_t>();
  answer.invalid = invalid == json.end() ? 0 : invalid->get<std::int64_t>();
  if (const auto indices = json.find("invalid_indices"); indices != json.end() && indices->is_array()) {
    for (const auto& index : *indices) {
      if (index.is_number_integer()) {
        answer.invalid_indices.push_back(index.get<std::int64_t>());
      }
    }
  }
  return answer;
}

} // namespace tf::matomo
