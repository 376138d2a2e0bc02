#include "model/visitor.hpp"

#include <array>
#include <charconv>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

#include <date/tz.h>

#include "model/catalogues.hpp"

namespace tf::model {
namespace {

constexpr std::uint32_t k_excluded_bot_ip = (1U << 24U) | (202U << 16U) | (218U << 8U) | 8U;

const Country& draw_country(Rng& rng) {
  const auto list = countries();
  double r = rng.uniform();
  for (const auto& country : list) {
    if (r < country.share) {
      return country;
    }
    r -= country.share;
  }
  return list.front();
}

std::uint32_t draw_ip(Rng& rng, const Country& country) {
  while (true) {
    const Cidr& range = country.ranges[rng.index(country.ranges.size())];
    const std::int64_t size = std::int64_t{1} << (32 - range.prefix);
    const auto host = static_cast<std::uint32_t>(rng.uniform_int(1, size - 2));
    const std::uint32_t address = range.base + host;
    if (address != k_excluded_bot_ip) {
      return address;
    }
  }
}

/// `text`, a catalogue entry (static storage), interned: looked up by where it lives in a table
/// made once, so a visitor's texts cost no allocation and no look-up by content.
Text catalogue_text(std::string_view text) {
  static const std::unordered_map<const char*, Text> k_texts = [] {
    std::unordered_map<const char*, Text> texts;
    const auto add = [&texts](std::string_view entry) { texts.emplace(entry.data(), Text::intern(entry)); };
    for (const auto& ua : user_agents()) {
      add(ua.text);
    }
    for (const Device device : {Device::desktop, Device::mobile, Device::tablet}) {
      for (const auto size : resolutions(device)) {
        add(size);
      }
    }
    for (const auto& country : countries()) {
      for (const auto language : country.languages) {
        add(language);
      }
    }
    return texts;
  }();
  const auto it = k_texts.find(text.data());
  // the same start and size: the same entry (a catalogue's strings are not edited)
  return it != k_texts.end() && it->second.size() == text.size() ? it->second : Text::intern(text);
}

/// zone_named of a catalogue's zone name, without its lock: a table by where the name lives,
/// made once for every country's zones.
const date::time_zone* catalogue_zone(std::string_view name) {
  static const std::unordered_map<const char*, std::pair<std::size_t, const date::time_zone*>> k_zones = [] {
    std::unordered_map<const char*, std::pair<std::size_t, const date::time_zone*>> zones;
    for (const auto& country : countries()) {
      for (const auto zone : country.zones) {
        zones.emplace(zone.data(), std::pair{zone.size(), zone_named(zone)});
      }
    }
    return zones;
  }();
  const auto it = k_zones.find(name.data());
  return it != k_zones.end() && it->second.first == name.size() ? it->second.second : zone_named(name);
}

const UserAgent& draw_user_agent(Rng& rng) {
  static const int total = [] {
    int sum = 0;
    for (const auto& ua : user_agents()) {
      sum += ua.weight;
    }
    return sum;
  }();
  std::int64_t r = rng.uniform_int(0, total - 1);
  for (const auto& ua : user_agents()) {
    if (r < ua.weight) {
      return ua;
    }
    r -= ua.weight;
  }
  return user_agents().front();
}

}  // namespace

std::string ipv4_text(std::uint32_t address) {
  // "a.b.c.d" without a format string to parse (one per visitor)
  std::array<char, 15> text{};
  char* end = text.data();
  for (unsigned shift = 24;; shift -= 8) {
    const unsigned octet = (address >> shift) & 0xffU;
    if (octet >= 100) {
      *end++ = static_cast<char>('0' + octet / 100);
    }
    if (octet >= 10) {
      *end++ = static_cast<char>('0' + octet / 10 % 10);
    }
    *end++ = static_cast<char>('0' + octet % 10);
    if (shift == 0) {
      break;
    }
    *end++ = '.';
  }
  return {text.data(), end};
}

const date::time_zone* zone_named(std::string_view name) {
  // locate_zone searches the whole database: once per name (a handful), then shared.
  static std::mutex mutex;
  static std::map<std::string, const date::time_zone*, std::less<>> zones;
  const std::lock_guard lock(mutex);
  auto it = zones.find(name);
  if (it == zones.end()) {
    it = zones.emplace(std::string(name), date::locate_zone(name)).first;
  }
  return it->second;
}

Visitor draw_visitor(Rng& rng, double logged_in_probability) {
  Visitor visitor;
  visitor.id = rng.hex(16);
  std::from_chars(visitor.id.data(), visitor.id.data() + visitor.id.size(), visitor.key, 16);
  if (rng.bernoulli(logged_in_probability)) {
    visitor.uid = "user-" + visitor.id;
  }
  const Country& country = draw_country(rng);
  visitor.country = std::string(country.code);
  visitor.ip = ipv4_text(draw_ip(rng, country));
  const std::size_t language = rng.index(country.languages.size());
  visitor.lang = catalogue_text(country.languages[language]);
  const bool by_language = country.zones.size() == country.languages.size() && country.code.empty();
  visitor.zone = catalogue_zone(country.zones[by_language ? language : rng.index(country.zones.size())]);
  const UserAgent& ua = draw_user_agent(rng);
  visitor.user_agent = catalogue_text(ua.text);
  const auto sizes = resolutions(ua.device);
  visitor.res = catalogue_text(sizes[rng.index(sizes.size())]);
  return visitor;
}

}  // namespace tf::model
