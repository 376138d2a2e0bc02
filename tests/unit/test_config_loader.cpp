#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "config/loader.hpp"
#include "config/referenced_files.hpp"
#include "config/rules.hpp"
#include "config/settings_table.hpp"
#include "util/error.hpp"

using namespace tf::config;

namespace {

const std::string k_data = TF_TEST_DATA_DIR "/config/";

/// A temporary .env file removed at scope exit.
class TempFile {
public:
  explicit TempFile(const std::string& text, const std::string& suffix = ".env") {
    static int counter = 0;
    m_path = (std::filesystem::temp_directory_path() /
              ("tf_test_config_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + suffix))
               .string();
    std::ofstream(m_path) << text;
  }
  ~TempFile() { std::filesystem::remove(m_path); }
  const std::string& path() const { return m_path; }

private:
  std::string m_path;
};

LoadRequest request_with(std::vector<std::string> env_files, std::map<std::string, std::string> environment = {}) {
  LoadRequest r;
  r.env_files = std::move(env_files);
  r.environment = std::move(environment);
  r.today = date::sys_days{date::year{2026} / 6 / 15};
  return r;
}

std::vector<std::string> errors_of(const Loader& loader) {
  std::vector<std::string> out;
  for (const auto& d : loader.diagnostics().items()) {
    out.push_back(format(d));
  }
  return out;
}

std::vector<std::string> load_errors(const std::string& text) {
  TempFile file(text);
  Loader loader(request_with({file.path()}));
  loader.load();
  std::vector<std::string> out;
  for (const auto& d : loader.diagnostics().items()) {
    std::string line = format(d);
    if (line.rfind(file.path(), 0) == 0) {
      line.replace(0, file.path().size(), "F");
    }
    out.push_back(line);
  }
  return out;
}

}  // namespace

TEST_CASE("layers apply lowest first and every value keeps its origin", "[config]") {
  TempFile first("CONCURRENCY=7\nTHREADS=2\nPAGEVIEWS_MAX=9\n");
  TempFile second("THREADS=3\n");
  LoadRequest r = request_with({first.path(), second.path()}, {{"PAGEVIEWS_MAX", "10"}, {"HOME", "/x"}});
  r.preset = "medium";
  r.flags = {{"BULK", "10", "--bulk"}};
  Loader loader(r);
  const Settings s = loader.load();
  CHECK(s.target_visits_per_day == 10000);
  CHECK(s.concurrency == 7);
  CHECK(s.threads == 3);
  CHECK(s.pageviews_max == 10);
  CHECK(s.bulk == 10);
  CHECK(describe(s.origins.at("TARGET_VISITS_PER_DAY")) == "preset medium:4");
  CHECK(describe(s.origins.at("CONCURRENCY")) == "env-file " + first.path() + ":1");
  CHECK(describe(s.origins.at("THREADS")) == "env-file " + second.path() + ":1");
  CHECK(describe(s.origins.at("PAGEVIEWS_MAX")) == "environment");
  CHECK(describe(s.origins.at("BULK")) == "--bulk");
  CHECK(s.origins.count("SPEED") == 0);
}

TEST_CASE("a misspelt key, an out-of-range number and min > max are all reported with lines", "[config]") {
  Loader loader(request_with({k_data + "invalid.env"}));
  loader.load();
  const auto errors = errors_of(loader);
  const std::string f = k_data + "invalid.env";
  CHECK(errors ==
        std::vector<std::string>{
          f + ":3: error: CONCURENCY: unknown key; did you mean CONCURRENCY?",
          f + ":4: error: SITESEARCH_PROBABILITY: expected a number from 0 to 1, found \"1.5\"",
          f + ":6: error: PAGEVIEWS_MAX: expected a value ≥ PAGEVIEWS_MIN (8), found 4",
          f + ": warning: RANDOMIZE_VISITOR_COUNTRIES: cip is omitted without a token (MATOMO_TOKEN_AUTH is empty)",
        });
}

TEST_CASE("config::load throws one usage error listing every error", "[config]") {
  try {
    load(request_with({k_data + "invalid.env"}));
    FAIL("no error thrown");
  } catch (const tf::Error& e) {
    CHECK(e.code() == tf::ExitCode::usage);
    const std::string msg = e.what();
    CHECK(msg.rfind("configuration has 3 error(s):\n", 0) == 0);
    CHECK(msg.find("CONCURENCY") != std::string::npos);
    CHECK(msg.find("SITESEARCH_PROBABILITY") != std::string::npos);
    CHECK(msg.find("PAGEVIEWS_MAX") != std::string::npos);
  }
}

TEST_CASE("unknown keys in the environment warn only for our prefixes", "[config]") {
  Loader loader(request_with(
    {},
    {{"MATOMO_SITEID", "3"}, {"PATH", "/bin"}, {"TRAFFICINATOR_X", "1"}, {"RANDOMIZE_VISITOR_COUNTRIES", "false"}}));
  loader.load();
  CHECK(errors_of(loader) ==
        std::vector<std::string>{
          "environment: warning: MATOMO_SITEID: unknown key, ignored; did you mean MATOMO_SITE_ID?",
          "environment: warning: TRAFFICINATOR_X: unknown key, ignored",
        });
}

TEST_CASE("an unknown preset is an error with a suggestion", "[config]") {
  LoadRequest r = request_with({});
  r.preset = "meduim";
  Loader loader(r);
  loader.load();
  REQUIRE_FALSE(errors_of(loader).empty());
  CHECK(errors_of(loader).front() ==
        "--preset: error: unknown preset \"meduim\" (did you mean medium?); built-in presets: extreme, heavy, light, "
        "medium, smoke");
  // nothing else is judged without the preset: no warnings about built-in defaults
  CHECK(loader.diagnostics().items().size() == 1);
}

TEST_CASE("every built-in preset loads without errors", "[config]") {
  for (const auto& name : builtin_preset_names()) {
    INFO(name);
    LoadRequest r = request_with({});
    r.preset = name;
    Loader loader(r);
    loader.load();
    CHECK_FALSE(loader.diagnostics().has_errors());
  }
  CHECK(builtin_preset_names() == std::vector<std::string>{"extreme", "heavy", "light", "medium", "smoke"});
}

TEST_CASE("the min <= max rules name the key that was set", "[config]") {
  CHECK(load_errors("RANDOMIZE_VISITOR_COUNTRIES=false\nPAUSE_BETWEEN_PVS_MIN=3\n") ==
        std::vector<std::string>{
          "F:2: error: PAUSE_BETWEEN_PVS_MIN: expected a value ≤ PAUSE_BETWEEN_PVS_MAX (2), found 3"});
  CHECK(
    load_errors("RANDOMIZE_VISITOR_COUNTRIES=false\nVISIT_DURATION_MAX=0.5\n") ==
    std::vector<std::string>{"F:2: error: VISIT_DURATION_MAX: expected a value ≥ VISIT_DURATION_MIN (1), found 0.5"});
  CHECK(
    load_errors("RANDOMIZE_VISITOR_COUNTRIES=false\nECOMMERCE_ITEMS_MIN=6\n") ==
    std::vector<std::string>{"F:2: error: ECOMMERCE_ITEMS_MIN: expected a value ≤ ECOMMERCE_ITEMS_MAX (5), found 6"});
  CHECK(load_errors("RANDOMIZE_VISITOR_COUNTRIES=false\nECOMMERCE_ORDER_VALUE_MAX=10\n") ==
        std::vector<std::string>{
          "F:2: error: ECOMMERCE_ORDER_VALUE_MAX: expected a value ≥ ECOMMERCE_ORDER_VALUE_MIN (15.99), found 10"});
  CHECK(load_errors("RANDOMIZE_VISITOR_COUNTRIES=false\nBACKFILL_MAX_VISITS_TOTAL=100\n") ==
        std::vector<std::string>{
          "F:2: error: BACKFILL_MAX_VISITS_TOTAL: expected a value ≥ BACKFILL_MAX_VISITS_PER_DAY (2000), found 100"});
}

TEST_CASE("USER_AGENT_HEADER is sent as a header line, so control characters are an error", "[config]") {
  CHECK(load_errors("RANDOMIZE_VISITOR_COUNTRIES=false\nUSER_AGENT_HEADER=\"loadtest\\r\\nX-Injected: 1\"\n") ==
        std::vector<std::string>{"F:2: error: USER_AGENT_HEADER: expected a header value without control characters, "
                                 "found byte 0x0d at position 9"});
  CHECK(load_errors("RANDOMIZE_VISITOR_COUNTRIES=false\nUSER_AGENT_HEADER=\"loadtest/1.0 (tab\\tok)\"\n").empty());
  CHECK(load_errors("RANDOMIZE_VISITOR_COUNTRIES=false\nUSER_AGENT_HEADER=visitor\n").empty());
  CHECK(load_errors("RANDOMIZE_VISITOR_COUNTRIES=false\nUSER_AGENT_HEADER=\n").empty());
}

TEST_CASE("the backfill window rules", "[config]") {
  const std::string base = "RANDOMIZE_VISITOR_COUNTRIES=false\nMATOMO_TOKEN_AUTH=t\nBACKFILL_ENABLED=true\n";
  CHECK(load_errors(base + "BACKFILL_START_DATE=2026-06-01\nBACKFILL_END_DATE=2026-06-10\n").empty());
  CHECK(load_errors(base + "BACKFILL_DAYS_BACK=7\nBACKFILL_DURATION_DAYS=7\n").empty());
  CHECK(load_errors(base) ==
        std::vector<std::string>{"F:3: error: BACKFILL_ENABLED: expected a window (BACKFILL_START_DATE and "
                                 "BACKFILL_END_DATE, or BACKFILL_DAYS_BACK and BACKFILL_DURATION_DAYS), found none"});
  CHECK(
    load_errors(base +
                "BACKFILL_START_DATE=2026-06-01\nBACKFILL_END_DATE=2026-06-10\nBACKFILL_DAYS_BACK=3\nBACKFILL_DURATION_"
                "DAYS=2\n") ==
    std::vector<std::string>{"F:6: error: BACKFILL_DAYS_BACK: expected either BACKFILL_START_DATE/BACKFILL_END_DATE or "
                             "BACKFILL_DAYS_BACK/BACKFILL_DURATION_DAYS, found both"});
  CHECK(
    load_errors(base + "BACKFILL_START_DATE=2026-06-01\n") ==
    std::vector<std::string>{"F:4: error: BACKFILL_START_DATE: expected BACKFILL_END_DATE as well, found it unset"});
  CHECK(load_errors(base + "BACKFILL_DURATION_DAYS=2\n") ==
        std::vector<std::string>{
          "F:4: error: BACKFILL_DURATION_DAYS: expected BACKFILL_DAYS_BACK as well, found it unset"});
  CHECK(load_errors(base + "BACKFILL_START_DATE=2026-06-10\nBACKFILL_END_DATE=2026-06-01\n") ==
        std::vector<std::string>{
          "F:5: error: BACKFILL_END_DATE: expected a date ≥ BACKFILL_START_DATE (2026-06-10), found 2026-06-01"});
  CHECK(load_errors(base + "BACKFILL_START_DATE=2026-06-10\nBACKFILL_END_DATE=2026-06-16\n") ==
        std::vector<std::string>{
          "F:5: error: BACKFILL_END_DATE: expected a date not after today (2026-06-15 in CET), found 2026-06-16"});
  CHECK(
    load_errors(base + "BACKFILL_START_DATE=2025-06-01\nBACKFILL_END_DATE=2026-06-01\n") ==
    std::vector<std::string>{"F:5: error: BACKFILL_END_DATE: expected a window of at most 180 days, found 366 days"});
  CHECK(load_errors(base + "BACKFILL_DAYS_BACK=3\nBACKFILL_DURATION_DAYS=5\n") ==
        std::vector<std::string>{"F:5: error: BACKFILL_DURATION_DAYS: expected at most BACKFILL_DAYS_BACK + 1 (4) days "
                                 "so the window ends by today, found 5"});
  CHECK(load_errors(base + "BACKFILL_DAYS_BACK=365\nBACKFILL_DURATION_DAYS=200\n") ==
        std::vector<std::string>{
          "F:5: error: BACKFILL_DURATION_DAYS: expected a window of at most 180 days, found 200 days"});
}

TEST_CASE("backfill needs a token and cip without a token is a warning", "[config]") {
  CHECK(load_errors(
          "BACKFILL_ENABLED=true\nBACKFILL_DAYS_BACK=2\nBACKFILL_DURATION_DAYS=1\nRANDOMIZE_VISITOR_COUNTRIES=yes\n") ==
        std::vector<std::string>{
          "F:1: error: BACKFILL_ENABLED: expected a token (MATOMO_TOKEN_AUTH), found none: backfill sends cdt older "
          "than 24 h, which Matomo accepts only with a token",
          "F:4: warning: RANDOMIZE_VISITOR_COUNTRIES: cip is omitted without a token (MATOMO_TOKEN_AUTH is empty)"});
}

TEST_CASE("MATOMO_URL together with a targets list is an error naming both sources", "[config]") {
  TempFile env("MATOMO_URL=http://127.0.0.1:9/\nRANDOMIZE_VISITOR_COUNTRIES=false\n");
  LoadRequest r = request_with({env.path()});
  r.targets_file = k_data + "targets.json";
  Loader loader(r);
  loader.load();
  CHECK(errors_of(loader) ==
        std::vector<std::string>{
          env.path() +
          ":1: error: MATOMO_URL: expected either MATOMO_URL or a targets list, found both (MATOMO_URL from env-file " +
          env.path() + ":1, targets from targets " + k_data + "targets.json)"});
}

TEST_CASE("a targets file sets the targets with their own tokens", "[config]") {
  LoadRequest r = request_with({}, {{"RANDOMIZE_VISITOR_COUNTRIES", "false"}});
  r.targets_file = k_data + "targets.json";
  Loader loader(r);
  const Settings s = loader.load();
  REQUIRE_FALSE(loader.diagnostics().has_errors());
  const TargetsConfig t = effective_targets(s);
  REQUIRE(t.targets.size() == 2);
  CHECK(t.strategy == tf::routing::Strategy::weighted);
  CHECK(t.targets[0].url == "http://127.0.0.1:8080/matomo.php");
  CHECK(t.targets[0].token_auth == "secret-token-123");
  CHECK(t.targets[1].url == "http://127.0.0.1:8081/piwik.php");
  CHECK(t.targets[1].token_auth.empty());
  CHECK(describe(s.origins.at("MULTI_TARGET_CONFIG")) == "targets " + k_data + "targets.json");
}

TEST_CASE("inline MULTI_TARGET_CONFIG is read and its errors point at the line", "[config]") {
  CHECK(load_errors("RANDOMIZE_VISITOR_COUNTRIES=false\nMULTI_TARGET_CONFIG={\"targets\":[{\"name\":\"a\",\"url\":"
                    "\"http://127.0.0.1:1\",\"site_id\":0}]}\n") ==
        std::vector<std::string>{
          "F:2: error: MULTI_TARGET_CONFIG targets[0].site_id: expected an integer ≥ 1, found 0 (at 1:62)"});
  TempFile ok("RANDOMIZE_VISITOR_COUNTRIES=false\nMULTI_TARGET_CONFIG='{\"targets\":[{\"name\":\"a\",\"url\":\"http://"
              "127.0.0.1:1\",\"site_id\":4}]}'\n");
  Loader loader(request_with({ok.path()}));
  const Settings s = loader.load();
  REQUIRE(s.targets.has_value());
  CHECK(s.targets->targets.at(0).site_id == 4);
}

TEST_CASE("without a targets list the single target is the effective one", "[config]") {
  Settings s;
  s.matomo_token_auth = "tok";
  const TargetsConfig t = effective_targets(s);
  REQUIRE(t.targets.size() == 1);
  CHECK(t.targets[0].name == "default");
  CHECK(t.targets[0].url == "https://matomo.example.com/matomo.php");
  CHECK(t.targets[0].token_auth == "tok");
}

TEST_CASE("referenced catalogue and funnels files are checked", "[config]") {
  // each error also names the line of the .env file that named the file
  const auto errors = load_errors("RANDOMIZE_VISITOR_COUNTRIES=false\nURLS_FILE=" + k_data + "urls-invalid.txt\n");
  REQUIRE(errors.size() == 2);
  using Catch::Matchers::EndsWith;
  using Catch::Matchers::StartsWith;
  CHECK_THAT(errors[0],
             StartsWith(k_data +
                        "urls-invalid.txt:2:1: error: expected an http(s) URL at the start of the "
                        "line, found \"not-a-url\" (file named by URLS_FILE at env-file ") &&
               EndsWith(".env:2)"));
  CHECK_THAT(errors[1],
             StartsWith(k_data +
                        "urls-invalid.txt:3:1: error: expected an http(s) URL at the start of the "
                        "line, found \"ftp://x.test/y\" (file named by URLS_FILE at env-file ") &&
               EndsWith(".env:2)"));
  CHECK(load_errors("RANDOMIZE_VISITOR_COUNTRIES=false\nFUNNEL_CONFIG_PATH=" + k_data + "funnels.json\n").empty());
}

TEST_CASE("the catalogue and funnels files are parsed once, by load, and the run uses that result", "[config]") {
  TempFile urls("https://shop.example.test/x  X\nhttps://shop.example.test/y\n", ".txt");
  TempFile funnels(
    R"([{"name":"F","probability":0.5,"steps":[{"type":"pageview","url":"https://shop.example.test/x"}]}])", ".json");
  TempFile env("RANDOMIZE_VISITOR_COUNTRIES=false\nURLS_FILE=" + urls.path() +
               "\nFUNNEL_CONFIG_PATH=" + funnels.path() + "\n");
  Loader loader(request_with({env.path()}));
  const Settings s = loader.load();
  REQUIRE(errors_of(loader).empty());
  REQUIRE(s.url_catalogue);
  REQUIRE(s.funnels);
  CHECK(s.url_catalogue->pages.size() == 2);
  CHECK(s.url_catalogue->pages[0].title == "X");
  REQUIRE(s.funnels->size() == 1);
  CHECK(s.funnels->front().name == "F");
  // The files are not read again: the result is the one load kept, even once they are gone.
  std::filesystem::remove(urls.path());
  std::filesystem::remove(funnels.path());
  CHECK(url_catalogue_of(s) == s.url_catalogue);
  CHECK(funnels_of(s).front().name == "F");
}

TEST_CASE("without URLS_FILE the built-in catalogue is used; settings not loaded read the files themselves",
          "[config]") {
  Settings s;
  CHECK(url_catalogue_of(s).get() == &builtin_catalogue());
  CHECK(funnels_of(s).empty());
  s.urls_file = k_data + "urls.txt";
  s.funnel_config_path = k_data + "funnels.json";
  CHECK(url_catalogue_of(s)->pages.size() == 2);
  CHECK_FALSE(funnels_of(s).empty());
  s.urls_file = k_data + "urls-invalid.txt";
  CHECK_THROWS_AS(url_catalogue_of(s), tf::Error);
}

TEST_CASE("an invalid catalogue or funnels file keeps nothing", "[config]") {
  TempFile env("RANDOMIZE_VISITOR_COUNTRIES=false\nURLS_FILE=" + k_data +
               "urls-invalid.txt\nFUNNEL_CONFIG_PATH=" + k_data + "funnels-invalid.json\n");
  Loader loader(request_with({env.path()}));
  const Settings s = loader.load();
  CHECK_FALSE(errors_of(loader).empty());
  CHECK_FALSE(s.url_catalogue);
  CHECK_FALSE(s.funnels);
}

TEST_CASE("an unknown SITE_PROFILE is an error naming the file, line, key and the profiles", "[config]") {
  const auto errors = load_errors("MATOMO_URL=http://127.0.0.1:1/matomo.php\nSITE_PROFILE=news\n");
  REQUIRE_FALSE(errors.empty());
  CHECK(errors.front() == "F:2: error: SITE_PROFILE: expected one of shop|blog|docs|saas, found \"news\"");
  CHECK(load_errors("SITE_PROFILE=Blog\n").size() == load_errors("").size());  // names are case-insensitive
}
