#include "matomo/encode.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <date/tz.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "matomo/encode_detail.hpp"
#include "matomo/encode_text.hpp"
#include "matomo/encode_visitor.hpp"
#include "matomo/wire.hpp"

namespace tf::matomo {
namespace {

using detail::hit_time;
using detail::HitTime;
using detail::local_zone;
using detail::put_hit;

constexpr std::int64_t k_day_s = 86'400;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/// The UTC offset of `zone` at `at_s`, in seconds. An offset is constant over a sys_info
/// interval, so the last interval looked up per zone (visitors' zones: a few dozen) is kept per
/// thread in a small direct-mapped cache (get_info searches and copies).
std::int64_t utc_offset_s(const date::time_zone& zone, std::int64_t at_s) {
  struct Interval {
    const date::time_zone* zone = nullptr;
    std::int64_t begin = 0, end = 0, offset = 0;
  };
  constexpr std::size_t k_slots = 32;
  thread_local std::array<Interval, k_slots> cache;
  Interval& last = cache[(reinterpret_cast<std::uintptr_t>(&zone) >> 4U) % k_slots];
  if (last.zone != &zone || at_s < last.begin || at_s >= last.end) {
    const auto info = zone.get_info(date::sys_seconds{std::chrono::seconds{at_s}});
    last = {&zone, info.begin.time_since_epoch().count(), info.end.time_since_epoch().count(), info.offset.count()};
  }
  return last.offset;
}

/// Writes parameters into an existing Params, reusing its strings' storage.
class ParamWriter {
public:
  explicit ParamWriter(Params& out) : m_out(out) {}
  ~ParamWriter() { m_out.resize(m_count); }
  ParamWriter(const ParamWriter&) = delete;
  ParamWriter& operator=(const ParamWriter&) = delete;

  void put(std::string_view key, std::string_view value) {
    if (m_count < m_out.size()) {
      m_out[m_count].first.assign(key);
      m_out[m_count].second.assign(value);
    } else {
      m_out.emplace_back(std::string(key), std::string(value));
    }
    ++m_count;
  }
  void put_int(std::string_view key, std::int64_t value) {
    const fmt::format_int text(value);
    put(key, std::string_view(text.data(), text.size()));
  }
  void put_recurring(std::string_view key, std::string_view value) { put(key, value); }
  void put_items(std::string_view key, const model::Order& order) { put(key, ec_items_json(order)); }

private:
  Params& m_out;
  std::size_t m_count = 0;
};

/// Shorter values are encoded directly: a memo look-up would cost about as much.
constexpr std::size_t k_memo_min_size = 16;

/// The memo's size: a slot per recurring text of the visits in progress on a thread (user agent,
/// language, page URLs and titles; 50 visits in progress make ~200 such texts).
constexpr std::size_t k_memo_slots = 1024;

/// The encoding of `text`, kept per thread in a direct-mapped memo keyed by where the text lives
/// (a visit's strings stay put while it is delivered, interned catalogue texts for good) and
/// checked by content, so it never goes stale when a freed text's storage is reused.
std::string_view memo_encoding(std::string_view text, bool plus_for_space) {
  struct Entry {
    const char* where = nullptr;
    bool plus = false;
    std::string text, encoded;
  };
  thread_local std::vector<Entry> entries(k_memo_slots);
  const auto where = reinterpret_cast<std::uintptr_t>(text.data());
  Entry& entry = entries[((where >> 3U) ^ (where >> 13U) ^ text.size()) % k_memo_slots];
  if (entry.where == text.data() && entry.plus == plus_for_space && entry.text.size() == text.size() &&
      std::memcmp(entry.text.data(), text.data(), text.size()) == 0) {
    return entry.encoded;
  }
  entry.where = text.data();
  entry.text.assign(text);
  entry.plus = plus_for_space;
  entry.encoded.resize(3 * text.size());
  char* end = percent_encode_to(text, plus_for_space, entry.encoded.data());
  entry.encoded.resize(static_cast<std::size_t>(end - entry.encoded.data()));
  return entry.encoded;
}

/// `key=value` pairs, percent-encoded in one pass into a per-thread buffer that grows before each
/// pair to its worst case (3 bytes per byte of the value), so each hit's values (an order's
/// ec_items and amounts among them) are made once.
class PairEncoder {
public:
  explicit PairEncoder(bool plus_for_space)
    : m_buffer(buffer()), m_plus(plus_for_space), m_dest(m_buffer.data()), m_limit(m_dest + m_buffer.size()) {}
  PairEncoder(const PairEncoder&) = delete;
  PairEncoder& operator=(const PairEncoder&) = delete;

  // The pair writers are forced inline (as bulk_writer.cpp's): a key's copy becomes a store of a
  // known size, where a call per pair cost ~100 instructions (callgrind, 2026-12-03).
  [[gnu::always_inline]] void put(std::string_view key, std::string_view value) {
    m_dest = percent_encode_to(value, m_plus, start_pair(key, 3 * value.size()));
  }
  [[gnu::always_inline]] void put_int(std::string_view key, std::int64_t value) {
    if (value >= 0 && value < 100) {  // h, m, s, idsite, most timings: no formatting
      char* dest = start_pair(key, 2);
      if (value >= 10) {
        *dest++ = static_cast<char>('0' + value / 10);
      }
      *dest++ = static_cast<char>('0' + value % 10);
      m_dest = dest;
      return;
    }
    const fmt::format_int text(value);  // digits and '-' need no encoding
    m_dest = std::copy_n(text.data(), text.size(), start_pair(key, text.size()));
  }
  /// A run of the visitor's pairs, encoded once per visit (encode_visitor.hpp).
  void put_visitor(const model::Visit& visit, const EncodeContext& ctx, detail::VisitorPart part) {
    if (m_visitor == nullptr) {
      m_visitor = &detail::visitor_pairs(visit, ctx, m_plus);
    }
    const std::string_view pairs = m_visitor->part(part);
    if (!pairs.empty()) {
      m_dest = std::copy_n(pairs.data(), pairs.size(), start_run(pairs.size()));
    }
  }
  /// A value that recurs (visitor strings on every hit, urlref = the previous url, the page url
  /// of events): its encoding comes from the thread's memo when one of the recent texts matches.
  void put_recurring(std::string_view key, std::string_view value) {
    if (value.size() < k_memo_min_size) {
      put(key, value);
      return;
    }
    put_encoded(key, memo_encoding(value, m_plus));
  }
  /// An interned text (a catalogue's page URL or title) carries its encoding: copied, not made.
  void put_text(std::string_view key, const model::Text& value, bool recurring) {
    if (const std::string* encoded = interned_encoding(value, m_plus)) {
      put_encoded(key, *encoded);
    } else if (recurring) {
      put_recurring(key, value.view());
    } else {
      put(key, value.view());
    }
  }
  void put_items(std::string_view key, const model::Order& order) { put(key, ec_items_json(order)); }
  /// The pairs written so far.
  std::string_view pairs() const { return {m_buffer.data(), static_cast<std::size_t>(m_dest - m_buffer.data())}; }

private:
  static std::string& buffer() {
    thread_local std::string pairs;
    return pairs;
  }
  void put_encoded(std::string_view key, std::string_view encoded) {
    m_dest = std::copy_n(encoded.data(), encoded.size(), start_pair(key, encoded.size()));
  }
  /// Writes `&key=` (keys are literals of [a-z_0-9]) with room for `value_room` more bytes after
  /// it; returns where the value goes.
  [[gnu::always_inline]] char* start_pair(std::string_view key, std::size_t value_room) {
    char* dest = std::copy_n(key.data(), key.size(), start_run(key.size() + 1 + value_room));
    *dest++ = '=';
    return dest;
  }
  /// Writes the `&` before the next pairs (none before the first) with room for `room` more
  /// bytes after it; returns where they go.
  [[gnu::always_inline]] char* start_run(std::size_t room) {
    if (static_cast<std::size_t>(m_limit - m_dest) < room + 1) {
      grow(room + 1);
    }
    char* dest = m_dest;
    if (dest != m_buffer.data()) {
      *dest++ = '&';
    }
    return dest;
  }
  /// Only while the thread's largest hit grows.
  void grow(std::size_t need) {
    const auto used = static_cast<std::size_t>(m_dest - m_buffer.data());
    m_buffer.resize(std::max(used + need, 2 * m_buffer.size()));
    m_dest = m_buffer.data() + used;
    m_limit = m_buffer.data() + m_buffer.size();
  }

  std::string& m_buffer;
  bool m_plus;
  char* m_dest;
  char* m_limit;
  const detail::VisitorPairs* m_visitor = nullptr;  ///< the hit's visitor pairs, once looked up
};

/// Appends the hit's encoded `key=value&...` pairs to `out`.
void append_hit_pairs(const model::Visit& visit, std::size_t index, const EncodeContext& ctx, bool plus_for_space,
                      std::string& out) {
  const model::Hit& hit = visit.hits.at(index);
  const HitTime t = hit_time(ctx.anchor_ms + hit.offset_ms, local_zone(visit, ctx));
  PairEncoder encoder(plus_for_space);
  put_hit(encoder, visit, index, ctx, t);
  out.append(encoder.pairs());
}

}  // namespace

namespace detail {

HitTime hit_time(std::int64_t at_ms, const date::time_zone* zone) {
  HitTime t;
  t.cdt = floor_div(at_ms, 1000);
  const std::int64_t local_s = t.cdt + (zone != nullptr ? utc_offset_s(*zone, t.cdt) : 0);
  const std::int64_t of_day = local_s - floor_div(local_s, k_day_s) * k_day_s;
  t.h = of_day / 3600;
  t.m = (of_day / 60) % 60;
  t.s = of_day % 60;
  return t;
}

}  // namespace detail

std::string format_cents(model::Cents cents) {
  // "{-}{units}.{cents:02}", without a format string to parse (several per ecommerce hit)
  const auto magnitude = cents < 0 ? 0 - static_cast<std::uint64_t>(cents) : static_cast<std::uint64_t>(cents);
  const fmt::format_int units(magnitude / 100);
  const auto rest = static_cast<char>(magnitude % 100);
  std::string out;
  out.reserve(units.size() + 4);
  if (cents < 0) {
    out += '-';
  }
  out.append(units.data(), units.size());
  out += '.';
  out += static_cast<char>('0' + rest / 10);
  out += static_cast<char>('0' + rest % 10);
  return out;
}

std::string ec_items_json(const model::Order& order) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : order.items) {
    items.push_back({item.sku, item.name, item.category, static_cast<double>(item.price) / 100.0, item.quantity});
  }
  return items.dump();
}

void encode_hit(const model::Visit& visit, std::size_t index, const EncodeContext& ctx, Params& out) {
  const model::Hit& hit = visit.hits.at(index);
  ParamWriter w(out);
  put_hit(w, visit, index, ctx, hit_time(ctx.anchor_ms + hit.offset_ms, local_zone(visit, ctx)));
}

Params encode_hit(const model::Visit& visit, std::size_t hit, const EncodeContext& ctx) {
  Params out;
  out.reserve(24);
  encode_hit(visit, hit, ctx, out);
  return out;
}

void append_hit_query(const model::Visit& visit, std::size_t hit, const EncodeContext& ctx, std::string& out) {
  append_hit_pairs(visit, hit, ctx, false, out);
}

void append_hit_form(const model::Visit& visit, std::size_t hit, const EncodeContext& ctx, std::string_view token,
                     std::string& out) {
  append_hit_pairs(visit, hit, ctx, true, out);
  if (!token.empty()) {
    out += "&token_auth=";
    const std::size_t old = out.size();
    out.resize(old + 3 * token.size());
    out.resize(static_cast<std::size_t>(percent_encode_to(token, true, out.data() + old) - out.data()));
  }
}

}  // namespace tf::matomo
