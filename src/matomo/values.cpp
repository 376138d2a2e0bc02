#include "matomo/values.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstdlib>
#include <string>

#include <date/date.h>

namespace tf::matomo {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// Advances `pos` over digits; returns how many were consumed.
std::size_t skip_digits(std::string_view text, std::size_t& pos) {
  const std::size_t start = pos;
  while (pos < text.size() && is_digit(text[pos])) {
    ++pos;
  }
  return pos - start;
}

std::optional<int> fixed_int(std::string_view text, std::size_t pos, std::size_t len) {
  if (pos + len > text.size()) {
    return std::nullopt;
  }
  int value = 0;
  for (std::size_t k = pos; k < pos + len; ++k) {
    if (!is_digit(text[k])) {
      return std::nullopt;
    }
    value = value * 10 + (text[k] - '0');
  }
  return value;
}

struct Ipv4Range {
  std::uint32_t base;
  int prefix;
};

constexpr std::uint32_t ip(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
  return (a << 24U) | (b << 16U) | (c << 8U) | d;
}

constexpr std::array<Ipv4Range, 24> k_bot_ranges{{
  {ip(64, 233, 160, 0), 19}, {ip(66, 249, 80, 0), 20},  {ip(72, 14, 192, 0), 18},  {ip(209, 85, 128, 0), 17},
  {ip(66, 102, 0, 0), 20},   {ip(74, 125, 0, 0), 16},   {ip(64, 18, 0, 0), 20},    {ip(207, 126, 144, 0), 20},
  {ip(173, 194, 0, 0), 16},  {ip(216, 239, 32, 0), 19}, {ip(64, 4, 0, 0), 18},     {ip(65, 52, 0, 0), 14},
  {ip(157, 54, 0, 0), 15},   {ip(157, 56, 0, 0), 14},   {ip(157, 60, 0, 0), 16},   {ip(207, 46, 0, 0), 16},
  {ip(207, 68, 128, 0), 18}, {ip(207, 68, 192, 0), 20}, {ip(131, 253, 24, 0), 20}, {ip(131, 253, 26, 0), 20},
  {ip(72, 30, 196, 0), 20},  {ip(72, 30, 198, 0), 20},  {ip(98, 137, 207, 0), 20}, {ip(1, 202, 218, 8), 32},
}};

}  // namespace

std::optional<std::int64_t> parse_int(std::string_view text) {
  if (text.empty() || text.front() == '+') {
    return std::nullopt;
  }
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end) {
    return std::nullopt;
  }
  return value;
}

std::optional<double> parse_float(std::string_view text) {
  std::size_t pos = 0;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    ++pos;
  }
  if (skip_digits(text, pos) == 0) {
    return std::nullopt;
  }
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    if (skip_digits(text, pos) == 0) {
      return std::nullopt;
    }
  }
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    ++pos;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      ++pos;
    }
    if (skip_digits(text, pos) == 0) {
      return std::nullopt;
    }
  }
  if (pos != text.size()) {
    return std::nullopt;
  }
  return std::strtod(std::string(text).c_str(), nullptr);
}

bool is_hex16(std::string_view text) {
  if (text.size() != 16) {
    return false;
  }
  for (const char c : text) {
    const bool hex = is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) {
      return false;
    }
  }
  return true;
}

bool is_absolute_http_url(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return false;
    }
  }
  std::size_t pos = 0;
  auto starts_ci = [&](std::string_view prefix) {
    if (text.size() < prefix.size()) {
      return false;
    }
    for (std::size_t k = 0; k < prefix.size(); ++k) {
      const char c = text[k];
      const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      if (lower != prefix[k]) {
        return false;
      }
    }
    return true;
  };
  if (starts_ci("https://")) {
    pos = 8;
  } else if (starts_ci("http://")) {
    pos = 7;
  } else {
    return false;
  }
  const std::size_t host_end = text.find_first_of("/?#", pos);
  const std::size_t host_len = (host_end == std::string_view::npos ? text.size() : host_end) - pos;
  return host_len > 0;
}

std::optional<std::int64_t> parse_cdt(std::string_view text) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) {
    return parse_int(text);
  }
  // YYYY-MM-DD HH:MM:SS
  if (text.size() != 19 || text[4] != '-' || text[7] != '-' || text[10] != ' ' || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  const auto y = fixed_int(text, 0, 4);
  const auto mo = fixed_int(text, 5, 2);
  const auto d = fixed_int(text, 8, 2);
  const auto h = fixed_int(text, 11, 2);
  const auto mi = fixed_int(text, 14, 2);
  const auto s = fixed_int(text, 17, 2);
  if (!y || !mo || !d || !h || !mi || !s || *h > 23 || *mi > 59 || *s > 59) {
    return std::nullopt;
  }
  const date::year_month_day ymd{date::year{*y}, date::month{static_cast<unsigned>(*mo)},
                                 date::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  const auto days = date::sys_days{ymd}.time_since_epoch().count();
  return static_cast<std::int64_t>(days) * 86400 + *h * 3600 + *mi * 60 + *s;
}

bool is_ip_address(std::string_view text) {
  if (text.empty() || text.size() > 45) {
    return false;
  }
  const std::string copy(text);
  std::array<unsigned char, 16> buffer{};
  return inet_pton(AF_INET, copy.c_str(), buffer.data()) == 1 || inet_pton(AF_INET6, copy.c_str(), buffer.data()) == 1;
}

bool is_bot_ip(std::string_view ipv4) {
  const std::string copy(ipv4);
  in_addr addr{};
  if (inet_pton(AF_INET, copy.c_str(), &addr) != 1) {
    return false;
  }
  const std::uint32_t value = ntohl(addr.s_addr);
  for (const auto& range : k_bot_ranges) {
    const std::uint32_t mask = range.prefix == 0 ? 0U : ~std::uint32_t{0} << static_cast<unsigned>(32 - range.prefix);
    if ((value & mask) == (range.base & mask)) {
      return true;
    }
  }
  return false;
}

}  // namespace tf::matomo
