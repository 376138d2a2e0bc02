#pragma once
// Landing referrers as data: each site profile's presets/profiles/NAME.referrers.tsv, one per line
// "CLASS<TAB>URL<TAB>KEYWORD_PARAMETER", CLASS = search | social | website, "-" = no keyword
// parameter; '#' comments and blank lines are skipped. Each entry is of the class Matomo must
// give it (tests/unit/test_model_referrers.cpp checks every profile's against Matomo's detection rules).
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace tf::model {

enum class ReferrerClass { search, social, website };

const char* to_string(ReferrerClass kind);

struct Referrer {
  ReferrerClass kind = ReferrerClass::website;
  std::string url;  ///< absolute
  std::string keyword_param;  ///< search engines: the keyword's query parameter; empty = none sent
};

/// The entries of a referrers file. Throws tf::Error naming `source`, the line, what was
/// expected and found, for a bad line (wrong field count, unknown class, not an http(s) URL).
std::vector<Referrer> parse_referrers(std::string_view text, std::string_view source);

/// The landing referrer URL of `referrer`: with `keyword` ('+'-joined words) in its keyword
/// parameter when it has one, else the URL as it is.
std::string referrer_url(const Referrer& referrer, std::string_view keyword);

}  // namespace tf::model
