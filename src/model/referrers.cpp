#include "model/referrers.hpp"

#include <fmt/format.h>

#include "util/error.hpp"

namespace tf::model {
namespace {

std::vector<std::string_view> split(std::string_view line, char separator) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t k = 0; k <= line.size(); ++k) {
    if (k == line.size() || line[k] == separator) {
      out.push_back(line.substr(start, k - start));
      start = k + 1;
    }
  }
  return out;
}

ReferrerClass class_of(std::string_view name, std::string_view where) {
  if (name == "search") {
    return ReferrerClass::search;
  }
  if (name == "social") {
    return ReferrerClass::social;
  }
  if (name == "website") {
    return ReferrerClass::website;
  }
  throw Error(fmt::format("{}: class: expected search, social or website, found '{}'", where, name));
}

}  // namespace

const char* to_string(ReferrerClass kind) {
  switch (kind) {
    case ReferrerClass::search: return "search";
    case ReferrerClass::social: return "social";
    case ReferrerClass::website: break;
  }
  return "website";
}

std::vector<Referrer> parse_referrers(std::string_view text, std::string_view source) {
  std::vector<Referrer> out;
  std::size_t number = 0;
  for (const auto raw : split(text, '\n')) {
    ++number;
    const std::string_view line = raw.substr(0, raw.find_last_not_of("\r") + 1);
    if (line.empty() || line.front() == '#') {
      continue;
    }
    const std::string where = fmt::format("{}:{}", source, number);
    const auto fields = split(line, '\t');
    if (fields.size() != 3) {
      throw Error(fmt::format("{}: expected 3 tab-separated fields (class, URL, keyword parameter), found {}", where,
                              fields.size()));
    }
    Referrer referrer;
    referrer.kind = class_of(fields[0], where);
    if (fields[1].rfind("http://", 0) != 0 && fields[1].rfind("https://", 0) != 0) {
      throw Error(fmt::format("{}: URL: expected an http(s) URL, found '{}'", where, fields[1]));
    }
    referrer.url = std::string(fields[1]);
    if (fields[2] != "-") {
      referrer.keyword_param = std::string(fields[2]);
    }
    out.push_back(std::move(referrer));
  }
  return out;
}

std::string referrer_url(const Referrer& referrer, std::string_view keyword) {
  if (referrer.keyword_param.empty() || keyword.empty()) {
    return referrer.url;
  }
  const char joint = referrer.url.find('?') == std::string::npos ? '?' : '&';
  return fmt::format("{}{}{}={}", referrer.url, joint, referrer.keyword_param, keyword);
}

}  // namespace tf::model
