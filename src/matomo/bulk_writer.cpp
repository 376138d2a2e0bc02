// The direct bulk-element writer: a hit's JSON object written straight from the model, the same
// bytes as bulk_element(encode_hit(...)).dump() (nlohmann's default dump: no "\/", UTF-8 kept,
// control characters escaped), without Params, JSON values or their allocations.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "matomo/blocks.hpp"
#include "matomo/bulk.hpp"
#include "matomo/encode.hpp"
#include "matomo/encode_detail.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tf::matomo {
namespace {

/// The most a JSON string may write per input byte: a control character as \u00xx.
constexpr std::size_t k_max_escape = 6;
/// Room for an ec_items price (a double's text: nlohmann's number buffer) and a quantity.
constexpr std::size_t k_number_chars = 64;
constexpr std::size_t k_int_chars = 20;

constexpr bool is_plain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

constexpr std::array<bool, 256> make_plain_table() {
  std::array<bool, 256> table{};
  for (std::size_t c = 0; c < table.size(); ++c) {
    table[c] = is_plain(static_cast<unsigned char>(c));
  }
  return table;
}

constexpr std::array<bool, 256> k_plain = make_plain_table();

/// `"`, `\` or a control character, escaped as nlohmann does (\u00xx in lower-case hex).
char* escape_ascii(unsigned char c, char* dest) {
  constexpr std::string_view hex = "0123456789abcdef";
  *dest++ = '\\';
  switch (c) {
    case '"': *dest++ = '"'; break;
    case '\\': *dest++ = '\\'; break;
    case '\b': *dest++ = 'b'; break;
    case '\t': *dest++ = 't'; break;
    case '\n': *dest++ = 'n'; break;
    case '\f': *dest++ = 'f'; break;
    case '\r': *dest++ = 'r'; break;
    default:
      dest = std::copy_n("u00", 3, dest);
      *dest++ = hex[c >> 4U];
      *dest++ = hex[c & 0x0fU];
  }
  return dest;
}

/// The UTF-8 sequence at `p` (lead byte ≥ 0x80): its length when well formed, else the length
/// of its longest valid prefix (at least 1), which one U+FFFD replaces before the next byte is
/// read again — the replacement nlohmann's DFA makes (error_handler_t::replace).
struct Utf8Sequence {
  std::size_t length = 1;
  bool valid = false;
};

Utf8Sequence utf8_sequence(const unsigned char* p, const unsigned char* end) {
  const unsigned lead = *p;
  std::size_t continuations = 0;
  unsigned lo = 0x80, hi = 0xBF;  // range of the first continuation byte (Unicode Table 3-7)
  if (lead >= 0xC2 && lead <= 0xDF) {
    continuations = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    continuations = 2;
    lo = lead == 0xE0 ? 0xA0 : lo;
    hi = lead == 0xED ? 0x9F : hi;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    continuations = 3;
    lo = lead == 0xF0 ? 0x90 : lo;
    hi = lead == 0xF4 ? 0x8F : hi;
  } else {
    return {};
  }
  for (std::size_t n = 1; n <= continuations; ++n) {
    if (p + n == end || p[n] < lo || p[n] > hi) {
      return {n, false};
    }
    lo = 0x80;
    hi = 0xBF;
  }
  return {continuations + 1, true};
}

/// Where escaping one byte (or sequence) left the source and the destination.
struct Escaped {
  const unsigned char* src;
  char* dest;
};

/// One byte that is not plain, from `src`. Source and destination are passed and returned by
/// value, so that callers keep them in registers.
Escaped escape_one(const unsigned char* src, const unsigned char* end, char* dest) {
  if (*src < 0x80) {
    return {src + 1, escape_ascii(*src, dest)};
  }
  const Utf8Sequence seq = utf8_sequence(src, end);
  if (seq.valid) {
    dest = std::copy_n(src, seq.length, dest);
  } else {
    dest = std::copy_n("\xEF\xBF\xBD", 3, dest);  // U+FFFD
  }
  return {src + seq.length, dest};
}

constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
constexpr std::uint64_t k_highs = 0x8080808080808080ULL;

/// Every byte of the 8 in `x` plain (SWAR: exact tests for "some byte is zero / below 0x20").
constexpr bool word_plain(std::uint64_t x) {
  const auto has_zero = [](std::uint64_t y) { return (y - k_ones) & ~y & k_highs; };
  const std::uint64_t below_space = (x - 0x20 * k_ones) & ~x & k_highs;
  return ((x & k_highs) | below_space | has_zero(x ^ ('"' * k_ones)) | has_zero(x ^ ('\\' * k_ones))) == 0;
}

std::uint64_t load8(const unsigned char* p) {
  std::uint64_t x = 0;
  std::memcpy(&x, p, sizeof x);
  return x;
}

std::uint32_t load4(const unsigned char* p) {
  std::uint32_t x = 0;
  std::memcpy(&x, p, sizeof x);
  return x;
}

/// The `n` (< 16) bytes at `src`, all plain, copied with at most two overlapping loads and
/// stores of 8 or 4 bytes (no call to memcpy for a length known only at run time).
char* copy_short(const unsigned char* src, std::size_t n, char* dest) {
  if (n >= 8) {
    const std::uint64_t head = load8(src), tail = load8(src + n - 8);
    std::memcpy(dest, &head, 8);
    std::memcpy(dest + n - 8, &tail, 8);
  } else if (n >= 4) {
    const std::uint32_t head = load4(src), tail = load4(src + n - 4);
    std::memcpy(dest, &head, 4);
    std::memcpy(dest + n - 4, &tail, 4);
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      dest[i] = static_cast<char>(src[i]);
    }
  }
  return dest + n;
}

/// The `n` (< 16) bytes at `src` all plain? Reads only those bytes.
bool short_plain(const unsigned char* src, std::size_t n) {
  if (n >= 8) {
    return word_plain(load8(src)) && word_plain(load8(src + n - 8));
  }
  if (n >= 4) {
    return word_plain(load4(src) | (std::uint64_t{load4(src + n - 4)} << 32U));
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!k_plain[src[i]]) {
      return false;
    }
  }
  return true;
}

#if defined(__SSE2__)
/// Bit i set when byte i of the 16 at `src` is plain (printable ASCII other than `"` and `\`).
unsigned plain_mask(const unsigned char* src) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src));
  // As signed bytes, everything below 0x20 and everything from 0x80 is less than 0x20.
  __m128i special = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
  special = _mm_or_si128(special, _mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
  special = _mm_or_si128(special, _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
  return ~static_cast<unsigned>(_mm_movemask_epi8(special)) & 0xffffU;
}
#endif

/// `text` as a JSON string with its quotes at `dest`, which must have room for
/// k_max_escape × text.size() + 2 characters (blocks of 16 are stored ahead of the end).
/// Plain text, the common case, goes by blocks of 16 and a tail of at most two word copies.
char* json_string_to(std::string_view text, char* dest) {
  *dest++ = '"';
  const auto* src = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = src + text.size();
  bool tail_plain = false;
#if defined(__SSE2__)
  detail::copy_blocks(src, end, dest, plain_mask, [end](const unsigned char*& at, char*& out) {
    const Escaped next = escape_one(at, end, out);
    at = next.src;
    out = next.dest;
  });
  const auto rest = static_cast<std::size_t>(end - src);
  if (text.size() >= 16) {
    // The 16 bytes before the end are readable: their last `rest` mask bits are the tail's.
    const unsigned all = (1U << rest) - 1U;
    tail_plain = (plain_mask(end - 16) >> (16U - rest) & all) == all;
  } else {
    tail_plain = short_plain(src, rest);
  }
#else
  tail_plain = text.size() < 16 && short_plain(src, text.size());
#endif
  if (tail_plain) {
    dest = copy_short(src, static_cast<std::size_t>(end - src), dest);
  } else {
    while (src != end) {
      if (k_plain[*src]) {
        *dest++ = static_cast<char>(*src++);
      } else {
        const Escaped next = escape_one(src, end, dest);
        src = next.src;
        dest = next.dest;
      }
    }
  }
  *dest++ = '"';
  return dest;
}

std::size_t json_string_bound(std::string_view text) { return k_max_escape * text.size() + 2; }

std::size_t items_bound(const model::Order& order) {
  std::size_t size = 2;
  for (const auto& item : order.items) {
    size += 6 + json_string_bound(item.sku) + json_string_bound(item.name) + json_string_bound(item.category) +
      k_number_chars + k_int_chars;
  }
  return size;
}

/// ec_items as ec_items_json writes it and bulk_element re-emits it: [[sku,name,category,price,quantity],...],
/// the price a double in units (nlohmann's shortest round-trip form, e.g. 19.99 or 5.0).
char* items_to(const model::Order& order, char* dest) {
  *dest++ = '[';
  for (std::size_t i = 0; i < order.items.size(); ++i) {
    const model::OrderItem& item = order.items[i];
    if (i > 0) {
      *dest++ = ',';
    }
    *dest++ = '[';
    dest = json_string_to(item.sku, dest);
    *dest++ = ',';
    dest = json_string_to(item.name, dest);
    *dest++ = ',';
    dest = json_string_to(item.category, dest);
    *dest++ = ',';
    const std::string price = nlohmann::json(static_cast<double>(item.price) / 100.0).dump();
    dest = std::copy_n(price.data(), price.size(), dest);  // at most 25 characters
    *dest++ = ',';
    const fmt::format_int quantity(item.quantity);
    dest = std::copy_n(quantity.data(), quantity.size(), dest);
    *dest++ = ']';
  }
  *dest++ = ']';
  return dest;
}

/// `{"key":"value",...}` in one pass into a buffer grown before each pair to that pair's worst
/// case (a size-bound pass over the hit cost ~200 instructions per hit). Every value is a JSON
/// string except ec_items, the real array (as bulk_element emits them). Keys are literals of [a-z_].
/// Recurring values are not memoised: their JSON escaping is a block copy, as cheap as a look-up.
// The pair writers are forced inline: put_hit (encode_detail.hpp) grew past GCC's inlining
// budget, and a call per pair cost ~600 instructions per hit (callgrind, 2026-12-03).
class JsonElementWriter {
public:
  /// Writes at the start of `buffer` (grown as needed; its contents are overwritten).
  explicit JsonElementWriter(std::vector<char>& buffer)
    : m_buffer(buffer), m_dest(buffer.data()), m_end(buffer.data() + buffer.size()) {}
  [[gnu::always_inline]] void put(std::string_view key, std::string_view value) {
    room(key.size() + 4 + json_string_bound(value));
    start_pair(key);
    m_dest = json_string_to(value, m_dest);
  }
  [[gnu::always_inline]] void put_int(std::string_view key, std::int64_t value) {
    room(key.size() + 6 + k_int_chars);
    start_pair(key);
    const fmt::format_int text(value);
    *m_dest++ = '"';
    m_dest = std::copy_n(text.data(), text.size(), m_dest);
    *m_dest++ = '"';
  }
  void put_recurring(std::string_view key, std::string_view value) { put(key, value); }
  void put_items(std::string_view key, const model::Order& order) {
    room(key.size() + 4 + items_bound(order));
    start_pair(key);
    m_dest = items_to(order, m_dest);
  }
  /// Closes the object; returns what was written.
  std::string_view finish() {
    room(2);
    if (!m_any) {
      *m_dest++ = '{';
    }
    *m_dest++ = '}';
    return {m_buffer.data(), static_cast<std::size_t>(m_dest - m_buffer.data())};
  }

private:
  /// At least `n` bytes free at m_dest.
  [[gnu::always_inline]] void room(std::size_t n) {
    if (static_cast<std::size_t>(m_end - m_dest) < n) {
      grow(n);
    }
  }
  [[gnu::noinline]] void grow(std::size_t n) {
    const auto used = static_cast<std::size_t>(m_dest - m_buffer.data());
    m_buffer.resize(std::max(used + n, 2 * m_buffer.size()));
    m_dest = m_buffer.data() + used;
    m_end = m_buffer.data() + m_buffer.size();
  }
  [[gnu::always_inline]] void start_pair(std::string_view key) {
    *m_dest++ = m_any ? ',' : '{';
    m_any = true;
    *m_dest++ = '"';
    m_dest = std::copy_n(key.data(), key.size(), m_dest);
    *m_dest++ = '"';
    *m_dest++ = ':';
  }
  std::vector<char>& m_buffer;
  char* m_dest;
  char* m_end;
  bool m_any = false;
};

/// This thread's buffer: an element is written there (its pairs' bounds are up to 6 × their
/// text), then appended to the request body with its exact size.
std::vector<char>& scratch() {
  thread_local std::vector<char> buffer(4096);
  return buffer;
}

}  // namespace

void append_hit_bulk_element(const model::Visit& visit, std::size_t index, const EncodeContext& ctx, std::string& out) {
  const model::Hit& hit = visit.hits.at(index);
  const detail::HitTime t = detail::hit_time(ctx.anchor_ms + hit.offset_ms, detail::local_zone(visit, ctx));
  JsonElementWriter writer(scratch());
  detail::put_hit(writer, visit, index, ctx, t);
  out.append(writer.finish());
}

void append_json_string(std::string_view text, std::string& out) {
  const std::size_t old = out.size();
  out.resize(old + json_string_bound(text));
  char* end = json_string_to(text, out.data() + old);
  out.resize(static_cast<std::size_t>(end - out.data()));
}

}  // namespace tf::matomo
