#pragma once
// Strict parsing of the value types that settings and flags use.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tf {

/// Parses a duration: "90" (seconds), "90s", "1.5s", "250ms", "5m", "2h", "1d". nullopt if malformed
/// or negative.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
/// Parses a boolean: true/false/yes/no/1/0/on/off, case-insensitive. nullopt otherwise.
std::optional<bool> parse_bool(std::string_view text);
/// Parses a whole decimal integer (optional sign); the whole text must be consumed.
std::optional<long long> parse_int(std::string_view text);
/// Parses a finite decimal number ("1", "0.5", "-2", "1e3"); the whole text must be consumed.
std::optional<double> parse_double(std::string_view text);
/// Formats milliseconds as a short human duration: "250ms", "90s", "5m", "2h30m".
std::string format_duration(std::chrono::milliseconds d);

std::string_view trim(std::string_view s);
std::string to_lower(std::string_view s);

}  // namespace tf
