// Golden file for the generate NDJSON of a small fixed-seed run: visits 0–5 of seed 7, default
// settings, the built-in URL catalogue, one funnel, a target with a token (shown as "***"),
// anchored like `trafficinator generate` (2026-01-01T00:00:00Z + arrival), TIMEZONE=CET.
//
// Update procedure, when a change of the model or the encoding is intended:
//   TF_UPDATE_GOLDEN=1 build/<dir>/tests/tf_test_matomo "[golden]"
// then review `git diff tests/data/golden/` line by line before committing the new file.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <date/tz.h>

#include "config/catalogue.hpp"
#include "matomo/checks.hpp"
#include "matomo/encode.hpp"
#include "matomo/wire.hpp"
#include "model/generator.hpp"

namespace {

constexpr std::int64_t k_epoch_ms = 1'767'225'600'000;  // as app::k_generate_epoch_ms
const std::string k_golden = std::string(TF_TEST_DATA_DIR) + "/golden/generate_seed7.ndjson";

tf::config::Funnel signup_funnel() {
  tf::config::Funnel funnel;
  funnel.name = "Signup";
  funnel.probability = 0.5;
  funnel.exit_after_completion = false;
  tf::config::FunnelStep landing;
  landing.url = "/signup";
  landing.action_name = "Sign up";
  landing.delay_seconds_min = 5;
  landing.delay_seconds_max = 30;
  tf::config::FunnelStep goal;
  goal.type = tf::config::StepType::goal;
  goal.goal_id = 1;
  goal.goal_revenue = 9.99;
  funnel.steps = {landing, goal};
  return funnel;
}

std::string generate_ndjson() {
  tf::config::Settings settings;
  settings.timezone = "CET";
  tf::model::VisitGenerator generator(settings, tf::config::builtin_catalogue(), {signup_funnel()}, 7);
  tf::matomo::EncodeContext ctx;
  ctx.site_id = 1;
  ctx.has_token = true;
  ctx.time_zone = date::locate_zone(settings.timezone);
  std::string out;
  tf::matomo::Params params;
  for (std::uint64_t i = 0; i < 6; ++i) {
    const auto visit = generator.build(i);
    ctx.anchor_ms = k_epoch_ms + visit.arrival_ms;
    for (std::size_t k = 0; k < visit.hits.size(); ++k) {
      tf::matomo::encode_hit(visit, k, ctx, params);
      out += tf::matomo::hit_record(i, k, visit.hits[k].offset_ms, "default", params, "***");
      out += '\n';
    }
  }
  return out;
}

}  // namespace

TEST_CASE("the generate output of a fixed-seed run matches the golden file", "[matomo][golden]") {
  const std::string actual = generate_ndjson();
  if (std::getenv("TF_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(k_golden, std::ios::binary) << actual;
  }
  std::ifstream file(k_golden, std::ios::binary);
  REQUIRE(file.good());
  std::stringstream expected;
  expected << file.rdbuf();
  CHECK(actual == expected.str());
}
