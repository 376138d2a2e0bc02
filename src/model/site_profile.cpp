#include "model/site_profile.hpp"

#include <array>
#include <charconv>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include <fmt/format.h>

#include "config/embedded.hpp"
#include "util/error.hpp"

namespace tf::model {
namespace {

std::vector<std::string_view> tab_fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t k = 0; k <= line.size(); ++k) {
    if (k == line.size() || line[k] == '\t') {
      out.push_back(line.substr(start, k - start));
      start = k + 1;
    }
  }
  return out;
}

/// "12.99" (up to two decimals, > 0) in cents, or nullopt.
std::optional<std::int64_t> price_cents(std::string_view text) {
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  std::int64_t units = 0, cents = 0;
  if (whole.empty() || fraction.size() > 2 || (dot != std::string_view::npos && fraction.empty())) {
    return std::nullopt;
  }
  if (std::from_chars(whole.data(), whole.data() + whole.size(), units).ptr != whole.data() + whole.size()) {
    return std::nullopt;
  }
  if (!fraction.empty() &&
      std::from_chars(fraction.data(), fraction.data() + fraction.size(), cents).ptr !=
        fraction.data() + fraction.size()) {
    return std::nullopt;
  }
  const std::int64_t total = units * 100 + (fraction.size() == 1 ? cents * 10 : cents);
  return total > 0 && units < 10'000'000 ? std::optional<std::int64_t>(total) : std::nullopt;
}

/// An event's value: "-" (none, -1) or a number ≥ 0.
std::optional<double> event_value(std::string_view text) {
  if (text == "-") {
    return -1.0;
  }
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc{} && end == text.data() + text.size() && value >= 0 ? std::optional<double>(value)
                                                                                : std::nullopt;
}

struct KindSpec {
  std::string_view kind;
  std::size_t fields;  ///< after the kind
  std::string_view expected;
};

constexpr std::array<KindSpec, 11> k_kinds{{
  {"engine_keyword", 1, "words joined with '+'"},
  {"search_term", 1, "a search term"},
  {"search_category", 1, "a category name"},
  {"outlink", 1, "an absolute http(s) URL"},
  {"download", 1, "a path or an absolute URL"},
  {"click_event", 4, "CATEGORY, ACTION, NAME, VALUE ('-' or a number >= 0)"},
  {"random_event", 4, "CATEGORY, ACTION, NAME, VALUE ('-' or a number >= 0)"},
  {"product", 4, "SKU, NAME, CATEGORY, PRICE (e.g. 12.99)"},
  {"content", 3, "NAME, PIECE, TARGET"},
  {"campaign", 1, "a campaign name"},
  {"campaign_keyword", 1, "a campaign keyword"},
}};

class ListsParser {
public:
  ListsParser(SiteProfile& profile, std::string_view source) : m_profile(profile), m_source(source) {}

  void line(std::size_t number, std::string_view text) {
    const auto fields = tab_fields(text);
    const std::string where = fmt::format("{}:{}", m_source, number);
    const KindSpec* spec = nullptr;
    for (const auto& candidate : k_kinds) {
      spec = candidate.kind == fields[0] ? &candidate : spec;
    }
    if (spec == nullptr) {
      throw Error(fmt::format("{}: kind: expected one of engine_keyword, search_term, search_category, outlink, "
                              "download, click_event, random_event, product, content, campaign, campaign_keyword; "
                              "found '{}'",
                              where, fields[0]));
    }
    if (fields.size() != spec->fields + 1) {
      throw Error(fmt::format("{}: {}: expected {} tab-separated field(s) ({}), found {}", where, spec->kind,
                              spec->fields, spec->expected, fields.size() - 1));
    }
    for (std::size_t k = 1; k < fields.size(); ++k) {
      if (fields[k].empty()) {
        throw Error(fmt::format("{}: {}: expected {}, found an empty field {}", where, spec->kind, spec->expected, k));
      }
    }
    ++m_count[spec->kind];
    store(*spec, fields, where);
  }

  void finish() const {
    for (const auto& spec : k_kinds) {
      if (m_count.count(spec.kind) == 0) {
        throw Error(fmt::format("{}: {}: expected at least one entry, found none", m_source, spec.kind));
      }
    }
  }

private:
  void store(const KindSpec& spec, const std::vector<std::string_view>& f, const std::string& where) {
    SiteProfile& p = m_profile;
    const std::string_view kind = spec.kind;
    if (kind == "outlink" && f[1].rfind("http://", 0) != 0 && f[1].rfind("https://", 0) != 0) {
      throw Error(fmt::format("{}: outlink: expected {}, found '{}'", where, spec.expected, f[1]));
    }
    if (kind == "click_event" || kind == "random_event") {
      const auto value = event_value(f[4]);
      if (!value) {
        throw Error(fmt::format("{}: {}: value: expected '-' or a number >= 0, found '{}'", where, kind, f[4]));
      }
      (kind == "click_event" ? p.click_events : p.random_events).push_back({f[1], f[2], f[3], *value});
    } else if (kind == "product") {
      const auto price = price_cents(f[4]);
      if (!price) {
        throw Error(
          fmt::format("{}: product: price: expected a price > 0 with at most two decimals, found '{}'", where, f[4]));
      }
      if (!m_skus.insert(f[1]).second) {
        throw Error(fmt::format("{}: product: SKU: expected a SKU not listed before, found '{}' again", where, f[1]));
      }
      p.products.push_back({f[1], f[2], f[3], *price});
    } else if (kind == "content") {
      p.content.push_back({f[1], f[2], f[3]});
    } else {
      list_of(kind).push_back(f[1]);
    }
  }

  std::vector<std::string_view>& list_of(std::string_view kind) {
    SiteProfile& p = m_profile;
    if (kind == "engine_keyword")
      return p.engine_keywords;
    if (kind == "search_term")
      return p.search_terms;
    if (kind == "search_category")
      return p.search_categories;
    if (kind == "outlink")
      return p.outlinks;
    if (kind == "download")
      return p.downloads;
    if (kind == "campaign")
      return p.campaigns;
    return p.campaign_keywords;
  }

  SiteProfile& m_profile;
  std::string_view m_source;
  std::map<std::string_view, std::size_t> m_count;
  std::set<std::string_view> m_skus;
};

}  // namespace

SiteProfile parse_site_profile(std::string_view name, std::string_view lists, std::string_view lists_source,
                               std::string_view referrers, std::string_view referrers_source) {
  SiteProfile profile;
  profile.name = name;
  ListsParser parser(profile, lists_source);
  std::size_t number = 0;
  for (std::size_t start = 0; start <= lists.size();) {
    std::size_t end = lists.find('\n', start);
    end = end == std::string_view::npos ? lists.size() : end;
    std::string_view line = lists.substr(start, end - start);
    line = line.substr(0, line.find_last_not_of('\r') + 1);
    ++number;
    start = end + 1;
    if (!line.empty() && line.front() != '#') {
      parser.line(number, line);
    }
  }
  parser.finish();
  for (auto& r : parse_referrers(referrers, referrers_source)) {
    profile.referrers[static_cast<std::size_t>(r.kind)].push_back(std::move(r));
  }
  for (std::size_t k = 0; k < profile.referrers.size(); ++k) {
    if (profile.referrers[k].empty()) {
      throw Error(fmt::format("{}: expected at least one referrer of class {}, found none", referrers_source,
                              to_string(static_cast<ReferrerClass>(k))));
    }
  }
  return profile;
}

const SiteProfile& site_profile(std::string_view name) {
  static std::mutex mutex;
  static std::map<std::string, SiteProfile, std::less<>> parsed;
  const std::lock_guard lock(mutex);
  if (const auto it = parsed.find(name); it != parsed.end()) {
    return it->second;
  }
  const config::EmbeddedProfile& embedded = config::embedded_profile(name);
  auto profile = parse_site_profile(embedded.name, embedded.lists, fmt::format("presets/profiles/{}.tsv", name),
                                    embedded.referrers, fmt::format("presets/profiles/{}.referrers.tsv", name));
  return parsed.emplace(std::string(name), std::move(profile)).first->second;
}

}  // namespace tf::model
