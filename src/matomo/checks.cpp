#include "matomo/checks.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string_view>

#include <fmt/format.h>

#include "matomo/checks_detail.hpp"
#include "matomo/values.hpp"

namespace tf::matomo {
namespace detail {
namespace {

constexpr std::int64_t k_day_s = 86'400;
constexpr std::int64_t k_twenty_years_s = 631'152'000;  // 20 × 365.25 days
constexpr std::int64_t k_millis_threshold = 100'000'000'000;  // 10^11: a ms timestamp

/// Every parameter Matomo 5 reads (matomo-tracking.md §1), plus transport controls.
constexpr std::array<std::string_view, 92> k_known_params{"idsite",   "rec",    "url",        "action_name",
                                                          "_id",      "cid",    "uid",        "rand",
                                                          "r",        "apiv",   "_idvc",      "_idts",
                                                          "_viewts",  "_ects",  "_idn",       "new_visit",
                                                          "urlref",   "res",    "h",          "m",
                                                          "s",        "ua",     "uadata",     "lang",
                                                          "fla",      "java",   "qt",         "realp",
                                                          "pdf",      "wma",    "ag",         "cookie",
                                                          "dir",      "gears",  "cip",        "country",
                                                          "region",   "city",   "lat",        "long",
                                                          "dp",       "bots",   "_cvar",      "cvar",
                                                          "cdt",      "cdo",    "token_auth", "link",
                                                          "download", "search", "search_cat", "search_count",
                                                          "pv_id",    "pf_net", "pf_srv",     "pf_tfr",
                                                          "pf_dm1",   "pf_dm2", "pf_onl",     "e_c",
                                                          "e_a",      "e_n",    "e_v",        "c_n",
                                                          "c_p",      "c_t",    "c_i",        "ca",
                                                          "ping",     "cs",     "send_image", "idgoal",
                                                          "revenue",  "ec_id",  "ec_items",   "ec_st",
                                                          "ec_tx",    "ec_sh",  "ec_dt",      "_pks",
                                                          "_pkn",     "_pkc",   "_pkp",       "_rcn",
                                                          "_rck",     "_ref",   "_refts",     "queuedtracking",
                                                          "debug",    "gt_ms",  "bw_bytes",   "pv"};

constexpr std::array<std::string_view, 12> k_bot_ua_markers{
  "bot/",           "bot;",  "bot)",  "crawler",         "spider",         "slurp",
  "headlesschrome", "curl/", "wget/", "python-requests", "go-http-client", "phantomjs"};

bool is_dimension(std::string_view name) {
  constexpr std::string_view prefix = "dimension";
  return name.size() > prefix.size() && name.substr(0, prefix.size()) == prefix &&
    parse_int(name.substr(prefix.size())).value_or(0) > 0;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

bool is_bot_user_agent(std::string_view ua) {
  const std::string text = lower(ua);
  return std::any_of(k_bot_ua_markers.begin(), k_bot_ua_markers.end(),
                     [&](std::string_view marker) { return text.find(marker) != std::string::npos; });
}

bool is_resolution(std::string_view res) {
  const std::size_t x = res.find('x');
  if (x == std::string_view::npos) {
    return false;
  }
  auto dim_ok = [](std::string_view part) {
    return !part.empty() && part.size() <= 4 && part.find_first_not_of("0123456789") == std::string_view::npos;
  };
  return dim_ok(res.substr(0, x)) && dim_ok(res.substr(x + 1));
}

void check_clock_field(const Params& params, std::string_view name, std::int64_t max, Findings& out) {
  if (const auto raw = find(params, name)) {
    const auto value = parse_int(*raw);
    if (!value || *value < 0 || *value > max) {
      out.strict("BAD_HMS", fmt::format("{}={} is not an integer in 0..{}", name, *raw, max));
    }
  }
}

}  // namespace

std::string_view value_of(const Params& params, std::string_view name) {
  return find(params, name).value_or(std::string_view{});
}

bool has(const Params& params, std::string_view name) { return !value_of(params, name).empty(); }

void check_identity(const Params& params, const CheckContext& ctx, Findings& out) {
  const auto idsite = find(params, "idsite");
  const auto site = idsite ? parse_int(*idsite) : std::nullopt;
  if (!idsite || idsite->empty()) {
    out.reject("BAD_IDSITE", "idsite is missing");
  } else if (!site || *site <= 0) {
    out.reject("BAD_IDSITE", fmt::format("idsite={} is not a positive integer", *idsite));
  } else if (!ctx.known_sites.empty() &&
             std::find(ctx.known_sites.begin(), ctx.known_sites.end(), *site) == ctx.known_sites.end()) {
    out.reject("UNKNOWN_SITE", fmt::format("idsite={} is not a known site", *idsite));
  }
  if (value_of(params, "rec") != "1") {
    out.strict("MISSING_REC", fmt::format("rec={} (must be 1)", value_of(params, "rec")));
  }
  const std::string_view cid = value_of(params, "cid");
  if (!cid.empty() && cid.size() != 16) {
    out.reject("BAD_CID_LENGTH", fmt::format("cid={} must be 16 characters long", cid));
  } else if (!cid.empty() && !is_hex16(cid)) {
    out.strict("BAD_VISITOR_ID", fmt::format("cid={} is not 16 hex characters", cid));
  }
  const std::string_view id = value_of(params, "_id");
  if (!id.empty() && !is_hex16(id)) {
    out.strict("BAD_VISITOR_ID", fmt::format("_id={} is not 16 hex characters", id));
  }
  if (const auto uid = find(params, "uid"); uid && uid->find_first_not_of(" \t") == std::string_view::npos) {
    out.strict("BAD_VISITOR_ID", "uid is empty");
  }
  for (const std::string_view name : {"cip", "country", "region", "city", "lat", "long"}) {
    if (has(params, name) && !ctx.token_valid) {
      out.reject("CIP_WITHOUT_TOKEN", fmt::format("{} requires a valid token_auth", name));
    }
  }
}

void check_time(const Params& params, const CheckContext& ctx, Findings& out) {
  const std::string_view cdt = value_of(params, "cdt");
  const std::string_view cdo = value_of(params, "cdo");
  if (cdt.empty() && cdo.empty()) {
    return;
  }
  std::optional<std::int64_t> time = ctx.now_s;
  if (!cdt.empty()) {
    time = parse_cdt(cdt);
    if (!time) {
      out.strict("BAD_CDT", fmt::format("cdt={} is neither UNIX seconds nor YYYY-MM-DD HH:MM:SS", cdt));
      return;
    }
    if (*time > k_millis_threshold) {
      out.strict("CDT_MILLISECONDS", fmt::format("cdt={} looks like milliseconds", cdt));
      return;
    }
  }
  if (!cdo.empty()) {
    const auto offset = parse_int(cdo);
    if (!offset) {
      out.strict("BAD_CDT", fmt::format("cdo={} is not an integer", cdo));
      return;
    }
    *time -= std::llabs(*offset);
  }
  if (ctx.now_s == 0) {
    return;
  }
  const std::int64_t age = ctx.now_s - *time;
  if (age < 0) {
    out.strict("FUTURE_CDT", fmt::format("cdt={} is {} s in the future", cdt, -age));
  } else if (age > k_twenty_years_s) {
    out.strict("CDT_TOO_OLD", fmt::format("cdt={} is more than 20 years old", cdt));
  } else if (age >= k_day_s && !ctx.token_valid) {
    out.reject("OLD_CDT_WITHOUT_TOKEN", fmt::format("Custom timestamp is {} seconds old, requires token_auth", age));
  }
}

void check_device(const Params& params, const CheckContext& /*ctx*/, Findings& out) {
  const bool bots = value_of(params, "bots") == "1";
  const std::string_view cip = value_of(params, "cip");
  if (!cip.empty() && !is_ip_address(cip)) {
    out.strict("BAD_CIP", fmt::format("cip={} is not an IPv4/IPv6 address", cip));
  } else if (!cip.empty() && !bots && is_bot_ip(cip)) {
    out.strict("BOT_IP", fmt::format("cip={} is in a search-engine bot range", cip));
  }
  const std::string_view country = value_of(params, "country");
  if (!country.empty() && (country.size() != 2 || !std::all_of(country.begin(), country.end(), [](char c) {
                             return c >= 'a' && c <= 'z';
                           }))) {
    out.strict("BAD_COUNTRY", fmt::format("country={} is not 2 lowercase letters", country));
  }
  if (const auto res = find(params, "res"); res && !is_resolution(*res)) {
    out.strict("BAD_RES", fmt::format("res={} is not WxH", *res));
  }
  check_clock_field(params, "h", 23, out);
  check_clock_field(params, "m", 59, out);
  check_clock_field(params, "s", 59, out);
  if (const auto lang = find(params, "lang"); lang && lang->find_first_not_of(" \t") == std::string_view::npos) {
    out.strict("BAD_LANG", "lang is empty");
  }
  const std::string_view ua = value_of(params, "ua");
  if (!ua.empty() && !bots && is_bot_user_agent(ua)) {
    out.strict("BOT_UA", fmt::format("ua={} looks like a bot (excluded without bots=1)", ua));
  }
}

void check_names(const Params& params, Findings& out) {
  for (std::size_t k = 0; k < params.size(); ++k) {
    const std::string& name = params[k].first;
    for (std::size_t j = 0; j < k; ++j) {
      if (params[j].first == name) {
        out.strict("DUPLICATE_PARAM", fmt::format("{} is given more than once", name));
        break;
      }
    }
    if (name == "ec_currency") {
      out.strict("CURRENCY_PARAM", "ec_currency is not read by Matomo (currency is a site setting)");
    } else if (!is_dimension(name) &&
               std::find(k_known_params.begin(), k_known_params.end(), name) == k_known_params.end()) {
      out.strict("UNKNOWN_PARAM", fmt::format("{} is not a Matomo tracking parameter", name));
    }
  }
}

}  // namespace detail

std::vector<Violation> check_hit(const Params& params, const CheckContext& ctx) {
  detail::Findings out;
  detail::check_names(params, out);
  detail::check_identity(params, ctx, out);
  detail::check_time(params, ctx, out);
  detail::check_device(params, ctx, out);
  detail::check_actions(params, ctx, out);
  detail::check_ecommerce(params, ctx, out);
  return out.take();
}

}  // namespace tf::matomo
