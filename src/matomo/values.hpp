#pragma once
// Strict parsers for Matomo parameter values, shared by the checks and the encoders.
#include <cstdint>
#include <optional>
#include <string_view>

namespace tf::matomo {

/// `[-]digits`, no sign `+`, no spaces, fits in int64.
std::optional<std::int64_t> parse_int(std::string_view text);

/// Matomo's float syntax: `[+-]digits[.digits][e[+-]digits]` (no comma decimals).
std::optional<double> parse_float(std::string_view text);

/// Exactly 16 characters `[0-9a-fA-F]`.
bool is_hex16(std::string_view text);

/// `http://` or `https://` (scheme case-insensitive), a non-empty host, then end, `/`, `?` or
/// `#`; no whitespace or control characters anywhere.
bool is_absolute_http_url(std::string_view text);

/// A `cdt` value: UNIX seconds (plain non-negative integer) or `YYYY-MM-DD HH:MM:SS` (UTC).
/// Returns UNIX seconds; nullopt when the syntax or a field is invalid.
std::optional<std::int64_t> parse_cdt(std::string_view text);

/// True for a syntactically valid IPv4 (dotted quad) or IPv6 address.
bool is_ip_address(std::string_view text);

/// True when `ipv4` lies in a search-engine bot range Matomo excludes (matomo-tracking.md §1.3).
bool is_bot_ip(std::string_view ipv4);

}  // namespace tf::matomo
