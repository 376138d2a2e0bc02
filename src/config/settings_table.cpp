#include "config/settings_table.hpp"

#include <algorithm>

#include "config/embedded.hpp"

namespace tf::config {
namespace {

using VT = ValueType;
using S = Settings;

constexpr double k_int_max = 2147483647.0;
constexpr double k_u63_max = 9223372036854775807.0;

// name, type, min, max, allowed, help, field, secret, empty_means_unset
const std::vector<KeySpec> k_table = {
  // --- single target ---
  {"MATOMO_URL", VT::url, 0, 0, "",
   "Tracking endpoint (…/matomo.php) or Matomo base URL (matomo.php is appended); not together with a targets list "
   "(--url)",
   &S::matomo_url},
  {"MATOMO_SITE_ID", VT::integer, 1, k_int_max, "", "Site id (idsite) of the single target (--site-id)",
   &S::matomo_site_id},
  {"MATOMO_TOKEN_AUTH", VT::string, 0, 0, "",
   "token_auth of the single target; needed for cip and backfill; sent in the POST body, never in the URL",
   &S::matomo_token_auth, true},
  {"MATOMO_TOKEN_AUTH_FILE", VT::path, 0, 0, "",
   "File holding MATOMO_TOKEN_AUTH (surrounding whitespace dropped), e.g. a mounted Kubernetes secret; sets "
   "MATOMO_TOKEN_AUTH at its own layer (--token-file)",
   &S::matomo_token_auth_file},
  {"URLS_FILE", VT::path, 0, 0, "", "URL catalogue file (URL  title lines); empty: the pages of SITE_PROFILE",
   &S::urls_file},
  {"SITE_PROFILE", VT::enumeration, 0, 0, profile_choices(),
   "The simulated site: its pages, search terms, products, events, downloads, outlinks, campaigns and referrers "
   "(presets/profiles/); URLS_FILE replaces only its pages (--site-profile)",
   &S::site_profile},
  {"FUNNEL_CONFIG_PATH", VT::path, 0, 0, "", "funnels.json file; empty: no funnels", &S::funnel_config_path},
  {"MULTI_TARGET_CONFIG", VT::json, 0, 0, "",
   "Inline targets JSON {\"targets\":[…],\"distribution_strategy\":…}; same schema as --targets", &S::targets},
  // --- pacing ---
  {"TARGET_VISITS_PER_DAY", VT::number, 1, 1e9, "",
   "Visit arrival rate per day (Poisson); we allow up to 1e9 (predecessor: 1,000,000)", &S::target_visits_per_day},
  {"PAGEVIEWS_MIN", VT::integer, 1, 100, "", "Fewest page views per browsing visit", &S::pageviews_min},
  {"PAGEVIEWS_MAX", VT::integer, 1, 100, "", "Most page views per browsing visit (≥ PAGEVIEWS_MIN)", &S::pageviews_max},
  {"CONCURRENCY", VT::integer, 1, 100000, "", "Visits in progress at most; we allow up to 100000 (predecessor: 500)",
   &S::concurrency},
  {"PAUSE_BETWEEN_PVS_MIN", VT::number, 0, 60, "",
   "Shortest real pause between hits of a visit, seconds; 0 allowed (predecessor: 0.1)", &S::pause_between_pvs_min},
  {"PAUSE_BETWEEN_PVS_MAX", VT::number, 0, 60, "",
   "Longest real pause between hits of a visit, seconds (≥ PAUSE_BETWEEN_PVS_MIN)", &S::pause_between_pvs_max},
  {"AUTO_STOP_AFTER_HOURS", VT::number, 0, 168, "", "Stop after this many hours; 0 = never", &S::auto_stop_after_hours},
  {"MAX_TOTAL_VISITS", VT::integer, 0, 1e7, "", "Visits per rolling 24 h; pauses and resumes when reached; 0 = no cap",
   &S::max_total_visits},
  {"STAGES", VT::string, 0, 0, "",
   "Load stages DURATION:RATE,… in visits/s, e.g. 30s:10,5m:100,30s:0: a linear ramp to each rate (k6 style), "
   "replacing TARGET_VISITS_PER_DAY; the run ends after the last stage; empty: a flat rate (--stages)",
   &S::stages},
  {"RAMP_UP", VT::duration, 0, 604800, "",
   "Ramp the visit rate linearly from 0 to TARGET_VISITS_PER_DAY × SPEED over this long; 0: none (--ramp-up)",
   &S::ramp_up},
  {"DAILY_PROFILE", VT::boolean, 0, 0, "",
   "Realtime runs follow a day: the rate is TARGET_VISITS_PER_DAY × SPEED shaped by the hourly profile "
   "(HOURLY_PROFILE) and weekday factors backfill uses, in TIMEZONE, with SPEED compressing time",
   &S::daily_profile},
  // --- find-capacity ---
  {"CAPACITY_START_RATE", VT::number, 0.001, 1e6, "",
   "find-capacity: visits/s of the first step (and of the warm-up) (--start-rate)", &S::capacity_start_rate},
  {"CAPACITY_STEP_FACTOR", VT::number, 1.01, 100, "",
   "find-capacity: the rate is multiplied by this after each step that held (--step-factor)", &S::capacity_step_factor},
  {"CAPACITY_STEP", VT::duration, 1, 86400, "",
   "find-capacity: length of each step; its visits are drained and judged by the thresholds (--step)",
   &S::capacity_step},
  {"CAPACITY_WARMUP", VT::duration, 0, 86400, "",
   "find-capacity: a first step at CAPACITY_START_RATE that is not judged (connections, caches); 0: none (--warmup)",
   &S::capacity_warmup},
  {"CAPACITY_MAX_RATE", VT::number, 0.001, 1e6, "", "find-capacity: never step above this many visits/s (--max-rate)",
   &S::capacity_max_rate},
  {"CAPACITY_PRECISION", VT::number, 0.001, 1, "",
   "find-capacity: after a break, bisect until the lowest rate that broke is within this share above the highest that "
   "held",
   &S::capacity_precision},
  // --- behaviour ---
  {"SITESEARCH_PROBABILITY", VT::number, 0, 1, "", "Share of visits with a site search", &S::sitesearch_probability},
  {"OUTLINKS_PROBABILITY", VT::number, 0, 1, "", "Share of visits with an outlink click", &S::outlinks_probability},
  {"DOWNLOADS_PROBABILITY", VT::number, 0, 1, "", "Share of visits with a download", &S::downloads_probability},
  {"CLICK_EVENTS_PROBABILITY", VT::number, 0, 1, "", "Share of visits with click events", &S::click_events_probability},
  {"RANDOM_EVENTS_PROBABILITY", VT::number, 0, 1, "", "Share of visits with other events",
   &S::random_events_probability},
  {"DIRECT_TRAFFIC_PROBABILITY", VT::number, 0, 1, "",
   "Share of visits without a referrer (any value takes effect; the predecessor never went below 0.30)",
   &S::direct_traffic_probability},
  {"ECOMMERCE_PROBABILITY", VT::number, 0, 1, "", "Share of visits with an ecommerce order", &S::ecommerce_probability},
  {"BOUNCE_PROBABILITY", VT::number, 0, 1, "",
   "Share of browsing visits with a single page view (bounces; 0.45: typical 30-55 %); the others have max(2, "
   "PAGEVIEWS_MIN) to PAGEVIEWS_MAX",
   &S::bounce_probability},
  {"PRODUCT_VIEW_PROBABILITY", VT::number, 0, 1, "",
   "Share of browsing page views that are product pages (_pkn, _pks, _pkc, _pkp)", &S::product_view_probability},
  {"PERFORMANCE_TIMING_PROBABILITY", VT::number, 0, 1, "",
   "Share of page views carrying page performance timings (pf_net, pf_srv, pf_tfr, pf_dm1, pf_dm2, pf_onl)",
   &S::performance_timing_probability},
  {"CONTENT_IMPRESSION_PROBABILITY", VT::number, 0, 1, "",
   "Share of pages of non-bounce browsing visits with a content impression (c_n, c_p, c_t)",
   &S::content_impression_probability},
  {"CONTENT_INTERACTION_PROBABILITY", VT::number, 0, 1, "",
   "Share of content impressions followed by an interaction (c_i=click)", &S::content_interaction_probability},
  {"HEARTBEAT_PROBABILITY", VT::number, 0, 1, "",
   "Share of visits closed by a heartbeat ping (ping=1 with the last pv_id), which lengthens the time on the last page",
   &S::heartbeat_probability},
  {"CART_UPDATE_PROBABILITY", VT::number, 0, 1, "",
   "Share of non-bounce browsing visits with a cart update (idgoal=0 with ec_items, no ec_id; 0.12 = about 7 % of all "
   "visits)",
   &S::cart_update_probability},
  {"CUSTOM_DIMENSIONS", VT::dimensions, 0, 0, "",
   "Custom dimensions sent as dimensionN: ID:SCOPE:VALUE|VALUE… entries separated by ';', SCOPE visit (one value per "
   "visitor, on the first hit of each visit) or action (a value per page view), e.g. "
   "1:visit:guest|member;2:action:News|Guides; empty: none",
   &S::custom_dimensions},
  {"CUSTOM_DIMENSION_PROBABILITY", VT::number, 0, 1, "",
   "Share of visits (visit-scope dimensions) and page views (action-scope dimensions) that carry a value of each "
   "CUSTOM_DIMENSIONS dimension",
   &S::custom_dimension_probability},
  {"VISIT_DURATION_MIN", VT::number, 0.1, 120, "", "Shortest simulated visit length, minutes", &S::visit_duration_min},
  {"VISIT_DURATION_MAX", VT::number, 0.1, 120, "", "Longest simulated visit length, minutes (≥ VISIT_DURATION_MIN)",
   &S::visit_duration_max},
  {"RANDOMIZE_VISITOR_COUNTRIES", VT::boolean, 0, 0, "",
   "Send a random visitor IP (cip) from a country mix; needs a token, else cip is omitted",
   &S::randomize_visitor_countries},
  // --- ecommerce ---
  {"ECOMMERCE_ORDER_VALUE_MIN", VT::number, 0.01, 1e9, "", "Lowest order revenue", &S::ecommerce_order_value_min},
  {"ECOMMERCE_ORDER_VALUE_MAX", VT::number, 0.01, 1e9, "", "Highest order revenue (≥ ECOMMERCE_ORDER_VALUE_MIN)",
   &S::ecommerce_order_value_max},
  {"ECOMMERCE_ITEMS_MIN", VT::integer, 1, 100, "", "Fewest items per order", &S::ecommerce_items_min},
  {"ECOMMERCE_ITEMS_MAX", VT::integer, 1, 100, "", "Most items per order (≥ ECOMMERCE_ITEMS_MIN)",
   &S::ecommerce_items_max},
  {"ECOMMERCE_TAX_RATE", VT::number, 0, 1, "", "Tax as a share of subtotal plus shipping", &S::ecommerce_tax_rate},
  {"ECOMMERCE_SHIPPING_RATES", VT::list, 0, 1e6, "", "Comma-separated shipping costs, one picked per order",
   &S::ecommerce_shipping_rates},
  {"ECOMMERCE_CURRENCY", VT::currency, 0, 0, "",
   "ISO 4217 code; validated but never sent (Matomo uses the site's currency)", &S::ecommerce_currency},
  {"TIMEZONE", VT::timezone, 0, 0, "", "IANA time zone for backfill days and local h/m/s", &S::timezone},
  // --- backfill ---
  {"BACKFILL_ENABLED", VT::boolean, 0, 0, "", "Replay a past window of days instead of real time",
   &S::backfill_enabled},
  {"BACKFILL_START_DATE", VT::date, 0, 0, "", "First day of an absolute window, YYYY-MM-DD (with BACKFILL_END_DATE)",
   &S::backfill_start_date},
  {"BACKFILL_END_DATE", VT::date, 0, 0, "", "Last day of an absolute window, YYYY-MM-DD, not after today",
   &S::backfill_end_date},
  {"BACKFILL_DAYS_BACK", VT::integer, 1, 365, "",
   "Relative window: start this many days before today (with BACKFILL_DURATION_DAYS)", &S::backfill_days_back, false,
   true},
  {"BACKFILL_DURATION_DAYS", VT::integer, 1, 365, "", "Relative window: number of days", &S::backfill_duration_days,
   false, true},
  {"BACKFILL_MAX_VISITS_PER_DAY", VT::integer, 1, 10000, "", "Visits per backfilled day",
   &S::backfill_max_visits_per_day},
  {"BACKFILL_MAX_VISITS_TOTAL", VT::integer, 1, 1e7, "", "Visits over the whole window (≥ BACKFILL_MAX_VISITS_PER_DAY)",
   &S::backfill_max_visits_total},
  {"BACKFILL_RPS_LIMIT", VT::number, 0.01, 100000, "",
   "Backfill requests per second; unset: as fast as CONCURRENCY allows (predecessor: visits/s, at most 500)",
   &S::backfill_rps_limit, false, true},
  {"BACKFILL_SEED", VT::integer, 0, k_u63_max, "", "Seed for backfill (used when SEED is not set)", &S::backfill_seed,
   false, true},
  {"BACKFILL_RUN_ONCE", VT::boolean, 0, 0, "", "Exit after the backfill (the predecessor idled forever)",
   &S::backfill_run_once},
  {"HOURLY_PROFILE", VT::list, 0, 1e6, "",
   "24 comma-separated weights for the hours of a backfilled day; empty: built-in profile", &S::hourly_profile, false,
   true},
  {"BACKFILL_DAILY_VARIATION", VT::number, 0, 1, "",
   "Day-to-day variation of backfilled visits, ± share of the per-day cap", &S::backfill_daily_variation},
  // --- start gate, logging ---
  {"AUTO_START", VT::boolean, 0, 0, "", "Start at once; false: wait for START_SIGNAL_FILE", &S::auto_start},
  {"START_SIGNAL_FILE", VT::path, 0, 0, "",
   "File whose appearance starts a run when AUTO_START=false (deleted when found)", &S::start_signal_file},
  {"START_AT", VT::string, 0, 0, "",
   "Start sending at this instant: RFC 3339 (2026-12-03T08:00:00Z) or +DURATION from the run's start (+30s); empty: at "
   "once (--start-at)",
   &S::start_at},
  {"START_CHECK_INTERVAL", VT::number, 0.1, 3600, "", "Seconds between checks for START_SIGNAL_FILE",
   &S::start_check_interval},
  {"LOG_LEVEL", VT::enumeration, 0, 0, "DEBUG|INFO|WARNING|ERROR",
   "Least severe log record printed: ERROR hides warnings, WARNING hides the periodic status records", &S::log_level},
  {"LOG_FORMAT", VT::enumeration, 0, 0, "text|json",
   "Log records on stderr as text lines or JSON lines (ts, level, msg and fields) (--log-format)", &S::log_format},
  // --- ours: model ---
  {"SEED", VT::integer, 0, k_u63_max, "", "Seed of the visit model (--seed); unset: random, printed in the summary",
   &S::seed, false, true},
  {"RETURNING_VISITOR_PROBABILITY", VT::number, 0, 1, "", "Share of visits by a returning visitor from the pool",
   &S::returning_visitor_probability},
  {"RETURNING_VISITOR_POOL", VT::integer, 1, 1e7, "", "Size of the returning-visitor pool", &S::returning_visitor_pool},
  {"LOGGED_IN_PROBABILITY", VT::number, 0, 1, "", "Share of visitors with a user id (uid)", &S::logged_in_probability},
  {"CAMPAIGN_PROBABILITY", VT::number, 0, 1, "", "Share of visits landing from a campaign (mtm_campaign)",
   &S::campaign_probability},
  // --- ours: delivery ---
  {"THREADS", VT::integer, 1, 256, "", "Delivery event loops, one thread each (--threads)", &S::threads},
  {"MAX_IN_FLIGHT", VT::integer, 1, 100000, "",
   "Requests in flight per target at most (bulkhead and connection pool); the smaller of this and CONCURRENCY applies "
   "(--max-in-flight)",
   &S::max_in_flight},
  {"BULK", VT::integer, 0, 10000, "", "Hits per bulk POST; 0 = one hit per request (--bulk)", &S::bulk},
  {"BULK_LINGER", VT::duration, 0, 10, "", "Longest wait to fill a bulk POST (--bulk-linger)", &S::bulk_linger},
  {"CONNECT_TIMEOUT", VT::duration, 0.001, 300, "", "Connection timeout (--connect-timeout)", &S::connect_timeout},
  {"REQUEST_TIMEOUT", VT::duration, 0.001, 3600, "", "Whole-request timeout (--timeout)", &S::request_timeout},
  {"MAX_RETRIES", VT::integer, 0, 100, "", "Retries of a failed hit before it is dead-lettered (--retries)",
   &S::max_retries},
  {"RETRY_BACKOFF", VT::duration, 0, 60, "", "First retry delay; doubles each retry, with jitter", &S::retry_backoff},
  {"RETRY_AFTER_CAP", VT::duration, 0, 3600, "", "Longest Retry-After honoured", &S::retry_after_cap},
  {"RETRY_BUDGET", VT::number, 0, 1, "", "Retries allowed as a share of a target's recent requests", &S::retry_budget},
  {"RETRY_UNCONFIRMED", VT::boolean, 0, 0, "",
   "Resend a hit whose request may have reached Matomo (timeout or reset after sending); may double-count, counted in "
   "possible_duplicates (--retry-unconfirmed)",
   &S::retry_unconfirmed},
  {"DRAIN_TIMEOUT", VT::duration, 0, 3600, "", "Time to finish visits in flight after SIGINT/SIGTERM (--drain-timeout)",
   &S::drain_timeout},
  {"REPORT_INTERVAL", VT::duration, 1, 86400, "",
   "Period of the status log line when not on a terminal (--report-interval)", &S::report_interval},
  {"SPEED", VT::number, 0.001, 1e6, "", "Multiplies the visit rate (--speed)", &S::speed},
  {"HTTP2", VT::boolean, 0, 0, "", "Use HTTP/2 over TLS (--http2)", &S::http2},
  {"INSECURE", VT::boolean, 0, 0, "", "Skip TLS certificate verification (--insecure)", &S::insecure},
  {"USER_AGENT_HEADER", VT::string, 0, 0, "",
   "User-Agent header of every tracking request; 'visitor': the visit's browser user agent; empty: none. Matomo "
   "records the ua parameter, which every hit carries (--user-agent)",
   &S::user_agent_header},
  {"DEAD_LETTER_FILE", VT::path, 0, 0, "",
   "NDJSON file for hits given up (--dead-letter); empty: trafficinator-dead-letters.ndjson, created only if a hit is "
   "given up",
   &S::dead_letter_file},
  {"LOCK_FILE", VT::path, 0, 0, "",
   "File locked for the whole run (--lock); a second run with the same file exits 2 (\"FILE is locked by pid N\"), so "
   "a cron job never overlaps itself",
   &S::lock_file},
  // --- ours: live view ---
  {"LISTEN", VT::string, 0, 0, "",
   "Serve the live view on ADDR:PORT (/, /metrics, /status, POST /stop, POST /speed); port 0 picks a free one; empty: "
   "none. An address other than loopback needs LISTEN_TOKEN_FILE (--listen)",
   &S::listen},
  {"LISTEN_TOKEN_FILE", VT::path, 0, 0, "",
   "File holding the token (surrounding whitespace dropped) that POST /stop and POST /speed must send as "
   "'Authorization: Bearer TOKEN'; without it they answer 401 (--listen-token)",
   &S::listen_token_file},
  {"LISTEN_LINGER", VT::duration, 0, 86400, "",
   "After the run, keep serving the final state this long, or until POST /stop (--listen-linger)", &S::listen_linger},
  // --- ours: network (a target's cacert, capath, cert, key, proxy, resolve, connect_to replace these) ---
  {"CA_BUNDLE", VT::path, 0, 0, "",
   "PEM file of the CAs to trust for https targets (--cacert); unset: CURL_CA_BUNDLE, then SSL_CERT_FILE from the "
   "environment, else the system's",
   &S::ca_bundle},
  {"CA_PATH", VT::path, 0, 0, "",
   "Directory of hashed CA certificates to trust (--capath); unset: SSL_CERT_DIR from the environment, else the "
   "system's",
   &S::ca_path},
  {"CLIENT_CERT", VT::path, 0, 0, "", "PEM client certificate for targets that require one (mTLS) (--cert)",
   &S::client_cert},
  {"CLIENT_KEY", VT::path, 0, 0, "", "Private key file of CLIENT_CERT; its content is never printed (--key)",
   &S::client_key},
  {"PROXY", VT::proxy, 0, 0, "",
   "Send every request through this proxy, http://[USER:PASSWORD@]HOST:PORT or socks5h://…; empty: direct (--proxy)",
   &S::proxy},
  {"USE_ENV_PROXY", VT::boolean, 0, 0, "",
   "Without PROXY, honour https_proxy/http_proxy/no_proxy from the environment; default: direct (--use-env-proxy)",
   &S::use_env_proxy},
  {"RESOLVE", VT::hosts, 0, 0, "",
   "Pinned addresses, curl's --resolve HOST:PORT:ADDR[,ADDR], blank-separated; Host and SNI stay the target's name "
   "(--resolve)",
   &S::resolve},
  {"CONNECT_TO", VT::hosts, 0, 0, "",
   "curl's --connect-to HOST1:PORT1:HOST2:PORT2, blank-separated: connect there instead; Host and SNI stay the "
   "target's name (--connect-to)",
   &S::connect_to},
  {"THRESHOLDS", VT::string, 0, 0, "",
   "Thresholds, ';' between them: [TARGET:]METRIC OP NUMBER, e.g. 'p99<500;failure_rate<=0.001'; any failure exits 1 "
   "(--threshold, repeatable)",
   &S::thresholds},
  {"ABORT_ON_FAIL", VT::boolean, 0, 0, "",
   "Stop the run (drain, exit 1) as soon as a threshold can no longer pass: a rejected or unconfirmed count above its "
   "limit (--abort-on-fail)",
   &S::abort_on_fail},
  {"MAX_FAILURE_RATE", VT::number, 0, 1, "",
   "Exit 1 when more than this share of generated hits is not acked: the default threshold failure_rate<=N "
   "(--max-failure-rate)",
   &S::max_failure_rate},
};

}  // namespace

std::span<const KeySpec> settings_table() { return k_table; }

const KeySpec* find_key(std::string_view name) {
  const auto it = std::find_if(k_table.begin(), k_table.end(), [&](const KeySpec& k) { return k.name == name; });
  return it == k_table.end() ? nullptr : &*it;
}

std::vector<std::string> key_names() {
  std::vector<std::string> names;
  names.reserve(k_table.size());
  for (const auto& spec : k_table) {
    names.emplace_back(spec.name);
  }
  return names;
}

std::string_view type_name(ValueType type) {
  switch (type) {
    case VT::boolean: return "bool";
    case VT::integer: return "int";
    case VT::number: return "number";
    case VT::duration: return "duration";
    case VT::string: return "string";
    case VT::path: return "path";
    case VT::url: return "url";
    case VT::list: return "list";
    case VT::date: return "date";
    case VT::enumeration: return "enum";
    case VT::currency: return "currency";
    case VT::timezone: return "timezone";
    case VT::json: return "json";
    case VT::proxy: return "url";
    case VT::hosts: return "list";
    case VT::dimensions: return "string";
  }
  return "string";
}

}  // namespace tf::config
