#include "config/rules.hpp"

#include <algorithm>
#include <sstream>
#include <utility>

#include <date/tz.h>
#include <fmt/format.h>

#include "config/dotenv.hpp"
#include "config/loader.hpp"
#include "config/network.hpp"
#include "config/settings_table.hpp"
#include "util/instant.hpp"
#include "util/stages.hpp"

namespace tf::config {
namespace {

class RuleChecker {
public:
  RuleChecker(const Settings& settings, Diagnostics& diags, std::string fallback)
    : m_s(settings), m_diags(diags), m_fallback(std::move(fallback)) {}

  bool is_set(const std::string& key) const { return m_s.origins.count(key) > 0; }

  void report(Severity severity, const std::string& key, const std::string& message) {
    const auto it = m_s.origins.find(key);
    std::string file = m_fallback;
    int line = 0;
    if (it != m_s.origins.end()) {
      file = it->second.layer == Layer::environment ? "environment" : it->second.source;
      line = it->second.line;
    }
    m_diags.add({file, line, 0, severity, key, message});
  }
  void error(const std::string& key, const std::string& message) { report(Severity::error, key, message); }
  void warning(const std::string& key, const std::string& message) { report(Severity::warning, key, message); }

  std::string value(const std::string& key) const { return format_value(*find_key(key), m_s); }

  void min_max(const std::string& min_key, const std::string& max_key, double min, double max) {
    if (min <= max) {
      return;
    }
    if (is_set(max_key) || !is_set(min_key)) {
      error(max_key, fmt::format("expected a value ≥ {} ({}), found {}", min_key, value(min_key), value(max_key)));
    } else {
      error(min_key, fmt::format("expected a value ≤ {} ({}), found {}", max_key, value(max_key), value(min_key)));
    }
  }

  void backfill_window(date::sys_days today);
  /// STAGES parses; STAGES, RAMP_UP and DAILY_PROFILE are realtime shapes, one at a time.
  void load_shape() {
    std::string why;
    if (!m_s.stages.empty() && !parse_stages(m_s.stages, why)) {
      error("STAGES", why);
    }
    const std::pair<const char*, bool> shapes[] = {
      {"STAGES", !m_s.stages.empty()}, {"RAMP_UP", m_s.ramp_up.count() > 0}, {"DAILY_PROFILE", m_s.daily_profile}};
    std::string first;
    for (const auto& [key, on] : shapes) {
      if (on && m_s.backfill_enabled) {
        error(key, "expected a realtime run, found BACKFILL_ENABLED=true (backfill paces by BACKFILL_RPS_LIMIT)");
      } else if (on && !first.empty()) {
        error(key, fmt::format("expected one load shape, found {} as well", first));
      }
      first = on && first.empty() ? key : first;
    }
  }
  void client_key() {
    if (!m_s.client_key.empty() && m_s.client_cert.empty()) {
      error("CLIENT_KEY", "expected CLIENT_CERT as well, found it unset");
    }
  }
  /// HTTP2 is HTTP/2 over TLS: every enabled target must be https://.
  void http2_targets() {
    if (!m_s.http2) {
      return;
    }
    for (const auto& t : effective_targets(m_s).targets) {
      if (t.enabled && t.url.rfind("http://", 0) == 0) {
        error("HTTP2",
              fmt::format(
                "expected https:// targets (HTTP/2 over TLS; cleartext h2c is not offered), found {} (target \"{}\")",
                t.url, t.name));
        return;
      }
    }
  }
  void tokens(bool generates_visits);
  /// A value sent as an HTTP header line: printable, no CR/LF or other control characters.
  void header_value(const std::string& key, const std::string& value) {
    if (const auto at = header_unsafe_at(value); at != std::string_view::npos) {
      error(key,
            fmt::format("expected a header value without control characters, found byte 0x{:02x} at position {}",
                        static_cast<unsigned char>(value[at]), at + 1));
    }
  }

private:
  const Settings& m_s;
  Diagnostics& m_diags;
  std::string m_fallback;

  void absolute_window(date::sys_days today);
};

std::optional<date::sys_days> parse_day(const std::string& text) {
  date::sys_days day;
  std::istringstream in(text);
  in >> date::parse("%F", day);
  return in.fail() ? std::nullopt : std::optional<date::sys_days>(day);
}

void RuleChecker::absolute_window(date::sys_days today) {
  const auto start = parse_day(m_s.backfill_start_date);
  const auto end = parse_day(m_s.backfill_end_date);
  if (!start || !end) {
    return;  // malformed dates were reported when parsed
  }
  if (*start > *end) {
    error("BACKFILL_END_DATE",
          fmt::format("expected a date ≥ BACKFILL_START_DATE ({}), found {}", m_s.backfill_start_date,
                      m_s.backfill_end_date));
    return;
  }
  if (*end > today) {
    error("BACKFILL_END_DATE",
          fmt::format("expected a date not after today ({} in {}), found {}", date::format("%F", today), m_s.timezone,
                      m_s.backfill_end_date));
  }
  const auto days = (*end - *start).count() + 1;
  if (days > k_max_backfill_days) {
    error("BACKFILL_END_DATE",
          fmt::format("expected a window of at most {} days, found {} days", k_max_backfill_days, days));
  }
}

void RuleChecker::backfill_window(date::sys_days today) {
  const bool has_start = !m_s.backfill_start_date.empty();
  const bool has_end = !m_s.backfill_end_date.empty();
  const bool has_back = m_s.backfill_days_back.has_value();
  const bool has_duration = m_s.backfill_duration_days.has_value();
  const bool absolute = has_start || has_end;
  const bool relative = has_back || has_duration;
  if (absolute && relative) {
    error(
      has_back ? "BACKFILL_DAYS_BACK" : "BACKFILL_DURATION_DAYS",
      "expected either BACKFILL_START_DATE/BACKFILL_END_DATE or BACKFILL_DAYS_BACK/BACKFILL_DURATION_DAYS, found both");
  } else if (has_start != has_end) {
    error(has_start ? "BACKFILL_START_DATE" : "BACKFILL_END_DATE",
          fmt::format("expected {} as well, found it unset", has_start ? "BACKFILL_END_DATE" : "BACKFILL_START_DATE"));
  } else if (has_back != has_duration) {
    error(
      has_back ? "BACKFILL_DAYS_BACK" : "BACKFILL_DURATION_DAYS",
      fmt::format("expected {} as well, found it unset", has_back ? "BACKFILL_DURATION_DAYS" : "BACKFILL_DAYS_BACK"));
  } else if (absolute) {
    absolute_window(today);
  } else if (relative) {
    const int back = *m_s.backfill_days_back;
    const int duration = *m_s.backfill_duration_days;
    if (duration > back + 1) {
      error("BACKFILL_DURATION_DAYS",
            fmt::format("expected at most BACKFILL_DAYS_BACK + 1 ({}) days so the window ends by today, found {}",
                        back + 1, duration));
    } else if (duration > k_max_backfill_days) {
      error("BACKFILL_DURATION_DAYS",
            fmt::format("expected a window of at most {} days, found {} days", k_max_backfill_days, duration));
    }
  } else if (m_s.backfill_enabled) {
    error("BACKFILL_ENABLED",
          "expected a window (BACKFILL_START_DATE and BACKFILL_END_DATE, or BACKFILL_DAYS_BACK and "
          "BACKFILL_DURATION_DAYS), found none");
  }
}

void RuleChecker::tokens(bool generates_visits) {
  if (m_s.targets && is_set("MATOMO_URL")) {
    error("MATOMO_URL",
          fmt::format("expected either MATOMO_URL or a targets list, found both (MATOMO_URL from {}, targets from {})",
                      describe(m_s.origins.at("MATOMO_URL")), describe(m_s.origins.at("MULTI_TARGET_CONFIG"))));
  }
  if (m_s.targets && !m_s.matomo_token_auth.empty()) {
    warning("MATOMO_TOKEN_AUTH", "ignored with a targets list: each target uses only its own token_auth");
  }
  const TargetsConfig targets = effective_targets(m_s);
  std::string missing;
  for (const auto& t : targets.targets) {
    if (t.enabled && t.token_auth.empty()) {
      missing = m_s.targets ? fmt::format("token_auth of target \"{}\"", t.name) : "MATOMO_TOKEN_AUTH";
      break;
    }
  }
  if (missing.empty()) {
    return;
  }
  if (m_s.backfill_enabled) {
    error(
      "BACKFILL_ENABLED",
      fmt::format(
        "expected a token ({}), found none: backfill sends cdt older than 24 h, which Matomo accepts only with a token",
        missing));
  }
  if (m_s.randomize_visitor_countries && generates_visits) {
    warning("RANDOMIZE_VISITOR_COUNTRIES", fmt::format("cip is omitted without a token ({} is empty)", missing));
  }
}

}  // namespace

date::sys_days today_in(const std::string& tz) {
  const auto now = std::chrono::system_clock::now();
  try {
    const auto local = date::make_zoned(date::locate_zone(tz), now).get_local_time();
    return date::sys_days{date::floor<date::days>(local).time_since_epoch()};
  } catch (const std::exception&) {
    return date::floor<date::days>(now);
  }
}

void check_rules(const Settings& s, Diagnostics& diags, std::optional<date::sys_days> today,
                 const std::string& fallback_file, bool generates_visits) {
  RuleChecker rules(s, diags, fallback_file);
  rules.min_max("PAGEVIEWS_MIN", "PAGEVIEWS_MAX", s.pageviews_min, s.pageviews_max);
  rules.min_max("PAUSE_BETWEEN_PVS_MIN", "PAUSE_BETWEEN_PVS_MAX", s.pause_between_pvs_min, s.pause_between_pvs_max);
  rules.min_max("VISIT_DURATION_MIN", "VISIT_DURATION_MAX", s.visit_duration_min, s.visit_duration_max);
  rules.min_max("ECOMMERCE_ORDER_VALUE_MIN", "ECOMMERCE_ORDER_VALUE_MAX", s.ecommerce_order_value_min,
                s.ecommerce_order_value_max);
  rules.min_max("ECOMMERCE_ITEMS_MIN", "ECOMMERCE_ITEMS_MAX", s.ecommerce_items_min, s.ecommerce_items_max);
  rules.min_max("BACKFILL_MAX_VISITS_PER_DAY", "BACKFILL_MAX_VISITS_TOTAL",
                static_cast<double>(s.backfill_max_visits_per_day), static_cast<double>(s.backfill_max_visits_total));
  rules.backfill_window(today ? *today : today_in(s.timezone));
  rules.tokens(generates_visits);
  rules.http2_targets();
  rules.header_value("USER_AGENT_HEADER", s.user_agent_header);
  rules.client_key();
  rules.load_shape();
  if (!s.start_at.empty() && !parse_start_at(s.start_at)) {
    rules.error("START_AT",
                fmt::format("expected an RFC 3339 time (2026-12-03T08:00:00Z, 2026-12-03T09:00:00.5+01:00) or "
                            "+DURATION (+30s), found \"{}\"",
                            s.start_at));
  }
}

}  // namespace tf::config
