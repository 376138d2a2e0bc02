// Load shapes: stages, their parse and the thinned Poisson arrivals they drive.
#include <catch2/catch.hpp>

#include "engine/arrivals.hpp"
#include "engine/load_shape.hpp"

using namespace tf;
using namespace tf::engine;

namespace {

/// Arrivals of `config`'s schedule whose time since the start falls in [from, to) seconds.
std::vector<long long> counts_per_second(const EngineConfig& config, double seconds) {
  ArrivalSchedule schedule(config, SteadyTime{}, config.seed);
  std::vector<long long> counts(static_cast<std::size_t>(seconds), 0);
  while (true) {
    const double at = std::chrono::duration<double>(schedule.next() - SteadyTime{}).count();
    if (at >= seconds) {
      break;
    }
    ++counts[static_cast<std::size_t>(at)];
    schedule.taken();
  }
  return counts;
}

long long sum(const std::vector<long long>& v, std::size_t from, std::size_t to) {
  long long n = 0;
  for (std::size_t i = from; i < to; ++i) {
    n += v[i];
  }
  return n;
}

}  // namespace

TEST_CASE("stages: a linear ramp to each target, then nothing", "[engine][shapes]") {
  const Stages s({{10.0, 100.0}, {20.0, 100.0}, {10.0, 0.0}});
  CHECK(s.rate(0.0) == Approx(0.0));
  CHECK(s.rate(5.0) == Approx(50.0));
  CHECK(s.rate(15.0) == Approx(100.0));
  CHECK(s.rate(35.0) == Approx(50.0));
  CHECK(s.rate(40.0) == Approx(0.0));
  CHECK(s.peak() == Approx(100.0));
  CHECK(*s.end() == Approx(40.0));
  CHECK(s.stage_at(12.0) == 1);
  CHECK(s.expected(0) == Approx(500.0));
  CHECK(s.expected(1) == Approx(2000.0));
  CHECK(s.describe(1) == "20s:100");
  const Stages jump({{0.0, 50.0}, {10.0, 50.0}});
  CHECK(jump.rate(0.0) == Approx(50.0));
}

TEST_CASE("stages: the thinned Poisson process follows the ramps and the flat parts", "[engine][shapes]") {
  EngineConfig config;
  config.seed = 7;
  config.shape = std::make_shared<Stages>(std::vector<Stage>{{10.0, 2000.0}, {10.0, 2000.0}, {10.0, 500.0}});
  const auto counts = counts_per_second(config, 40.0);
  CHECK(sum(counts, 0, 10) == Approx(10'000).epsilon(0.03));  // the ramp 0 → 2000: its mean 1000/s
  CHECK(sum(counts, 10, 20) == Approx(20'000).epsilon(0.03));  // flat
  CHECK(sum(counts, 20, 30) == Approx(12'500).epsilon(0.03));  // 2000 → 500
  CHECK(sum(counts, 30, 40) == 0);  // past the end
  CHECK(counts[1] < counts[8]);  // it ramps
}

TEST_CASE("stages: the flat rate without a shape draws what it always drew", "[engine][shapes]") {
  EngineConfig flat;
  flat.seed = 7;
  flat.arrivals_per_second = 50.0;
  EngineConfig shaped = flat;
  shaped.shape = std::make_shared<Stages>(std::vector<Stage>{{0.0, 50.0}, {100.0, 50.0}});
  // a constant shape keeps every candidate, but thinning draws a uniform per candidate
  const auto a = counts_per_second(flat, 20.0);
  CHECK(sum(a, 0, 20) == Approx(1000).epsilon(0.1));
  const auto b = counts_per_second(shaped, 20.0);
  CHECK(sum(b, 0, 20) == Approx(1000).epsilon(0.1));
}

TEST_CASE("stages: the parse names the stage, what it expected and what it found", "[engine][shapes]") {
  std::string error;
  const auto ok = parse_stages("30s:10, 5m:100,30s:0", error);
  REQUIRE(ok);
  REQUIRE(ok->size() == 3);
  CHECK((*ok)[1].seconds == Approx(300.0));
  CHECK((*ok)[1].target == Approx(100.0));
  CHECK_FALSE(parse_stages("30s:10,5m", error));
  CHECK(error == "stage 2: expected DURATION:RATE (e.g. 30s:10), found \"5m\"");
  CHECK_FALSE(parse_stages("30x:10", error));
  CHECK(error.find("stage 1: expected a duration") == 0);
  CHECK_FALSE(parse_stages("30s:-1", error));
  CHECK(error.find("stage 1: expected a rate in visits/s") == 0);
  CHECK_FALSE(parse_stages("30s:0", error));
  CHECK(error.find("expected a stage with a rate above 0") == 0);
  CHECK_FALSE(parse_stages("0s:10", error));
  CHECK(error.find("expected stages lasting more than 0s") == 0);
  CHECK_FALSE(parse_stages("", error));
}

TEST_CASE("even arrivals come exactly 1/rate apart, each second the rate", "[engine]") {
  EngineConfig config;
  config.arrivals_per_second = 40;
  config.even_arrivals = true;
  const auto counts = counts_per_second(config, 10);
  CHECK(sum(counts, 0, 10) >= 399);
  CHECK(sum(counts, 0, 10) <= 400);
  for (std::size_t s = 1; s < 10; ++s) {
    CHECK(counts[s] >= 39);
    CHECK(counts[s] <= 41);
  }
}
