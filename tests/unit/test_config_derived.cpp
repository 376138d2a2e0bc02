#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "config/derived.hpp"
#include "config/loader.hpp"

using namespace tf::config;

namespace {

LoadRequest bare_request(std::vector<FlagValue> flags, std::map<std::string, std::string> environment = {}) {
  LoadRequest r;
  r.flags = std::move(flags);
  r.environment = std::move(environment);
  r.today = date::sys_days{date::year{2026} / 6 / 15};
  return r;
}

Settings load_bare(std::vector<FlagValue> flags, std::map<std::string, std::string> environment = {}) {
  Loader loader(bare_request(std::move(flags), std::move(environment)));
  return loader.load();
}

}  // namespace

TEST_CASE("BULK without CONCURRENCY sizes CONCURRENCY and MAX_IN_FLIGHT by a rule with its origin", "[config]") {
  const Settings s = load_bare({{"BULK", "100", "--bulk"}});
  CHECK(s.concurrency == 500);
  CHECK(s.max_in_flight == 50);
  CHECK(describe(s.origins.at("CONCURRENCY")) == "rule: 5 x BULK, to fill batches");
  CHECK(s.origins.at("MAX_IN_FLIGHT").layer == Layer::rule);
  CHECK_FALSE(set_by_user(s, "CONCURRENCY"));
}

TEST_CASE("a CONCURRENCY set by the user is kept, and one warning gives the numbers when it cannot fill a batch",
          "[config]") {
  Loader loader(bare_request({{"BULK", "100", "--bulk"}, {"CONCURRENCY", "20", "--concurrency"}}));
  const Settings s = loader.load();
  CHECK(s.concurrency == 20);
  REQUIRE(loader.diagnostics().warning_count() == 2);  // + cip without a token
  bool found = false;
  for (const auto& d : loader.diagnostics().items()) {
    if (d.key == "CONCURRENCY") {
      found = true;
      CHECK(d.file == "--concurrency");
      CHECK(d.message.find("20 visits in progress cannot fill a batch of BULK 100") == 0);
      CHECK(d.message.find("500 or more") != std::string::npos);
    }
  }
  CHECK(found);
}

TEST_CASE("a backfill gets BULK 100 by a rule unless BULK is set", "[config]") {
  const std::vector<FlagValue> backfill = {{"BACKFILL_ENABLED", "true", "--backfill"},
                                           {"BACKFILL_START_DATE", "2026-06-01", "--backfill"},
                                           {"BACKFILL_END_DATE", "2026-06-02", "--backfill"},
                                           {"MATOMO_TOKEN_AUTH", "t", "--x"}};
  const Settings s = load_bare(backfill);
  CHECK(s.bulk == 100);
  CHECK(describe(s.origins.at("BULK")) == "rule: backfill sends 100 hits per POST");
  CHECK(s.concurrency == 500);
  auto with_bulk = backfill;
  with_bulk.push_back({"BULK", "0", "--bulk"});
  const Settings single = load_bare(with_bulk);
  CHECK(single.bulk == 0);
  CHECK(single.origins.count("CONCURRENCY") == 0);
}

TEST_CASE("MATOMO_TOKEN_AUTH_FILE sets the token from a file at its own layer, with its own origin", "[config]") {
  const auto path = (std::filesystem::temp_directory_path() / ("tf_test_token_" + std::to_string(::getpid()))).string();
  std::ofstream(path) << "  secret123\n";
  const Settings flag = load_bare({{"MATOMO_TOKEN_AUTH_FILE", path, "--token-file"}});
  CHECK(flag.matomo_token_auth == "secret123");
  CHECK(describe(flag.origins.at("MATOMO_TOKEN_AUTH")) == "--token-file " + path);
  const Settings env = load_bare({}, {{"MATOMO_TOKEN_AUTH_FILE", path}});
  CHECK(env.matomo_token_auth == "secret123");
  CHECK(describe(env.origins.at("MATOMO_TOKEN_AUTH")) == "environment (MATOMO_TOKEN_AUTH_FILE " + path + ")");
  std::ofstream(path) << " \n";
  Loader empty(bare_request({{"MATOMO_TOKEN_AUTH_FILE", path, "--token-file"}}));
  empty.load();
  REQUIRE(empty.diagnostics().has_errors());
  CHECK(format(empty.diagnostics().items().front()) ==
        "--token-file: error: MATOMO_TOKEN_AUTH_FILE: expected a token in " + path + ", found an empty file");
  std::filesystem::remove(path);
}

TEST_CASE("the rate flag replaces a preset's TARGET_VISITS_PER_DAY and conflicts with the user's own", "[config]") {
  FlagValue rate{"TARGET_VISITS_PER_DAY", "172800", "--rate"};
  rate.alternative = true;
  LoadRequest with_preset = bare_request({rate});
  with_preset.preset = "medium";
  Loader ok(with_preset);
  CHECK(ok.load().target_visits_per_day == 172800);
  CHECK_FALSE(ok.diagnostics().has_errors());
  Loader conflict(bare_request({rate}, {{"TARGET_VISITS_PER_DAY", "5"}}));
  conflict.load();
  REQUIRE(conflict.diagnostics().error_count() == 1);
  CHECK(format(conflict.diagnostics().items().front()) ==
        "--rate: error: TARGET_VISITS_PER_DAY: expected either --rate or TARGET_VISITS_PER_DAY, found both "
        "(TARGET_VISITS_PER_DAY from environment)");
}
