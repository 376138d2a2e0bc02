#include "report/utc_time.hpp"

#include <charconv>
#include <chrono>

#include <fmt/format.h>

namespace tf::report {
namespace {

using std::chrono::sys_days;

/// Reads exactly `digits` decimal digits at `pos`.
std::optional<int> read_number(const std::string& text, std::size_t pos, std::size_t digits) {
  if (pos + digits > text.size()) {
    return std::nullopt;
  }
  int value = 0;
  const char* first = text.data() + pos;
  const auto [end, ec] = std::from_chars(first, first + digits, value);
  if (ec != std::errc{} || end != first + digits) {
    return std::nullopt;
  }
  return value;
}

bool separators_match(const std::string& text) {
  return text.size() >= 20 && text[4] == '-' && text[7] == '-' && text[10] == 'T' && text[13] == ':' &&
    text[16] == ':' && text.back() == 'Z';
}

}  // namespace

std::string format_utc_seconds(SysTime time) {
  const auto day = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{std::chrono::floor<std::chrono::seconds>(time - day)};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count());
}

std::string format_utc(SysTime time) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(time);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(time - seconds).count();
  std::string text = format_utc_seconds(time);
  text.pop_back();
  return fmt::format("{}.{:03}Z", text, millis);
}

std::optional<SysTime> parse_utc(const std::string& text) {
  if (!separators_match(text)) {
    return std::nullopt;
  }
  const auto year = read_number(text, 0, 4);
  const auto month = read_number(text, 5, 2);
  const auto day = read_number(text, 8, 2);
  const auto hour = read_number(text, 11, 2);
  const auto minute = read_number(text, 14, 2);
  const auto second = read_number(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || *hour > 23 || *minute > 59 || *second > 59) {
    return std::nullopt;
  }
  int millis = 0;
  if (text.size() == 24 && text[19] == '.') {
    const auto fraction = read_number(text, 20, 3);
    if (!fraction) {
      return std::nullopt;
    }
    millis = *fraction;
  } else if (text.size() != 20) {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
                                        std::chrono::day{static_cast<unsigned>(*day)}};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  return SysTime{sys_days{ymd}} + std::chrono::hours{*hour} + std::chrono::minutes{*minute} +
    std::chrono::seconds{*second} + std::chrono::milliseconds{millis};
}

}  // namespace tf::report
