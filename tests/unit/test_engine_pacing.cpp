// One pacing and stop path: the pool paces exactly as one thread does, on a FakeClock.
#include <catch2/catch.hpp>

#include "test_engine_lockstep.hpp"

using namespace tf;
using namespace tf::engine;
using namespace tf::engine::testing;

namespace {

struct PacedRun {
  RunResult result;
  std::vector<SteadyTime> intended;
  long long sent = 0;
  SteadyTime ended{};
};

/// Runs `threads` loops on one FakeClock: 100 visits/s of 2 hits 50 ms apart, answered in 10 ms,
/// until the duration.
PacedRun paced_run(int threads, EngineConfig config) {
  FakeClock clock;
  SharedFakeTime time(clock, threads);
  config.threads = threads;
  FakeSource source = simple_source(1'000'000, 2, Millis{50});
  RecordingObserver observer;
  Engine engine(config, source, observer, nullptr, clock,
                [&time](const EngineConfig&) { return std::make_unique<LockstepTransport>(time, Millis{10}); });
  PacedRun run;
  run.result = engine.run();
  run.intended = source.intended_times;
  run.sent = time.sent();
  run.ended = clock.steady_now();
  return run;
}

EngineConfig hundred_per_second() {
  EngineConfig c = base_config();
  c.arrivals_per_second = 100.0;
  c.duration = Millis{10'000};
  return c;
}

}  // namespace

TEST_CASE("threads: two loops on a FakeClock pace the arrivals of one thread and stop by duration",
          "[engine][threads]") {
  const PacedRun one = paced_run(1, hundred_per_second());
  const PacedRun two = paced_run(2, hundred_per_second());
  CHECK(two.result.reason == StopReason::duration);
  CHECK(one.result.reason == StopReason::duration);
  // the same Poisson arrivals, at the same intended times, in both modes
  REQUIRE(two.intended == one.intended);
  CHECK(two.result.arrivals == one.result.arrivals);
  CHECK(one.result.arrivals > 900);
  CHECK(one.result.arrivals < 1100);
  CHECK(two.intended.back() < SteadyTime{} + Millis{10'000});
  // every visit started before the deadline is delivered in full (the drain), nothing is lost
  CHECK(two.result.flows == two.result.arrivals);
  CHECK(two.result.steps_acked == 2 * two.result.flows);
  CHECK(two.result.steps_not_sent == 0);
  CHECK(two.sent == 2 * two.result.flows);
  // it ends when the last visit's second hit is answered: ≤ 10 s + pause + 2 answers
  CHECK(two.ended >= SteadyTime{} + Millis{10'000});
  CHECK(two.ended <= SteadyTime{} + Millis{10'000 + 10 + 50 + 10});
}

TEST_CASE("threads: the arrival limit and a load shape stop the pool's pacing loop on a FakeClock",
          "[engine][threads]") {
  EngineConfig capped = hundred_per_second();
  capped.max_arrivals = 250;
  const PacedRun max = paced_run(2, capped);
  CHECK(max.result.reason == StopReason::max_arrivals);
  CHECK(max.result.arrivals == 250);
  CHECK(max.result.steps_acked == 500);

  EngineConfig shaped = hundred_per_second();
  shaped.duration.reset();
  shaped.shape = std::make_shared<Stages>(std::vector<Stage>{{2.0, 200.0}, {3.0, 200.0}, {1.0, 0.0}});
  const PacedRun staged = paced_run(2, shaped);
  CHECK(staged.result.reason == StopReason::duration);  // the stages' end
  CHECK(staged.intended.back() < SteadyTime{} + Millis{6'000});
  CHECK(staged.intended == paced_run(1, shaped).intended);
  CHECK(staged.result.steps_acked == 2 * staged.result.arrivals);
}
