#pragma once
// Drawing visitor profiles: id, optional uid, country and IP, user agent, language, screen.
#include <cstdint>
#include <string_view>

#include "model/visit.hpp"
#include "util/random.hpp"

namespace tf::model {

/// A visitor profile drawn from `rng` alone: 16 lowercase hex id (sent as `_id` and `cid`),
/// `uid` = "user-<id>" with probability `logged_in_probability`, a country bucket by its share
/// with an IPv4 address in one of its ranges (never a network/broadcast address, never a bot
/// range), an Accept-Language of that country, a weighted user agent and a screen size of the
/// same device class, and a time zone of the country (of the language for the "other" bucket):
/// local h/m/s. `key` is the id's 64-bit value.
Visitor draw_visitor(Rng& rng, double logged_in_probability);

/// The time zone of an IANA name, looked up once per name (thread-safe). Throws for an unknown one.
const date::time_zone* zone_named(std::string_view name);

/// Dotted-quad text of a host-order IPv4 address.
std::string ipv4_text(std::uint32_t address);

}  // namespace tf::model
