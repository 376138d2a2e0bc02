#include <catch2/catch.hpp>

#include <set>

#include "config/settings_table.hpp"
#include "config/url.hpp"

using namespace tf::config;

namespace {

std::string apply(const std::string& key, const std::string& value, Settings& s) {
  const KeySpec* spec = find_key(key);
  REQUIRE(spec != nullptr);
  return apply_value(*spec, value, s);
}

}  // namespace

TEST_CASE("the settings table has every predecessor key once, each with help", "[config]") {
  const std::vector<std::string> predecessor = {"MATOMO_URL",
                                                "MATOMO_SITE_ID",
                                                "MATOMO_TOKEN_AUTH",
                                                "URLS_FILE",
                                                "FUNNEL_CONFIG_PATH",
                                                "TARGET_VISITS_PER_DAY",
                                                "PAGEVIEWS_MIN",
                                                "PAGEVIEWS_MAX",
                                                "CONCURRENCY",
                                                "PAUSE_BETWEEN_PVS_MIN",
                                                "PAUSE_BETWEEN_PVS_MAX",
                                                "AUTO_STOP_AFTER_HOURS",
                                                "MAX_TOTAL_VISITS",
                                                "SITESEARCH_PROBABILITY",
                                                "OUTLINKS_PROBABILITY",
                                                "DOWNLOADS_PROBABILITY",
                                                "CLICK_EVENTS_PROBABILITY",
                                                "RANDOM_EVENTS_PROBABILITY",
                                                "DIRECT_TRAFFIC_PROBABILITY",
                                                "ECOMMERCE_PROBABILITY",
                                                "VISIT_DURATION_MIN",
                                                "VISIT_DURATION_MAX",
                                                "RANDOMIZE_VISITOR_COUNTRIES",
                                                "ECOMMERCE_ORDER_VALUE_MIN",
                                                "ECOMMERCE_ORDER_VALUE_MAX",
                                                "ECOMMERCE_ITEMS_MIN",
                                                "ECOMMERCE_ITEMS_MAX",
                                                "ECOMMERCE_TAX_RATE",
                                                "ECOMMERCE_SHIPPING_RATES",
                                                "ECOMMERCE_CURRENCY",
                                                "TIMEZONE",
                                                "BACKFILL_ENABLED",
                                                "BACKFILL_START_DATE",
                                                "BACKFILL_END_DATE",
                                                "BACKFILL_DAYS_BACK",
                                                "BACKFILL_DURATION_DAYS",
                                                "BACKFILL_MAX_VISITS_PER_DAY",
                                                "BACKFILL_MAX_VISITS_TOTAL",
                                                "BACKFILL_RPS_LIMIT",
                                                "BACKFILL_SEED",
                                                "BACKFILL_RUN_ONCE",
                                                "AUTO_START",
                                                "START_SIGNAL_FILE",
                                                "START_CHECK_INTERVAL",
                                                "LOG_LEVEL",
                                                "MULTI_TARGET_CONFIG"};
  for (const auto& key : predecessor) {
    INFO(key);
    CHECK(find_key(key) != nullptr);
  }
  std::set<std::string> seen;
  for (const auto& spec : settings_table()) {
    INFO(spec.name);
    CHECK(seen.insert(std::string(spec.name)).second);
    CHECK_FALSE(spec.help.empty());
  }
}

TEST_CASE("the defaults of the table are the predecessor's defaults", "[config]") {
  const Settings s;
  CHECK(format_value(*find_key("MATOMO_URL"), s) == "https://matomo.example.com/matomo.php");
  CHECK(format_value(*find_key("TARGET_VISITS_PER_DAY"), s) == "20000");
  CHECK(format_value(*find_key("ECOMMERCE_SHIPPING_RATES"), s) == "0,5.99,9.99,15.99");
  CHECK(format_value(*find_key("ECOMMERCE_CURRENCY"), s) == "SEK");
  CHECK(format_value(*find_key("TIMEZONE"), s) == "CET");
  CHECK(format_value(*find_key("BULK_LINGER"), s) == "50ms");
  CHECK(format_value(*find_key("BACKFILL_DAYS_BACK"), s).empty());
}

TEST_CASE("numbers must parse completely and lie in range", "[config]") {
  Settings s;
  CHECK(apply("CONCURRENCY", "12", s).empty());
  CHECK(s.concurrency == 12);
  CHECK(apply("CONCURRENCY", "100000", s).empty());
  CHECK(apply("CONCURRENCY", "12abc", s) == "expected an integer from 1 to 100000, found \"12abc\"");
  CHECK(apply("CONCURRENCY", "0", s) == "expected an integer from 1 to 100000, found \"0\"");
  CHECK(apply("PAGEVIEWS_MIN", "2.5", s) == "expected an integer from 1 to 100, found \"2.5\"");
  CHECK(apply("SITESEARCH_PROBABILITY", "1.5", s) == "expected a number from 0 to 1, found \"1.5\"");
  CHECK(apply("TARGET_VISITS_PER_DAY", "", s) == "expected a number from 1 to 1000000000, found \"\"");
  CHECK(apply("PAUSE_BETWEEN_PVS_MIN", "0", s).empty());
}

TEST_CASE("booleans are strict", "[config]") {
  Settings s;
  for (const char* yes : {"true", "YES", "1", "On"}) {
    s.http2 = false;
    CHECK(apply("HTTP2", yes, s).empty());
    CHECK(s.http2);
  }
  CHECK(apply("HTTP2", "off", s).empty());
  CHECK_FALSE(s.http2);
  CHECK(apply("HTTP2", "y", s) == "expected true/false/yes/no/1/0/on/off, found \"y\"");
}

TEST_CASE("durations take seconds by default and a unit suffix", "[config]") {
  Settings s;
  CHECK(apply("REQUEST_TIMEOUT", "90", s).empty());
  CHECK(s.request_timeout.count() == 90000);
  CHECK(apply("REQUEST_TIMEOUT", "5m", s).empty());
  CHECK(s.request_timeout.count() == 300000);
  CHECK(apply("BULK_LINGER", "250ms", s).empty());
  CHECK(s.bulk_linger.count() == 250);
  CHECK(apply("BULK_LINGER", "2h", s) == "expected a duration (90, 90s, 250ms, 5m, 2h) from 0ms to 10s, found \"2h\"");
  CHECK(apply("REQUEST_TIMEOUT", "soon", s) ==
        "expected a duration (90, 90s, 250ms, 5m, 2h) from 1ms to 1h, found \"soon\"");
}

TEST_CASE("strings with a shape are checked", "[config]") {
  Settings s;
  CHECK(apply("MATOMO_URL", "https://stats.example.test/", s).empty());
  CHECK(s.matomo_url == "https://stats.example.test/matomo.php");
  CHECK(apply("MATOMO_URL", "http://h.test/piwik.php", s).empty());
  CHECK(s.matomo_url == "http://h.test/piwik.php");
  CHECK(apply("MATOMO_URL", "stats.example.test", s) ==
        "expected an http(s) URL with a host, found \"stats.example.test\"");
  CHECK(apply("ECOMMERCE_CURRENCY", "usd", s) == "expected 3 upper-case letters (ISO 4217), found \"usd\"");
  CHECK(apply("ECOMMERCE_CURRENCY", "EUR", s).empty());
  CHECK(apply("TIMEZONE", "Europe/Stockholm", s).empty());
  CHECK(apply("TIMEZONE", "Mars/Olympus", s) ==
        "expected an IANA time zone name such as Europe/Stockholm, found \"Mars/Olympus\"");
  CHECK(apply("LOG_LEVEL", "warning", s).empty());
  CHECK(s.log_level == "WARNING");
  CHECK(apply("LOG_LEVEL", "TRACE", s) == "expected one of DEBUG|INFO|WARNING|ERROR, found \"TRACE\"");
  CHECK(apply("BACKFILL_START_DATE", "2024-02-30", s) == "expected a date YYYY-MM-DD, found \"2024-02-30\"");
  CHECK(apply("BACKFILL_START_DATE", "2024-02-29", s).empty());
}

TEST_CASE("lists and optional values", "[config]") {
  Settings s;
  CHECK(apply("ECOMMERCE_SHIPPING_RATES", "0, 4.5,10", s).empty());
  CHECK(s.ecommerce_shipping_rates == std::vector<double>{0, 4.5, 10});
  CHECK(apply("ECOMMERCE_SHIPPING_RATES", "1,x", s) ==
        "expected comma-separated numbers from 0 to 1000000, found \"1,x\"");
  CHECK(apply("HOURLY_PROFILE", "1,2,3", s) == "expected 24 comma-separated weights ≥ 0, not all 0, found \"1,2,3\"");
  CHECK(apply("HOURLY_PROFILE", "", s).empty());
  CHECK(s.hourly_profile.empty());
  CHECK(apply("BACKFILL_DAYS_BACK", "7", s).empty());
  CHECK(s.backfill_days_back == 7);
  CHECK(apply("BACKFILL_DAYS_BACK", "", s).empty());
  CHECK_FALSE(s.backfill_days_back.has_value());
  CHECK(apply("SEED", "18446744073709551615", s) ==
        "expected an integer from 0 to 9223372036854775807, found \"18446744073709551615\"");
  CHECK(apply("SEED", "42", s).empty());
  CHECK(s.seed == 42U);
}

TEST_CASE("secrets are redacted unless asked for", "[config]") {
  Settings s;
  s.matomo_token_auth = "abc";
  CHECK(format_value(*find_key("MATOMO_TOKEN_AUTH"), s) == "***");
  CHECK(format_value(*find_key("MATOMO_TOKEN_AUTH"), s, true) == "abc");
}

TEST_CASE("the User-Agent header: the setting, or for 'visitor' the browser when it fits a header line", "[config]") {
  using tf::config::header_user_agent;
  using tf::config::k_tool_user_agent;
  CHECK(header_user_agent(k_tool_user_agent, "Mozilla/5.0 (X11)") == k_tool_user_agent);
  CHECK(header_user_agent("loadtest/2", "Mozilla/5.0 (X11)") == "loadtest/2");
  CHECK(header_user_agent("", "Mozilla/5.0 (X11)").empty());
  CHECK(header_user_agent("visitor", "Mozilla/5.0 (X11)") == "Mozilla/5.0 (X11)");
  CHECK(header_user_agent("visitor", "Mozilla/5.0\r\nX-Injected: 1") == k_tool_user_agent);
  CHECK(header_user_agent("visitor", k_tool_user_agent) == k_tool_user_agent);  // a bulk, the probe
  CHECK(tf::config::header_unsafe_at("tab\tok") == std::string_view::npos);
  CHECK(tf::config::header_unsafe_at("del\x7f") == 3);
}

TEST_CASE("a URL keeps its query and fragment, never a token, and is shown without its password", "[config]") {
  Settings s;
  CHECK(apply("MATOMO_URL", "https://stats.example.test/?a=1#top", s).empty());
  CHECK(s.matomo_url == "https://stats.example.test/matomo.php?a=1#top");
  CHECK(apply("MATOMO_URL", "https://stats.example.test/matomo.php?a=1", s).empty());
  CHECK(s.matomo_url == "https://stats.example.test/matomo.php?a=1");
  CHECK(apply("MATOMO_URL", "https://stats.example.test/matomo.php?token_auth=s3cr3t", s) ==
        "token_auth must not be in the URL (it would be sent in the URL of every hit and printed): set "
        "MATOMO_TOKEN_AUTH instead");
  CHECK(apply("MATOMO_URL", "ftp://u:s3cr3t@h.test/?token_auth=t0k3n", s) ==
        "expected an http(s) URL with a host, found \"ftp://u:***@h.test/?token_auth=***\"");
  CHECK(apply("MATOMO_URL", "https://user:s3cr3t@stats.example.test/", s).empty());
  CHECK(format_value(*find_key("MATOMO_URL"), s) == "https://user:***@stats.example.test/matomo.php");
  CHECK(format_value(*find_key("MATOMO_URL"), s, true) == "https://user:s3cr3t@stats.example.test/matomo.php");
  CHECK(redact_url("https://user@h.test/matomo.php") == "https://user@h.test/matomo.php");
  CHECK(redact_url("https://h.test/matomo.php?x=1&token_auth=abc&y=2") ==
        "https://h.test/matomo.php?x=1&token_auth=***&y=2");
  CHECK_FALSE(has_token_in_query("https://h.test/matomo.php?my_token_auth=1"));
  CHECK(has_token_in_query("https://h.test/matomo.php?a=1&token_auth"));
}
