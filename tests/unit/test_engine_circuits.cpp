// The circuit board (EngineConfig::circuits): made before the engine, written by its loops at
// breaker transitions, read by whoever routes the visits (routing's HealthView), on the fake clock.
#include <catch2/catch.hpp>

#include "engine/circuit_board.hpp"
#include "test_engine_support.hpp"

using namespace tf;
using namespace tf::engine;
using namespace tf::engine::testing;

TEST_CASE("a circuit board counts the loops whose circuit is not closed", "[engine]") {
  CircuitBoard board(2);
  CHECK_FALSE(board.open(0));
  board.set(0, true);  // loop A opens
  board.set(0, true);  // loop B opens
  board.set(0, false);  // loop A closes: B still open
  CHECK(board.open(0));
  CHECK_FALSE(board.open(1));
  board.set(0, false);
  CHECK_FALSE(board.open(0));
  CHECK_FALSE(board.open(7));  // out of range: never open
  board.set(7, true);
  CHECK_FALSE(board.open(7));
}

TEST_CASE("the engine writes its circuits to the board it was given, read during the run", "[engine]") {
  Harness h;
  h.responder = [](const HttpRequest&, std::size_t call) { return call < 2 ? Answer{503} : Answer{}; };
  auto board = std::make_shared<CircuitBoard>(1);
  std::vector<bool> seen;  // the board at each arrival, as a router reads it
  FakeSource source(40, [&](int i) {
    seen.push_back(board->open(0));
    std::vector<std::unique_ptr<Flow>> flows;
    flows.push_back(std::make_unique<FakeFlow>(i, 1, Millis{0}));
    return flows;
  });
  auto config = base_config();
  config.arrivals_per_second = 10.0;
  config.retry.max_retries = 0;
  config.breaker.consecutive_failures = 2;
  config.breaker.open_for = Millis{1000};
  config.breaker.half_open_probes = 1;
  config.circuits = board;
  h.run(config, source);
  REQUIRE(h.observer.logged("target 0: circuit closed -> open"));
  REQUIRE(h.observer.logged("target 0: circuit half-open -> closed"));
  REQUIRE(seen.size() == 40);
  CHECK_FALSE(seen.front());
  CHECK(std::count(seen.begin(), seen.end(), true) >= 3);  // about 1 s of arrivals at 10/s
  CHECK_FALSE(seen.back());
  CHECK_FALSE(board->open(0));
  CHECK_FALSE(h.engine->target_open(0));
}

TEST_CASE("an engine that ends with a circuit open withdraws it from the board when destroyed", "[engine]") {
  Harness h;
  h.responder = [](const HttpRequest&, std::size_t) { return Answer{503}; };
  auto board = std::make_shared<CircuitBoard>(1);
  auto source = simple_source(3, 1);
  auto config = base_config();
  config.retry.max_retries = 0;
  config.breaker.consecutive_failures = 1;
  config.breaker.open_for = Millis{60'000};
  config.drain_timeout = Millis{100};
  config.circuits = board;
  h.run(config, source);
  CHECK(board->open(0));
  CHECK(h.engine->target_open(0));
  h.engine.reset();
  CHECK_FALSE(board->open(0));  // a board may outlive its engine (one per step of find-capacity)
}

TEST_CASE("a board of another size than the engine's targets is refused", "[engine]") {
  Harness h;
  auto source = simple_source(1, 1);
  auto config = base_config();
  config.circuits = std::make_shared<CircuitBoard>(3);
  CHECK_THROWS_WITH(h.run(config, source), "the circuit board has 3 targets, the engine 1");
}
