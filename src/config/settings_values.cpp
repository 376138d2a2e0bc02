// Parsing and formatting of single values of the settings table.
#include <algorithm>
#include <cctype>
#include <cmath>

#include <date/date.h>
#include <date/tz.h>
#include <fmt/format.h>

#include "config/network.hpp"
#include "config/settings_table.hpp"
#include "config/dimensions.hpp"
#include "config/url.hpp"
#include "util/units.hpp"

namespace tf::config {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

std::string found(std::string_view text) {
  constexpr std::size_t k_max_shown = 80;
  if (text.size() > k_max_shown) {
    return fmt::format("\"{}…\"", text.substr(0, k_max_shown));
  }
  return fmt::format("\"{}\"", text);
}

/// Never a secret's value in a message: a token shows as "***", a URL without its password.
std::string expected(const KeySpec& spec, std::string_view text) {
  const std::string shown = spec.secret ? std::string("***") : redact_url(text);
  return fmt::format("expected {}, found {}", describe_allowed(spec), found(shown));
}

std::string number_text(double v) { return fmt::format("{}", v); }

bool in_range(const KeySpec& spec, double v) { return v >= spec.min && v <= spec.max; }

std::optional<double> parse_number(const KeySpec& spec, std::string_view text) {
  if (spec.type == ValueType::integer) {
    auto v = parse_int(text);
    return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt;
  }
  return parse_double(text);
}

std::optional<std::vector<double>> parse_list(const KeySpec& spec, std::string_view text) {
  std::vector<double> out;
  if (trim(text).empty()) {
    return out;
  }
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    auto item =
      parse_double(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (!item || !in_range(spec, *item)) {
      return std::nullopt;
    }
    out.push_back(*item);
    if (comma == std::string_view::npos) {
      break;
    }
    start = comma + 1;
  }
  return out;
}

bool is_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return false;
  }
  const auto y = parse_int(text.substr(0, 4));
  const auto m = parse_int(text.substr(5, 2));
  const auto d = parse_int(text.substr(8, 2));
  if (!y || !m || !d || *y < 1970 || std::isdigit(static_cast<unsigned char>(text[5])) == 0 ||
      std::isdigit(static_cast<unsigned char>(text[8])) == 0) {
    return false;
  }
  const date::year_month_day ymd{date::year{static_cast<int>(*y)}, date::month{static_cast<unsigned>(*m)},
                                 date::day{static_cast<unsigned>(*d)}};
  return ymd.ok();
}

bool is_currency(std::string_view text) {
  return text.size() == 3 && std::all_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool is_timezone(std::string_view text) {
  if (text.empty()) {
    return false;
  }
  try {
    return date::locate_zone(text) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

std::string upper_case(std::string_view text) {
  std::string upper(text);
  for (auto& c : upper) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return upper;
}

/// The allowed value `text` names, in any case, spelt as the table spells it; empty when none.
std::string enum_value(const KeySpec& spec, std::string_view text) {
  const std::string wanted = upper_case(text);
  std::string_view all = spec.allowed;
  while (!all.empty()) {
    const auto bar = all.find('|');
    if (upper_case(all.substr(0, bar)) == wanted) {
      return std::string(all.substr(0, bar));
    }
    all = bar == std::string_view::npos ? std::string_view{} : all.substr(bar + 1);
  }
  return "";
}

/// Checks and stores a string-typed value.
std::string apply_string(const KeySpec& spec, std::string_view text, std::string& out) {
  switch (spec.type) {
    case ValueType::url: {
      auto endpoint = tracking_endpoint(text);
      if (!endpoint) {
        return expected(spec, text);
      }
      if (has_token_in_query(text)) {
        return "token_auth must not be in the URL (it would be sent in the URL of every hit and printed): "
               "set MATOMO_TOKEN_AUTH instead";
      }
      out = *endpoint;
      return "";
    }
    case ValueType::date:
      if (!text.empty() && !is_date(text)) {
        return expected(spec, text);
      }
      break;
    case ValueType::currency:
      if (!is_currency(text)) {
        return expected(spec, text);
      }
      break;
    case ValueType::timezone:
      if (!is_timezone(text)) {
        return expected(spec, text);
      }
      break;
    case ValueType::proxy:
      if (!text.empty() && !check_proxy(text).empty()) {
        return expected(spec, text);
      }
      break;
    case ValueType::hosts:
      for (const auto& entry : split_entries(text)) {
        const std::string problem = spec.name == "RESOLVE" ? check_resolve(entry) : check_connect_to(entry);
        if (!problem.empty()) {
          return fmt::format("{}, found {}", problem, found(entry));
        }
      }
      break;
    case ValueType::dimensions: {
      std::string problem;
      parse_dimensions(text, problem);
      if (!problem.empty()) {
        return problem;
      }
      break;
    }
    case ValueType::enumeration: {
      std::string value = enum_value(spec, text);
      if (value.empty()) {
        return expected(spec, text);
      }
      out = std::move(value);
      return "";
    }
    default: break;
  }
  out = std::string(text);
  return "";
}

}  // namespace

std::string describe_allowed(const KeySpec& spec) {
  switch (spec.type) {
    case ValueType::boolean: return "true/false/yes/no/1/0/on/off";
    case ValueType::integer:
      if (spec.max >= 9e18) {
        return fmt::format("an integer from {} to 9223372036854775807", number_text(spec.min));
      }
      return fmt::format("an integer from {} to {}", number_text(spec.min), number_text(spec.max));
    case ValueType::number: return fmt::format("a number from {} to {}", number_text(spec.min), number_text(spec.max));
    case ValueType::duration:
      return fmt::format("a duration (90, 90s, 250ms, 5m, 2h) from {} to {}",
                         format_duration(std::chrono::milliseconds{std::llround(spec.min * 1000)}),
                         format_duration(std::chrono::milliseconds{std::llround(spec.max * 1000)}));
    case ValueType::string: return "a string";
    case ValueType::path: return "a file path";
    case ValueType::url: return "an http(s) URL with a host";
    case ValueType::list:
      return spec.name == "HOURLY_PROFILE"
        ? "24 comma-separated weights ≥ 0, not all 0"
        : fmt::format("comma-separated numbers from {} to {}", number_text(spec.min), number_text(spec.max));
    case ValueType::date: return "a date YYYY-MM-DD";
    case ValueType::enumeration: return fmt::format("one of {}", spec.allowed);
    case ValueType::currency: return "3 upper-case letters (ISO 4217)";
    case ValueType::timezone: return "an IANA time zone name such as Europe/Stockholm";
    case ValueType::json: return "a targets JSON object";
    case ValueType::proxy:
      return "a proxy URL such as http://HOST:PORT (http, https, socks4, socks4a, socks5, socks5h)";
    case ValueType::dimensions: return "ID:SCOPE:VALUE|VALUE… entries separated by ';' (SCOPE visit or action)";
    case ValueType::hosts:
      return spec.name == "RESOLVE" ? "blank-separated HOST:PORT:ADDR[,ADDR…] entries"
                                    : "blank-separated HOST1:PORT1:HOST2:PORT2 entries";
  }
  return "a value";
}

std::string apply_value(const KeySpec& spec, std::string_view raw, Settings& settings) {
  const std::string_view text = trim(raw);
  if (text.empty() &&
      (spec.empty_means_unset || spec.type == ValueType::path || spec.secret || spec.type == ValueType::date)) {
    std::visit([&](auto member) { settings.*member = Settings{}.*member; }, spec.field);
    return "";
  }
  const auto number = [&]() -> std::optional<double> {
    auto v = parse_number(spec, text);
    return v && in_range(spec, *v) ? v : std::nullopt;
  };
  return std::visit(Overloaded{
                      [&](bool Settings::*m) -> std::string {
                        auto v = parse_bool(text);
                        return v ? (settings.*m = *v, "") : expected(spec, text);
                      },
                      [&](int Settings::*m) -> std::string {
                        auto v = number();
                        return v ? (settings.*m = static_cast<int>(*v), "") : expected(spec, text);
                      },
                      [&](long long Settings::*m) -> std::string {
                        auto v = number();
                        return v ? (settings.*m = static_cast<long long>(*v), "") : expected(spec, text);
                      },
                      [&](double Settings::*m) -> std::string {
                        auto v = number();
                        return v ? (settings.*m = *v, "") : expected(spec, text);
                      },
                      [&](std::optional<int> Settings::*m) -> std::string {
                        auto v = number();
                        return v ? (settings.*m = static_cast<int>(*v), "") : expected(spec, text);
                      },
                      [&](std::optional<double> Settings::*m) -> std::string {
                        auto v = number();
                        return v ? (settings.*m = *v, "") : expected(spec, text);
                      },
                      [&](std::optional<std::uint64_t> Settings::*m) -> std::string {
                        auto v = parse_int(text);
                        return v && *v >= 0 ? (settings.*m = static_cast<std::uint64_t>(*v), "") : expected(spec, text);
                      },
                      [&](std::chrono::milliseconds Settings::*m) -> std::string {
                        auto v = parse_duration(text);
                        if (!v || static_cast<double>(v->count()) < spec.min * 1000 ||
                            static_cast<double>(v->count()) > spec.max * 1000) {
                          return expected(spec, text);
                        }
                        settings.*m = *v;
                        return "";
                      },
                      [&](std::string Settings::*m) -> std::string { return apply_string(spec, text, settings.*m); },
                      [&](std::vector<double> Settings::*m) -> std::string {
                        auto v = parse_list(spec, text);
                        const bool is_profile = spec.name == "HOURLY_PROFILE";
                        const bool bad_profile = v && is_profile &&
                          (v->size() != 24 || std::all_of(v->begin(), v->end(), [](double x) { return x == 0; }));
                        if (!v || v->empty() || bad_profile) {
                          return expected(spec, text);
                        }
                        settings.*m = std::move(*v);
                        return "";
                      },
                      [&](std::optional<TargetsConfig> Settings::*) -> std::string {
                        return "a targets JSON object is read by the loader";
                      },
                    },
                    spec.field);
}

std::string format_value(const KeySpec& spec, const Settings& settings, bool show_secrets) {
  return std::visit(
    Overloaded{
      [&](bool Settings::*m) -> std::string { return settings.*m ? "true" : "false"; },
      [&](int Settings::*m) -> std::string { return std::to_string(settings.*m); },
      [&](long long Settings::*m) -> std::string { return std::to_string(settings.*m); },
      [&](double Settings::*m) -> std::string { return number_text(settings.*m); },
      [&](std::optional<int> Settings::*m) -> std::string { return settings.*m ? std::to_string(*(settings.*m)) : ""; },
      [&](std::optional<double> Settings::*m) -> std::string { return settings.*m ? number_text(*(settings.*m)) : ""; },
      [&](std::optional<std::uint64_t> Settings::*m) -> std::string {
        return settings.*m ? std::to_string(*(settings.*m)) : "";
      },
      [&](std::chrono::milliseconds Settings::*m) -> std::string { return format_duration(settings.*m); },
      [&](std::string Settings::*m) -> std::string {
        const std::string& v = settings.*m;
        if (spec.type == ValueType::url && !show_secrets) {
          return redact_url(v);
        }
        if (spec.type == ValueType::proxy && !show_secrets) {
          return redact_url(v);  // a proxy's password, not the proxy
        }
        return spec.secret && !show_secrets && !v.empty() ? "***" : v;
      },
      [&](std::vector<double> Settings::*m) -> std::string {
        std::string out;
        for (double v : settings.*m) {
          out += (out.empty() ? "" : ",") + number_text(v);
        }
        return out;
      },
      [&](std::optional<TargetsConfig> Settings::*m) -> std::string {
        if (!(settings.*m)) {
          return "";
        }
        std::string names;
        for (const auto& t : (settings.*m)->targets) {
          names += (names.empty() ? "" : ",") + t.name;
        }
        return fmt::format("{} target(s), {}: {}", (settings.*m)->targets.size(),
                           routing::to_string((settings.*m)->strategy), names);
      },
    },
    spec.field);
}

}  // namespace tf::config
