#include <catch2/catch.hpp>

#include <vector>

#include "cli/cli.hpp"
#include "cli/config_options.hpp"
#include "cli/suggest.hpp"
#include "config/settings_table.hpp"
#include "util/error.hpp"

using namespace tf::cli;

namespace {

int run_cli(std::vector<std::string> args) {
  args.insert(args.begin(), "trafficinator");
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  return tf::cli::main(static_cast<int>(args.size()), argv.data());
}

}  // namespace

TEST_CASE("the --shard value K/N is parsed and checked", "[cli]") {
  CHECK(parse_shard("2/5").index == 2);
  CHECK(parse_shard("2/5").count == 5);
  CHECK(parse_shard("0/1").count == 1);
  for (const char* bad : {"5/5", "-1/3", "1", "a/b", "1/0", "1/2/3"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_shard(bad), tf::Error);
  }
  try {
    parse_shard("3/2");
  } catch (const tf::Error& e) {
    CHECK(std::string(e.what()) == "--shard: expected K/N with 0 ≤ K < N ≤ 100000, found \"3/2\"");
  }
}

TEST_CASE("the shard can come from JOB_COMPLETION_INDEX with --shard-count", "[cli]") {
  CHECK(resolve_shard("", 4, std::string("3")).index == 3);
  CHECK(resolve_shard("", 4, std::string("3")).count == 4);
  CHECK(resolve_shard("", 0, std::nullopt).count == 1);
  CHECK_THROWS_AS(resolve_shard("", 4, std::nullopt), tf::Error);
  CHECK_THROWS_AS(resolve_shard("1/2", 4, std::nullopt), tf::Error);
}

TEST_CASE("the --backfill range FROM..TO becomes the backfill keys on the command-line layer", "[cli]") {
  const auto flags = backfill_flags("2026-01-01..2026-01-31");
  REQUIRE(flags.size() == 3);
  CHECK(flags[0].key == "BACKFILL_ENABLED");
  CHECK(flags[1].value == "2026-01-01");
  CHECK(flags[2].value == "2026-01-31");
  CHECK(flags[2].flag == "--backfill");
  CHECK_THROWS_AS(backfill_flags("2026-01-01"), tf::Error);
  CHECK_THROWS_AS(backfill_flags("..2026-01-01"), tf::Error);
}

TEST_CASE("config options become a layered request with flags in table order", "[cli]") {
  ConfigOptions o;
  o.preset = "light";
  o.env_files = {"a.env", "b.env"};
  o.seed = "7";
  o.values["--threads"] = "4";
  o.values["--timeout"] = "3s";
  o.switches["--insecure"] = true;
  const auto r = o.request();
  CHECK(r.preset == "light");
  CHECK(r.env_files.size() == 2);
  REQUIRE(r.flags.size() == 4);
  CHECK(r.flags[0].key == "SEED");
  CHECK(r.flags[1].key == "THREADS");
  CHECK(r.flags[2].key == "REQUEST_TIMEOUT");
  CHECK(r.flags[2].flag == "--timeout");
  CHECK(r.flags[3].key == "INSECURE");
  CHECK(r.flags[3].value == "true");
}

TEST_CASE("every delivery flag maps to a key of the settings table", "[cli]") {
  CHECK(delivery_flags().size() == 30);
  for (const auto& flag : delivery_flags()) {
    INFO(flag.flag);
    CHECK(tf::config::find_key(flag.key) != nullptr);
  }
}

TEST_CASE("a delivery flag given an empty value is passed on, not taken for an absent flag", "[cli]") {
  CLI::App app;
  ConfigOptions o;
  add_config_options(app, o);
  const char* argv[] = {"run", "--user-agent", "", "--threads", "2"};
  app.parse(5, argv);
  const auto r = o.request();
  REQUIRE(r.flags.size() == 2);
  CHECK(r.flags[0].key == "THREADS");
  CHECK(r.flags[1].key == "USER_AGENT_HEADER");
  CHECK(r.flags[1].value.empty());
  CHECK(r.flags[1].flag == "--user-agent");
}

TEST_CASE("a repeated threshold flag becomes THRESHOLDS, joined by semicolons", "[cli]") {
  CLI::App app;
  ConfigOptions o;
  add_config_options(app, o);
  const char* argv[] = {"run", "--threshold", "p99<500", "--abort-on-fail", "--threshold", "a:rejected==0"};
  app.parse(6, argv);
  const auto r = o.request();
  REQUIRE(r.flags.size() == 2);
  CHECK(r.flags[0].key == "ABORT_ON_FAIL");
  CHECK(r.flags[1].key == "THRESHOLDS");
  CHECK(r.flags[1].value == "p99<500;a:rejected==0");
  CHECK(r.flags[1].flag == "--threshold");
}

TEST_CASE("the repeatable flags --resolve and --connect-to join their values with blanks", "[cli]") {
  CLI::App app;
  ConfigOptions o;
  add_config_options(app, o);
  const char* argv[] = {"run", "--resolve", "a:443:127.0.0.1", "--cacert", "ca.pem", "--resolve", "b:443:::1"};
  app.parse(7, argv);
  const auto r = o.request();
  REQUIRE(r.flags.size() == 2);
  CHECK(r.flags[0].key == "CA_BUNDLE");
  CHECK(r.flags[1].key == "RESOLVE");
  CHECK(r.flags[1].value == "a:443:127.0.0.1 b:443:::1");
  CHECK(r.flags[1].flag == "--resolve");
}

TEST_CASE("exit codes: --version 0, unknown option 2, no subcommand 2, bad preset 2", "[cli]") {
  CHECK(run_cli({"--version"}) == 0);
  CHECK(run_cli({"run", "--no-such-option"}) == 2);
  CHECK(run_cli({}) == 2);
  CHECK(run_cli({"run", "--preset", "nope", "--show-config"}) == 2);
  CHECK(run_cli({"validate"}) == 2);
  CHECK(run_cli({"validate", TF_TEST_DATA_DIR "/config/valid.env"}) == 0);
  CHECK(run_cli({"validate", TF_TEST_DATA_DIR "/config/invalid.env"}) == 1);
}

TEST_CASE("the rate flag takes visits per second, or a count per min, h or d", "[cli]") {
  CHECK(parse_rate("2") == 172800);
  CHECK(parse_rate("0.5/s") == 43200);
  CHECK(parse_rate("90/min") == 129600);
  CHECK(parse_rate("500/h") == 12000);
  CHECK(parse_rate("20000/d") == 20000);
  for (const char* bad : {"", "x", "0", "-1", "2/week", "2/", "1e999"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_rate(bad), tf::Error);
  }
}

TEST_CASE("the target flags and --rate become command-line values of their keys", "[cli]") {
  CLI::App app;
  ConfigOptions o;
  add_config_options(app, o);
  const char* argv[] = {"run",    "--url", "http://127.0.0.1:1/", "--site-id", "3", "--token-file", "t.txt",
                        "--rate", "2"};
  app.parse(9, argv);
  const auto r = o.request();
  REQUIRE(r.flags.size() == 4);
  CHECK(r.flags[0].key == "MATOMO_URL");
  CHECK(r.flags[1].key == "MATOMO_SITE_ID");
  CHECK(r.flags[2].key == "MATOMO_TOKEN_AUTH_FILE");
  CHECK(r.flags[3].key == "TARGET_VISITS_PER_DAY");
  CHECK(r.flags[3].value == "172800");
  CHECK(r.flags[3].alternative);
}

TEST_CASE("unknown commands and options get the closest known name", "[cli]") {
  CLI::App app;
  app.add_subcommand("run")->add_option("--visits");
  app.add_subcommand("generate");
  CHECK(unknown_command(app, {"rn"}) ==
        std::optional<std::string>("unknown command \"rn\"; did you mean run? (commands: run, generate)"));
  CHECK_FALSE(unknown_command(app, {"run", "--x"}));
  CHECK_FALSE(unknown_command(app, {"--version"}));
  CHECK(unknown_option(app, {"run", "--visit", "10"}) ==
        std::optional<std::string>("run: unknown option --visit; did you mean --visits?"));
  CHECK(unknown_option(app, {"run", "--zzzzzzzz=1"}) == std::optional<std::string>("run: unknown option --zzzzzzzz"));
  CHECK_FALSE(unknown_option(app, {"run", "--visits", "10", "extra"}));
}

TEST_CASE("help, help COMMAND and presets NAME exit 0; an unknown command or preset exits 2", "[cli]") {
  CHECK(run_cli({"help"}) == 0);
  CHECK(run_cli({"help", "run"}) == 0);
  CHECK(run_cli({"help", "rn"}) == 2);
  CHECK(run_cli({"rn"}) == 2);
  CHECK(run_cli({"run", "--visit", "10"}) == 2);
  CHECK(run_cli({"presets"}) == 0);
  CHECK(run_cli({"presets", "smoke"}) == 0);
  CHECK(run_cli({"presets", "smok"}) == 2);
}

TEST_CASE("integer options are decimal: 010 is 10, hex is refused", "[cli]") {
  const auto transform = [](std::string text) {
    const std::string error = decimal_integer()(text);
    return error.empty() ? text : "error: " + error;
  };
  CHECK(transform("010") == "10");
  CHECK(transform("+7") == "7");
  CHECK(transform("0") == "0");
  CHECK(transform("000") == "0");
  CHECK(transform("0x10") == "error: expected a decimal integer, found \"0x10\"");
  CHECK(transform("-3") == "error: expected a decimal integer, found \"-3\"");
  CHECK(transform("") == "error: expected a decimal integer, found \"\"");
  CHECK(run_cli({"generate", "--visits", "0x10"}) == 2);
}
