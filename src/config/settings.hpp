#pragma once
// The typed result of configuration: every setting the program reads, with the predecessor's
// names (see settings_table.hpp for the table of keys, defaults, ranges and help) and the origin
// of each value. Produced by config::load(); read by model, routing, engine wiring and report.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/catalogue.hpp"
#include "config/catalogue.hpp"
#include "config/funnels.hpp"
#include "config/targets.hpp"

namespace tf::config {

/// USER_AGENT_HEADER's default: the tool names itself in the header; the simulated browser travels
/// in each hit's `ua` parameter, which is what Matomo records.
inline constexpr const char* k_tool_user_agent = "trafficinator/" TF_VERSION;
/// USER_AGENT_HEADER value that sends each visit's browser user agent as the header instead.
inline constexpr const char* k_visitor_user_agent = "visitor";

/// Where `value` has a byte that cannot stand in an HTTP header line (a control character other
/// than tab, or DEL), or npos.
std::size_t header_unsafe_at(std::string_view value);

/// The User-Agent header for USER_AGENT_HEADER's value `setting` on a request whose simulated
/// browser is `browser`: the setting itself, or for "visitor" the browser, unless it cannot stand
/// in a header line (from a replayed file, say). A request without one browser (a bulk, the probe)
/// passes k_tool_user_agent.
std::string_view header_user_agent(std::string_view setting, std::string_view browser);

/// Where a value came from, lowest layer first.
/// `rule`: derived from other values by a documented rule (config/derived.hpp), never by the user.
enum class Layer { built_in, preset, env_file, environment, targets_file, command_line, rule };

struct Origin {
  Layer layer = Layer::built_in;
  std::string source;  ///< preset name, file path, "environment", "--flag" or the rule's text
  int line = 0;  ///< line in source when known, else 0
};

struct Settings {
  // --- single target (predecessor) ---
  std::string matomo_url = "https://matomo.example.com/matomo.php";  // MATOMO_URL
  int matomo_site_id = 1;  // MATOMO_SITE_ID
  std::string matomo_token_auth;  // MATOMO_TOKEN_AUTH (secret)
  std::string matomo_token_auth_file;  // MATOMO_TOKEN_AUTH_FILE
  std::string urls_file;  // URLS_FILE (empty: built-in)
  std::string site_profile = "shop";  // SITE_PROFILE: shop|blog|docs|saas
  std::string funnel_config_path;  // FUNNEL_CONFIG_PATH (empty: none)

  // --- pacing ---
  double target_visits_per_day = 20000;  // TARGET_VISITS_PER_DAY
  int pageviews_min = 3;  // PAGEVIEWS_MIN
  int pageviews_max = 6;  // PAGEVIEWS_MAX
  int concurrency = 50;  // CONCURRENCY: visits in progress
  double pause_between_pvs_min = 0.5;  // PAUSE_BETWEEN_PVS_MIN, seconds (real time)
  double pause_between_pvs_max = 2.0;  // PAUSE_BETWEEN_PVS_MAX, seconds (real time)
  double auto_stop_after_hours = 0;  // AUTO_STOP_AFTER_HOURS, 0 = off
  long long max_total_visits = 0;  // MAX_TOTAL_VISITS: rolling 24 h cap, 0 = off
  std::string stages;  // STAGES / --stages: "30s:10,5m:100,30s:0" (util/stages.hpp); empty = flat
  std::chrono::milliseconds ramp_up{0};  // RAMP_UP / --ramp-up: linear ramp from 0 to the rate; 0 = none
  bool daily_profile = false;  // DAILY_PROFILE: realtime rate follows the hourly profile and weekdays
  double capacity_start_rate = 10;  // CAPACITY_START_RATE: find-capacity's first rate, visits/s
  double capacity_step_factor = 1.5;  // CAPACITY_STEP_FACTOR: × per step while steps hold
  std::chrono::milliseconds capacity_step{30000};  // CAPACITY_STEP: length of each step
  std::chrono::milliseconds capacity_warmup{10000};  // CAPACITY_WARMUP: a first, unjudged step; 0 = none
  double capacity_max_rate = 10000;  // CAPACITY_MAX_RATE: never above, visits/s
  double capacity_precision = 0.05;  // CAPACITY_PRECISION: bisect until broke ≤ held × (1 + this)

  // --- behaviour probabilities (per visit) ---
  double sitesearch_probability = 0.15;  // SITESEARCH_PROBABILITY
  double outlinks_probability = 0.10;  // OUTLINKS_PROBABILITY
  double downloads_probability = 0.08;  // DOWNLOADS_PROBABILITY
  double click_events_probability = 0.25;  // CLICK_EVENTS_PROBABILITY
  double random_events_probability = 0.12;  // RANDOM_EVENTS_PROBABILITY
  double direct_traffic_probability = 0.30;  // DIRECT_TRAFFIC_PROBABILITY
  double ecommerce_probability = 0.05;  // ECOMMERCE_PROBABILITY
  double bounce_probability = 0.45;  // BOUNCE_PROBABILITY: single-pageview browsing visits
  double product_view_probability = 0.30;  // PRODUCT_VIEW_PROBABILITY: browsing pageviews of a product page
  double cart_update_probability = 0.12;  // CART_UPDATE_PROBABILITY: non-bounce browsing visits with a cart update
  std::string custom_dimensions;  // CUSTOM_DIMENSIONS: ID:SCOPE:VALUE|… entries (config/dimensions.hpp); empty: none
  double custom_dimension_probability =
    1.0;  // CUSTOM_DIMENSION_PROBABILITY: visits (visit scope) and page views (action scope) with a value
  double performance_timing_probability = 0.8;  // PERFORMANCE_TIMING_PROBABILITY: pageviews with pf_* timings
  double content_impression_probability =
    0.2;  // CONTENT_IMPRESSION_PROBABILITY: browsing pages with a content impression
  double content_interaction_probability = 0.1;  // CONTENT_INTERACTION_PROBABILITY: impressions followed by a click
  double heartbeat_probability = 1.0;  // HEARTBEAT_PROBABILITY: visits closed by a ping
  double visit_duration_min = 1.0;  // VISIT_DURATION_MIN, minutes (simulated)
  double visit_duration_max = 8.0;  // VISIT_DURATION_MAX, minutes (simulated)
  bool randomize_visitor_countries = true;  // RANDOMIZE_VISITOR_COUNTRIES (cip; needs a token)

  // --- ecommerce ---
  double ecommerce_order_value_min = 15.99;  // ECOMMERCE_ORDER_VALUE_MIN
  double ecommerce_order_value_max = 299.99;  // ECOMMERCE_ORDER_VALUE_MAX
  int ecommerce_items_min = 1;  // ECOMMERCE_ITEMS_MIN
  int ecommerce_items_max = 5;  // ECOMMERCE_ITEMS_MAX
  double ecommerce_tax_rate = 0.10;  // ECOMMERCE_TAX_RATE
  std::vector<double> ecommerce_shipping_rates{0, 5.99, 9.99, 15.99};  // ECOMMERCE_SHIPPING_RATES
  std::string ecommerce_currency = "SEK";  // ECOMMERCE_CURRENCY (validated, never sent)
  std::string timezone = "CET";  // TIMEZONE (IANA name, date's tz database)

  // --- backfill ---
  bool backfill_enabled = false;  // BACKFILL_ENABLED
  std::string backfill_start_date;  // BACKFILL_START_DATE, YYYY-MM-DD or empty
  std::string backfill_end_date;  // BACKFILL_END_DATE
  std::optional<int> backfill_days_back;  // BACKFILL_DAYS_BACK
  std::optional<int> backfill_duration_days;  // BACKFILL_DURATION_DAYS
  long long backfill_max_visits_per_day = 2000;  // BACKFILL_MAX_VISITS_PER_DAY
  long long backfill_max_visits_total = 200000;  // BACKFILL_MAX_VISITS_TOTAL
  std::optional<double> backfill_rps_limit;  // BACKFILL_RPS_LIMIT (requests/s)
  std::optional<std::uint64_t> backfill_seed;  // BACKFILL_SEED
  bool backfill_run_once = false;  // BACKFILL_RUN_ONCE
  std::vector<double> hourly_profile;  // HOURLY_PROFILE: 24 weights, empty = built-in
  double backfill_daily_variation = 0.15;  // BACKFILL_DAILY_VARIATION: ± share around cap

  // --- start gate, logging ---
  bool auto_start = true;  // AUTO_START
  std::string start_signal_file = "/app/data/loadgen.start";  // START_SIGNAL_FILE
  double start_check_interval = 2.0;  // START_CHECK_INTERVAL, seconds
  std::string start_at;  // START_AT: RFC 3339 time or +DURATION (util/instant.hpp); empty = at once
  std::string log_level = "INFO";  // LOG_LEVEL: DEBUG|INFO|WARNING|ERROR
  std::string log_format = "text";  // LOG_FORMAT: text|json

  // --- ours: model ---
  std::optional<std::uint64_t> seed;  // SEED / --seed (absent: random, printed)
  double returning_visitor_probability = 0.30;  // RETURNING_VISITOR_PROBABILITY
  int returning_visitor_pool = 10000;  // RETURNING_VISITOR_POOL
  double logged_in_probability = 0.05;  // LOGGED_IN_PROBABILITY: share of visitors with uid
  double campaign_probability = 0.05;  // CAMPAIGN_PROBABILITY: campaign landings

  // --- ours: delivery ---
  int threads = 1;  // THREADS / --threads
  int max_in_flight = 256;  // MAX_IN_FLIGHT: requests per target (bulkhead)
  int bulk = 0;  // BULK / --bulk: hits per POST, 0 = single
  std::chrono::milliseconds bulk_linger{50};  // BULK_LINGER
  std::chrono::milliseconds connect_timeout{5000};  // CONNECT_TIMEOUT
  std::chrono::milliseconds request_timeout{10000};  // REQUEST_TIMEOUT
  int max_retries = 2;  // MAX_RETRIES
  std::chrono::milliseconds retry_backoff{500};  // RETRY_BACKOFF: first delay, doubles
  std::chrono::milliseconds retry_after_cap{30000};  // RETRY_AFTER_CAP
  double retry_budget = 0.20;  // RETRY_BUDGET: share of recent requests
  bool retry_unconfirmed = false;  // RETRY_UNCONFIRMED: resend maybe-recorded hits
  std::chrono::milliseconds drain_timeout{10000};  // DRAIN_TIMEOUT
  std::chrono::milliseconds report_interval{60000};  // REPORT_INTERVAL
  double speed = 1.0;  // SPEED / --speed: multiplies the rate
  bool http2 = false;  // HTTP2
  bool insecure = false;  // INSECURE: no TLS verification
  std::string user_agent_header = k_tool_user_agent;  // USER_AGENT_HEADER: header; "visitor" = the visit's
  std::string dead_letter_file;  // DEAD_LETTER_FILE
  std::string lock_file;  // LOCK_FILE: held for the whole run
  std::string listen;  // LISTEN: ADDR:PORT of the live view; empty: none
  std::string listen_token_file;  // LISTEN_TOKEN_FILE: token of the control requests
  std::chrono::milliseconds listen_linger{0};  // LISTEN_LINGER: serve the final state after the run
  double max_failure_rate = 0.01;  // MAX_FAILURE_RATE: exit 1 above it
  std::string thresholds;  // THRESHOLDS: "EXPR;EXPR" (--threshold)
  bool abort_on_fail = false;  // ABORT_ON_FAIL: stop when a threshold failed for good

  // --- ours: network (for every target; a target's fields in the targets JSON replace them) ---
  std::string ca_bundle;  // CA_BUNDLE / --cacert; unset: CURL_CA_BUNDLE, then SSL_CERT_FILE
  std::string ca_path;  // CA_PATH / --capath; unset: SSL_CERT_DIR
  std::string client_cert;  // CLIENT_CERT / --cert
  std::string client_key;  // CLIENT_KEY / --key (the file is never read by us nor printed)
  std::string proxy;  // PROXY / --proxy; empty: direct (or USE_ENV_PROXY)
  bool use_env_proxy = false;  // USE_ENV_PROXY / --use-env-proxy
  std::string resolve;  // RESOLVE / --resolve: curl --resolve entries, blank-separated
  std::string connect_to;  // CONNECT_TO / --connect-to: curl --connect-to entries, blank-separated

  // --- targets (MULTI_TARGET_CONFIG / --targets, or the single target above) ---
  std::optional<TargetsConfig> targets;  // set when a targets list was given

  // --- what URLS_FILE and FUNNEL_CONFIG_PATH hold, parsed once by config::load (the run uses
  // these; config/referenced_files.hpp). Null: the setting is empty, or load did not read files.
  std::shared_ptr<const UrlCatalogue> url_catalogue;
  std::shared_ptr<const std::vector<Funnel>> funnels;

  /// Origin of each key that was set above the defaults, by key name.
  std::map<std::string, Origin> origins;
};

/// The effective targets: the configured list, or one target named "default" built from
/// MATOMO_URL/MATOMO_SITE_ID/MATOMO_TOKEN_AUTH. Each target's network is the settings' (see
/// network_settings) with the target's own fields on top.
TargetsConfig effective_targets(const Settings& settings);

/// CA_BUNDLE, CA_PATH, CLIENT_CERT, CLIENT_KEY, PROXY, USE_ENV_PROXY, RESOLVE and CONNECT_TO.
NetworkSpec network_settings(const Settings& settings);

}  // namespace tf::config
