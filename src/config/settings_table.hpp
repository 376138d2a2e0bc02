#pragma once
// The settings table: one row per configuration key (name, type, allowed range, one line of help
// and the Settings field it sets). Parsing, --show-config, `validate`, `presets` and the man
// page's ENVIRONMENT section all come from this table (tests check the man page against it).
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/settings.hpp"

namespace tf::config {

enum class ValueType {
  boolean,
  integer,
  number,
  duration,
  string,
  path,
  url,
  list,
  date,
  enumeration,
  currency,
  timezone,
  json,
  proxy,
  hosts,
  dimensions
};

/// The Settings member a key sets; the member's type decides how the parsed value is stored.
using FieldRef =
  std::variant<bool Settings::*, int Settings::*, long long Settings::*, double Settings::*,
               std::chrono::milliseconds Settings::*, std::string Settings::*, std::vector<double> Settings::*,
               std::optional<int> Settings::*, std::optional<double> Settings::*,
               std::optional<std::uint64_t> Settings::*, std::optional<TargetsConfig> Settings::*>;

struct KeySpec {
  std::string_view name;
  ValueType type = ValueType::string;
  double min = 0;  ///< inclusive lower bound (numbers; seconds for durations)
  double max = 0;  ///< inclusive upper bound
  std::string_view allowed;  ///< enumeration values, `|`-separated
  std::string_view help;  ///< one line
  FieldRef field;
  bool secret = false;  ///< redacted as *** in output
  bool empty_means_unset = false;  ///< an empty value resets the key to its default
};

/// Every key, in documentation order.
std::span<const KeySpec> settings_table();

/// The row for `name`, or nullptr.
const KeySpec* find_key(std::string_view name);

/// All key names, in table order.
std::vector<std::string> key_names();

/// Parses `text` for `spec` and stores it in `settings`. Returns "" on success, else the
/// message "expected …, found \"…\"". Keys of type json are not handled here (see loader).
std::string apply_value(const KeySpec& spec, std::string_view text, Settings& settings);

/// The current value of `spec` in `settings`, as it would be written in a .env file
/// (secrets as *** unless `show_secrets`; unset optionals as "").
std::string format_value(const KeySpec& spec, const Settings& settings, bool show_secrets = false);

/// Human description of the allowed values, e.g. "an integer from 1 to 100000".
std::string describe_allowed(const KeySpec& spec);

/// The type name used in docs: bool, int, number, duration, string, path, url, list, date, enum, json.
std::string_view type_name(ValueType type);

}  // namespace tf::config
