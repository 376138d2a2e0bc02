#include "matomo/wire.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "matomo/blocks.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tf::matomo {
namespace {

/// One byte's encoding packed in 4 bytes: up to 3 characters, then how many of them count.
using Escape = std::array<char, 4>;
using EscapeTable = std::array<Escape, 256>;

constexpr bool is_unreserved(std::size_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
    c == '_' || c == '~';
}

constexpr EscapeTable make_escapes(bool plus_for_space) {
  constexpr std::string_view hex = "0123456789ABCDEF";
  EscapeTable table{};
  for (std::size_t byte = 0; byte < table.size(); ++byte) {
    if (is_unreserved(byte)) {
      table[byte] = {static_cast<char>(byte), 0, 0, 1};
    } else if (plus_for_space && byte == ' ') {
      table[byte] = {'+', 0, 0, 1};
    } else {
      table[byte] = {'%', hex[byte >> 4U], hex[byte & 0x0fU], 3};
    }
  }
  return table;
}

constexpr EscapeTable k_query_escapes = make_escapes(false);
constexpr EscapeTable k_form_escapes = make_escapes(true);

/// Escapes one byte at `dest` with a 4-byte store (room for 4 needed); returns the new end.
char* escape_byte(const EscapeTable& table, char c, char* dest) {
  const Escape& entry = table[static_cast<unsigned char>(c)];
  const auto size = static_cast<std::size_t>(entry[3]);  // read before the store may alias it
  std::uint32_t packed = 0;
  std::memcpy(&packed, entry.data(), sizeof packed);
  std::memcpy(dest, &packed, sizeof packed);
  return dest + size;
}

#if defined(__SSE2__)
/// In [lo, hi], per byte (unsigned: x - lo <= hi - lo).
__m128i in_range(__m128i v, char lo, char hi) {
  const __m128i shifted = _mm_sub_epi8(v, _mm_set1_epi8(lo));
  const auto width = static_cast<char>(hi - lo);
  return _mm_cmpeq_epi8(_mm_min_epu8(shifted, _mm_set1_epi8(width)), shifted);
}

/// Bit i set when byte i of the 16 at `src` is unreserved (RFC 3986).
unsigned unreserved_mask(const char* src) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src));
  __m128i ok = _mm_or_si128(in_range(v, 'A', 'Z'), in_range(v, 'a', 'z'));
  ok = _mm_or_si128(ok, in_range(v, '0', '9'));
  ok = _mm_or_si128(ok, in_range(v, '-', '.'));
  ok = _mm_or_si128(ok, _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
  ok = _mm_or_si128(ok, _mm_cmpeq_epi8(v, _mm_set1_epi8('~')));
  return static_cast<unsigned>(_mm_movemask_epi8(ok));
}

#endif

/// Each byte becomes 1 or 3 characters. The stores run ahead of the end (blocks of 16, entries
/// of 4) but never past 3 × text.size(), the room the caller provides.
char* encode_to(std::string_view text, bool plus_for_space, char* dest) {
  if (text.empty()) {
    return dest;
  }
  const EscapeTable& table = plus_for_space ? k_form_escapes : k_query_escapes;
  const char* src = text.data();
  const char* const src_end = src + text.size();
#if defined(__SSE2__)
  detail::copy_blocks(src, src_end, dest, unreserved_mask,
                      [&table](const char*& at, char*& out) { out = escape_byte(table, *at++, out); });
#endif
  for (; src + 1 < src_end; ++src) {
    dest = escape_byte(table, *src, dest);
  }
  if (src == src_end) {
    return dest;
  }
  const Escape& entry = table[static_cast<unsigned char>(*src)];
  std::memcpy(dest, entry.data(), 3);
  return dest + entry[3];
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

}  // namespace

char* percent_encode_to(std::string_view text, bool plus_for_space, char* dest) {
  return encode_to(text, plus_for_space, dest);
}

void append_query_string(const Params& params, std::string& out) { append_pairs(params, false, out); }

std::string query_string(const Params& params) {
  std::string out;
  out.reserve(1024);
  append_query_string(params, out);
  return out;
}

std::string tracking_url(std::string_view endpoint, const Params& params) {
  // The parameters join the endpoint's own query, before its fragment (if any).
  const auto fragment_at = std::min(endpoint.find('#'), endpoint.size());
  const std::string_view base = endpoint.substr(0, fragment_at);
  std::string out(base);
  out.reserve(endpoint.size() + 1024);
  if (base.find('?') == std::string_view::npos) {
    out.push_back('?');
  } else if (base.back() != '?' && base.back() != '&') {
    out.push_back('&');
  }
  append_query_string(params, out);
  out.append(endpoint.substr(fragment_at));
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
  if (const auto message = json.find("message"); message != json.end() && message->is_string()) {
    answer.message = message->get<std::string>();
  }
  if (const auto indices = json.find("invalid_indices"); indices != json.end() && indices->is_array()) {
    for (const auto& index : *indices) {
      if (index.is_number_integer()) {
        answer.invalid_indices.push_back(index.get<std::int64_t>());
      }
    }
  }
  return answer;
}

}  // namespace tf::matomo
