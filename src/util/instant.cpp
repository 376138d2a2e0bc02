#include "util/instant.hpp"

#include <cctype>

#include "util/units.hpp"

namespace tf {
namespace {

/// Reads exactly `width` digits at `pos` (advancing it); nullopt otherwise.
std::optional<int> digits(std::string_view text, std::size_t& pos, std::size_t width) {
  if (pos + width > text.size()) {
    return std::nullopt;
  }
  int value = 0;
  for (std::size_t k = 0; k < width; ++k) {
    const char c = text[pos + k];
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  pos += width;
  return value;
}

bool expect(std::string_view text, std::size_t& pos, std::string_view one_of) {
  if (pos < text.size() && one_of.find(text[pos]) != std::string_view::npos) {
    ++pos;
    return true;
  }
  return false;
}

/// The fraction of a second after a '.', as nanoseconds (digits beyond 9 are ignored).
std::optional<std::chrono::nanoseconds> fraction(std::string_view text, std::size_t& pos) {
  long long nanos = 0;
  int count = 0;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])) != 0) {
    if (count < 9) {
      nanos = nanos * 10 + (text[pos] - '0');
    }
    ++count;
    ++pos;
  }
  if (count == 0) {
    return std::nullopt;
  }
  for (int k = count; k < 9; ++k) {
    nanos *= 10;
  }
  return std::chrono::nanoseconds{nanos};
}

/// "Z" → 0; "+HH:MM" / "-HH:MM" → the offset east of UTC.
std::optional<std::chrono::minutes> offset(std::string_view text, std::size_t& pos) {
  if (expect(text, pos, "Zz")) {
    return std::chrono::minutes{0};
  }
  const bool east = pos < text.size() && text[pos] == '+';
  if (!expect(text, pos, "+-")) {
    return std::nullopt;
  }
  const auto hours = digits(text, pos, 2);
  if (!hours || !expect(text, pos, ":")) {
    return std::nullopt;
  }
  const auto minutes = digits(text, pos, 2);
  if (!minutes || *hours > 23 || *minutes > 59) {
    return std::nullopt;
  }
  const std::chrono::minutes total{*hours * 60 + *minutes};
  return east ? total : -total;
}

std::optional<SysTime> parse_rfc3339(std::string_view text) {
  std::size_t pos = 0;
  const auto year = digits(text, pos, 4);
  const bool date_ok = year && expect(text, pos, "-");
  const auto month = date_ok ? digits(text, pos, 2) : std::nullopt;
  const auto day = month && expect(text, pos, "-") ? digits(text, pos, 2) : std::nullopt;
  const auto hour = day && expect(text, pos, "Tt ") ? digits(text, pos, 2) : std::nullopt;
  const auto minute = hour && expect(text, pos, ":") ? digits(text, pos, 2) : std::nullopt;
  const auto second = minute && expect(text, pos, ":") ? digits(text, pos, 2) : std::nullopt;
  if (!second || *hour > 23 || *minute > 59 || *second > 59) {
    return std::nullopt;
  }
  std::chrono::nanoseconds frac{0};
  if (expect(text, pos, ".")) {
    const auto f = fraction(text, pos);
    if (!f) {
      return std::nullopt;
    }
    frac = *f;
  }
  const auto east = offset(text, pos);
  const std::chrono::year_month_day ymd{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
                                        std::chrono::day{static_cast<unsigned>(*day)}};
  if (!east || pos != text.size() || !ymd.ok()) {
    return std::nullopt;
  }
  const auto local = std::chrono::sys_days{ymd} + std::chrono::hours{*hour} + std::chrono::minutes{*minute} +
    std::chrono::seconds{*second} + frac;
  return std::chrono::time_point_cast<SysTime::duration>(local - *east);
}

}  // namespace

std::optional<StartAt> parse_start_at(std::string_view text) {
  if (!text.empty() && text.front() == '+') {
    const auto delay = parse_duration(text.substr(1));
    if (!delay || text.size() < 2 || std::isdigit(static_cast<unsigned char>(text[1])) == 0) {
      return std::nullopt;
    }
    return StartAt{std::nullopt, *delay};
  }
  const auto absolute = parse_rfc3339(text);
  if (!absolute) {
    return std::nullopt;
  }
  return StartAt{absolute, Millis{0}};
}

}  // namespace tf
