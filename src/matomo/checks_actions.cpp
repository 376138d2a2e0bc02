// Action-level rules of check_hit: families, URLs, events, search, content, performance,
// goals and ecommerce (matomo-tracking.md §1.5, §1.6, §7.2 items 10–14, 17, 18, 20).
#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "matomo/checks_detail.hpp"
#include "matomo/values.hpp"

namespace tf::matomo::detail {
namespace {

constexpr std::size_t k_max_url = 1024;
constexpr std::size_t k_max_dimension = 250;
constexpr std::int64_t k_max_perf_ms = 16'777'215;

constexpr std::array<std::string_view, 6> k_perf_params{"pf_net", "pf_srv", "pf_tfr", "pf_dm1", "pf_dm2", "pf_onl"};
constexpr std::array<std::string_view, 8> k_search_keys{"q",          "query", "s",       "search",
                                                        "searchword", "k",     "keyword", "keywords"};

bool blank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

/// The action families present (matomo-tracking.md §7.2 item 11), by name.
std::vector<std::string_view> families(const Params& params) {
  std::vector<std::string_view> out;
  if (has(params, "download"))
    out.emplace_back("download");
  if (has(params, "link"))
    out.emplace_back("link");
  if (has(params, "e_c") || has(params, "e_a"))
    out.emplace_back("event");
  if (has(params, "c_n") || has(params, "c_p") || has(params, "c_t") || has(params, "c_i")) {
    out.emplace_back("content");
  }
  if (has(params, "search"))
    out.emplace_back("search");
  if (has(params, "idgoal") && parse_int(value_of(params, "idgoal")) != std::int64_t{-1}) {
    out.emplace_back("idgoal");
  }
  if (has(params, "ping"))
    out.emplace_back("ping");
  return out;
}

void check_url_value(std::string_view name, std::string_view value, Findings& out) {
  if (value.size() > k_max_url) {
    out.strict("URL_TOO_LONG", fmt::format("{} is {} characters (max {})", name, value.size(), k_max_url));
  } else if (!is_absolute_http_url(value)) {
    out.strict("BAD_URL", fmt::format("{}={} is not an absolute http(s) URL", name, value));
  }
}

/// True when the query or fragment of `url` holds one of Matomo's site-search keyword params.
bool has_search_param(std::string_view url) {
  const std::size_t start = url.find_first_of("?#");
  if (start == std::string_view::npos) {
    return false;
  }
  std::string_view rest = url.substr(start + 1);
  while (!rest.empty()) {
    const std::size_t end = rest.find_first_of("&#?");
    const std::string_view pair = rest.substr(0, end);
    const std::string_view key = pair.substr(0, pair.find('='));
    if (std::find(k_search_keys.begin(), k_search_keys.end(), key) != k_search_keys.end()) {
      return true;
    }
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  }
  return false;
}

void check_urls(const Params& params, const std::vector<std::string_view>& fam, Findings& out) {
  const bool no_action =
    std::any_of(fam.begin(), fam.end(), [](std::string_view f) { return f == "idgoal" || f == "ping"; });
  const std::string_view url = value_of(params, "url");
  if (!url.empty()) {
    check_url_value("url", url, out);
  } else if (!no_action) {
    out.strict("BAD_URL", "url is missing");
  }
  for (const std::string_view name : {"link", "download"}) {
    if (has(params, name)) {
      check_url_value(name, value_of(params, name), out);
    }
  }
  const std::string_view urlref = value_of(params, "urlref");
  if (!urlref.empty() && !is_absolute_http_url(urlref)) {
    out.strict("BAD_URLREF", fmt::format("urlref={} is not an absolute URL", urlref));
  }
  const std::string_view title = value_of(params, "action_name");
  if (title.size() > k_max_url || title.find_first_of("\r\n") != std::string_view::npos) {
    out.strict("BAD_ACTION_NAME", "action_name is longer than 1024 characters or contains CR/LF");
  }
}

void check_event(const Params& params, Findings& out) {
  const auto category = find(params, "e_c");
  const auto action = find(params, "e_a");
  const bool c_set = category && !category->empty();
  const bool a_set = action && !action->empty();
  if (c_set && a_set && (blank(*category) || blank(*action))) {
    out.reject("EVENT_INCOMPLETE", "e_c/e_a is whitespace only");
  } else if (c_set != a_set) {
    out.strict("EVENT_INCOMPLETE", "an event needs both e_c and e_a (else Matomo records a pageview)");
  }
  if (const auto value = find(params, "e_v"); value && !parse_float(*value)) {
    out.strict("BAD_EVENT_VALUE", fmt::format("e_v={} is not numeric", *value));
  }
}

void check_search(const Params& params, const CheckContext& ctx, bool pageview, Findings& out) {
  if (has(params, "search") && !ctx.site_search_enabled) {
    out.strict("SEARCH_DISABLED", "search sent to a site with site search disabled (recorded as a pageview)");
  }
  if (const auto count = find(params, "search_count"); count && parse_int(*count).value_or(-1) < 0) {
    out.strict("BAD_SEARCH_COUNT", fmt::format("search_count={} is not a non-negative integer", *count));
  }
  if (pageview && ctx.site_search_enabled && has_search_param(value_of(params, "url"))) {
    out.strict("URL_SEARCH_PARAM", "pageview url holds a site-search keyword parameter");
  }
}

void check_content_and_perf(const Params& params, Findings& out) {
  const bool content = has(params, "c_p") || has(params, "c_t") || has(params, "c_i");
  if ((content || find(params, "c_n")) && blank(value_of(params, "c_n"))) {
    out.reject("BAD_CONTENT", "c_n is blank on a content hit");
  }
  if (const auto interaction = find(params, "c_i"); interaction && blank(*interaction)) {
    out.strict("BAD_CONTENT", "c_i (the interaction) is blank");
  }
  const std::string_view pv_id = value_of(params, "pv_id");
  if (find(params, "pv_id") && (pv_id.size() != 6 || !std::all_of(pv_id.begin(), pv_id.end(), [](char c) {
                                  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
                                }))) {
    out.strict("BAD_PV_ID", fmt::format("pv_id={} is not 6 alphanumerics", pv_id));
  }
  for (const std::string_view name : k_perf_params) {
    const auto raw = find(params, name);
    if (!raw) {
      continue;
    }
    const auto value = parse_int(*raw);
    if (value && *value < -1) {
      out.reject("BAD_PERF_TIMING", fmt::format("{}={} is negative", name, *raw));
    } else if (value && *value > k_max_perf_ms) {
      out.strict("BAD_PERF_TIMING", fmt::format("{}={} is above 16777215 (Matomo ignores it)", name, *raw));
    } else if (!value) {
      out.strict("BAD_PERF_TIMING", fmt::format("{}={} is not an integer", name, *raw));
    }
    if (pv_id.empty()) {
      out.strict("PF_WITHOUT_PV_ID", fmt::format("{} sent without pv_id", name));
    }
  }
}

void check_custom(const Params& params, Findings& out) {
  for (const auto& [name, value] : params) {
    if (name.rfind("dimension", 0) == 0 && value.size() > k_max_dimension) {
      out.strict("BAD_DIMENSION", fmt::format("{} is longer than 250 characters", name));
    }
    if (name != "_cvar" && name != "cvar") {
      continue;
    }
    const auto json = nlohmann::json::parse(value, nullptr, false);
    bool ok = json.is_object();
    for (auto it = json.begin(); ok && it != json.end(); ++it) {
      const auto index = parse_int(it.key());
      ok = index && *index >= 1 && it.value().is_array() && it.value().size() == 2;
    }
    if (!ok) {
      out.strict("BAD_CVAR", fmt::format("{} is not a JSON object {{\"1..5\": [name, value]}}", name));
    }
  }
}

void check_goal_and_ca(const Params& params, const CheckContext& ctx, const std::vector<std::string_view>& fam,
                       Findings& out) {
  if (const auto raw = find(params, "idgoal"); raw && !raw->empty()) {
    const auto goal = parse_int(*raw);
    if (!goal || *goal < -1) {
      out.strict("UNKNOWN_GOAL", fmt::format("idgoal={} is not a goal id", *raw));
    } else if (*goal > 0 && !ctx.known_goals.empty() &&
               std::find(ctx.known_goals.begin(), ctx.known_goals.end(), *goal) == ctx.known_goals.end()) {
      out.reject("UNKNOWN_GOAL", fmt::format("idGoal {} does not exist", *goal));
    }
  }
  if (const auto revenue = find(params, "revenue"); revenue && !parse_float(*revenue)) {
    out.strict("BAD_AMOUNT", fmt::format("revenue={} is not numeric", *revenue));
  }
  if (value_of(params, "ca") == "1") {
    const bool ping = std::find(fam.begin(), fam.end(), "ping") != fam.end();
    if (ping || fam.empty()) {
      out.reject("CA_MISUSE", "ca=1 needs an action family and no ping (Matomo answers 500)");
    }
  }
}

}  // namespace

void check_actions(const Params& params, const CheckContext& ctx, Findings& out) {
  const auto fam = families(params);
  if (fam.size() > 1) {
    out.strict("MULTIPLE_ACTION_FAMILIES", fmt::format("{} in one hit", fmt::join(fam, " + ")));
  }
  check_urls(params, fam, out);
  check_event(params, out);
  check_search(params, ctx, fam.empty(), out);
  check_content_and_perf(params, out);
  check_custom(params, out);
  check_goal_and_ca(params, ctx, fam, out);
}

}  // namespace tf::matomo::detail
