#pragma once
// The fixed catalogues of visitors, shared by every site profile: user agents, screen sizes,
// countries with their address ranges, languages and time zones (reference/predecessor.md
// §2.5), and the entry types of a site profile's lists (model/site_profile.hpp). Pure data with
// stable order: changing an entry changes generated visits (and the golden files).
#include <cstdint>
#include <span>
#include <string_view>

namespace tf::model {

enum class Device { desktop, mobile, tablet };

struct UserAgent {
  std::string_view text;
  Device device;
  int weight;  ///< relative share in the mix
};

struct Cidr {
  std::uint32_t base;  ///< network address, host byte order
  int prefix;
};

struct Country {
  std::string_view code;  ///< ISO 3166 alpha-2, lowercase ("" for the "other" bucket)
  double share;  ///< probability of the bucket; all shares add up to 1
  std::span<const Cidr> ranges;
  std::span<const std::string_view> languages;  ///< Accept-Language values, uniform
  /// IANA time zones of the country, uniform; for the "other" bucket one per language, in the
  /// languages' order (the zone follows the language).
  std::span<const std::string_view> zones;
};

struct EventEntry {
  std::string_view category, action, name;
  double value;  ///< < 0: no value
};

/// A content block of a page (Matomo content tracking): name, piece and target.
struct ContentBlock {
  std::string_view name, piece, target;
};

struct Product {
  std::string_view sku, name, category;
  std::int64_t base_price_cents;
};

std::span<const UserAgent> user_agents();
std::span<const std::string_view> resolutions(Device device);
std::span<const Country> countries();

}  // namespace tf::model
