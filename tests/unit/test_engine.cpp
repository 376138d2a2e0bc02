#include <catch2/catch.hpp>

#include "test_engine_support.hpp"

using namespace tf;
using namespace tf::engine;
using namespace tf::engine::testing;
using std::chrono::milliseconds;

TEST_CASE("steps of a flow are sent one at a time in order, each after its pause", "[engine]") {
  Harness h;
  auto source = simple_source(1, 3, Millis{2000});
  const RunResult r = h.run(base_config(), source);
  REQUIRE(r.reason == StopReason::arrivals_exhausted);
  REQUIRE(r.steps_acked == 3);
  REQUIRE(h.transport->sent.size() == 3);
  CHECK(h.transport->sent[0].url == "f0s0");
  CHECK(h.transport->sent[1].url == "f0s1");
  CHECK(h.transport->sent[2].url == "f0s2");
  // each step waits for the previous answer (10 ms) and then the pause (2 s)
  CHECK(h.transport->sent[1].at - h.transport->sent[0].at == Millis{2010});
  CHECK(h.transport->sent[2].at - h.transport->sent[1].at == Millis{2010});
  check_accounting(h.observer, 1, 3);
}

TEST_CASE("503 is retried after the backoff and 429 after its Retry-After", "[engine]") {
  Harness h;
  h.responder = [](const HttpRequest&, std::size_t call) {
    if (call == 0)
      return Answer{503};
    if (call == 1)
      return Answer{429, ErrorKind::none, Millis{10}, Millis{3000}};
    return Answer{};
  };
  auto source = simple_source(1, 1);
  const RunResult r = h.run(base_config(), source);
  REQUIRE(h.transport->sent.size() == 3);
  CHECK(h.transport->sent[1].at - h.transport->sent[0].at == Millis{510});
  CHECK(h.transport->sent[2].at - h.transport->sent[1].at == Millis{3010});
  REQUIRE(h.observer.steps.size() == 1);
  CHECK(h.observer.steps[0].outcome == StepOutcome::acked);
  CHECK(h.observer.steps[0].attempts == 3);
  CHECK(h.observer.retried == std::vector<bool>{true, true, false});
  CHECK(r.retries == 2);
  CHECK(r.requests == 3);
}

TEST_CASE("Retry-After longer than the cap waits only the cap", "[engine]") {
  Harness h;
  h.responder = [](const HttpRequest&, std::size_t call) {
    return call == 0 ? Answer{503, ErrorKind::none, Millis{10}, Millis{120000}} : Answer{};
  };
  auto source = simple_source(1, 1);
  auto config = base_config();
  config.retry.retry_after_cap = Millis{30000};
  h.run(config, source);
  REQUIRE(h.transport->sent.size() == 2);
  CHECK(h.transport->sent[1].at - h.transport->sent[0].at == Millis{30010});
}

TEST_CASE("backoff doubles per retry and gives up after max_retries", "[engine]") {
  Harness h;
  h.responder = [](const HttpRequest&, std::size_t) { return Answer{500}; };
  auto source = simple_source(1, 2);
  const RunResult r = h.run(base_config(), source);
  REQUIRE(h.transport->sent.size() == 3);
  CHECK(h.transport->sent[1].at - h.transport->sent[0].at == Millis{510});
  CHECK(h.transport->sent[2].at - h.transport->sent[1].at == Millis{1010});
  REQUIRE(h.observer.steps.size() == 2);
  CHECK(h.observer.steps[0].outcome == StepOutcome::failed);
  CHECK(h.observer.steps[0].reason == "http-500");
  CHECK(h.observer.steps[0].attempts == 3);
  CHECK(h.observer.steps[1].outcome == StepOutcome::not_sent);
  CHECK(h.observer.steps[1].reason == "previous-hit-failed");
  CHECK(r.steps_failed == 1);
  CHECK(r.steps_not_sent == 1);
  CHECK(r.retries == 2);
}

TEST_CASE("400 is rejected, not retried, and the rest of the visit is not sent", "[engine]") {
  Harness h;
  h.responder = [](const HttpRequest& req, std::size_t) { return req.url == "f0s1" ? Answer{400} : Answer{}; };
  auto source = simple_source(1, 4);
  h.run(base_config(), source);
  REQUIRE(h.transport->sent.size() == 2);
  REQUIRE(h.observer.steps.size() == 4);
  CHECK(h.observer.steps[0].outcome == StepOutcome::acked);
  CHECK(h.observer.steps[1].outcome == StepOutcome::rejected);
  CHECK(h.observer.steps[1].reason == "http-400");
  CHECK(h.observer.steps[2].outcome == StepOutcome::not_sent);
  CHECK(h.observer.steps[1].attempts == 1);
  CHECK(h.observer.steps[2].reason == "previous-hit-failed");
  CHECK(h.observer.steps[3].reason == "previous-hit-failed");
  CHECK(h.observer.retried == std::vector<bool>{false, false});
}

TEST_CASE("timeouts and resets before the request was sent are retried", "[engine]") {
  Harness h;
  h.responder = [](const HttpRequest&, std::size_t call) {
    if (call == 0)
      return Answer{0, ErrorKind::timeout};
    if (call == 1)
      return Answer{0, ErrorKind::reset};
    return Answer{};
  };
  auto source = simple_source(1, 1);
  h.run(base_config(), source);
  REQUIRE(h.observer.steps.size() == 1);
  CHECK(h.observer.steps[0].outcome == StepOutcome::acked);
  CHECK(h.observer.steps[0].attempts == 3);
}

TEST_CASE("the retry budget fails retries fast with reason retry-budget", "[engine]") {
  Harness h;
  h.responder = [](const HttpRequest&, std::size_t) { return Answer{503}; };
  auto source = simple_source(4, 1);
  auto config = base_config();
  config.retry.budget = 0.0;
  config.retry.budget_floor = 1;
  config.breaker.consecutive_failures = 100;
  h.run(config, source);
  REQUIRE(h.observer.steps.size() == 4);
  int budget = 0;
  for (const auto& s : h.observer.steps) {
    CHECK(s.outcome == StepOutcome::failed);
    budget += s.reason == "retry-budget" ? 1 : 0;
  }
  // one retry fits the floor; the other failures are refused at once
  CHECK(budget >= 3);
  CHECK(h.engine->stats().targets[0].budget_rejections >= 3);
}

TEST_CASE("the breaker opens after consecutive failures, holds steps, then half-opens and closes", "[engine]") {
  Harness h;
  h.responder = [](const HttpRequest&, std::size_t call) { return call < 3 ? Answer{503} : Answer{}; };
  auto source = simple_source(5, 1);
  auto config = base_config();
  config.retry.max_retries = 0;
  config.breaker.consecutive_failures = 3;
  config.breaker.open_for = Millis{5000};
  config.breaker.half_open_probes = 1;
  config.targets[0].max_in_flight = 1;
  h.run(config, source);
  const auto& o = h.observer;
  CHECK(o.count(StepOutcome::failed) == 3);
  CHECK(o.count(StepOutcome::acked) == 2);
  CHECK(o.logged("target 0: circuit closed -> open"));
  CHECK(o.logged("target 0: circuit open -> half-open"));
  CHECK(o.logged("target 0: circuit half-open -> closed"));
  REQUIRE(h.transport->sent.size() == 5);
  CHECK(h.transport->sent[3].at - h.transport->sent[2].at >= Millis{5000});
  const auto stats = h.engine->stats();
  CHECK(stats.targets[0].breaker_opens == 1);
  CHECK(stats.targets[0].breaker == BreakerState::closed);
  CHECK(stats.targets[0].time_open >= Millis{5000});
  CHECK_FALSE(h.engine->target_open(0));
  check_accounting(o, 5, 1);
}

TEST_CASE("a failed probe reopens the breaker and its step is retried, not dead-lettered", "[engine]") {
  Harness h;
  h.responder = [](const HttpRequest&, std::size_t call) { return call < 4 ? Answer{503} : Answer{}; };
  auto source = simple_source(1, 1);
  auto config = base_config();
  config.retry.max_retries = 5;
  config.retry.budget_floor = 10;
  config.breaker.consecutive_failures = 2;
  config.breaker.open_for = Millis{5000};
  h.run(config, source);
  REQUIRE(h.observer.steps.size() == 1);
  CHECK(h.observer.steps[0].outcome == StepOutcome::acked);
  CHECK(h.observer.steps[0].attempts == 5);
  CHECK(h.engine->stats().targets[0].breaker_opens == 3);  // calls 1, 2 and 3 each open it
}

TEST_CASE("CONCURRENCY caps flows in progress; waiting starts are counted and their lag measured", "[engine]") {
  Harness h;
  h.responder = [](const HttpRequest&, std::size_t) { return Answer{200, ErrorKind::none, Millis{1000}}; };
  auto source = simple_source(3, 1);
  auto config = base_config();
  config.arrivals_per_second = 1e6;
  config.max_flows_in_progress = 1;
  h.run(config, source);
  REQUIRE(h.observer.lags.size() == 3);
  CHECK(h.observer.lags[0] < Millis{1});
  CHECK(h.observer.lags[1] >= Millis{999});
  CHECK(h.observer.lags[2] >= Millis{1999});
  const auto stats = h.engine->stats();
  CHECK(stats.flows_waited == 2);
  CHECK(stats.start_lag.count() == 3);
  CHECK(stats.start_lag.max() >= 1'999'000);
}

TEST_CASE("flows with the same order key run one after another, in arrival order", "[engine]") {
  Harness h;
  FakeSource source(3, [](int i) {
    std::vector<std::unique_ptr<Flow>> flows;
    flows.push_back(std::make_unique<FakeFlow>(i, 2, Millis{100}, 7));
    return flows;
  });
  auto config = base_config();
  config.arrivals_per_second = 1e6;
  h.run(config, source);
  std::vector<std::string> urls;
  for (const auto& s : h.transport->sent) {
    urls.push_back(s.url);
  }
  CHECK(urls == std::vector<std::string>{"f0s0", "f0s1", "f1s0", "f1s1", "f2s0", "f2s1"});
}

TEST_CASE("arrivals are Poisson at the configured rate from the seed", "[engine]") {
  Harness h;
  auto source = simple_source(2000, 1);
  auto config = base_config();
  config.arrivals_per_second = 100.0;
  h.run(config, source);
  const auto& times = source.intended_times;
  REQUIRE(times.size() == 2000);
  const double span = std::chrono::duration<double>(times.back() - SteadyTime{}).count();
  CHECK(span == Approx(20.0).epsilon(0.1));
  Harness again;
  auto source2 = simple_source(2000, 1);
  again.run(config, source2);
  CHECK(source2.intended_times == times);
}

TEST_CASE("the bulkhead keeps a slow target from holding back a fast one", "[engine]") {
  Harness h;
  h.responder = [](const HttpRequest& req, std::size_t) {
    return req.url.rfind("slow", 0) == 0 ? Answer{200, ErrorKind::none, Millis{10000}} : Answer{};
  };
  struct TargetFlow final : Flow {
    TargetFlow(int id_, std::size_t target_) : id(id_), m_target(target_) {}
    std::size_t target() const override { return m_target; }
    std::uint64_t order_key() const override { return static_cast<std::uint64_t>(id); }
    std::size_t step_count() const override { return 1; }
    Millis pause_before(std::size_t) const override { return Millis{0}; }
    void build_request(std::size_t, SteadyTime, HttpRequest& out) override {
      out.url = fmt::format("{}{}", m_target == 0 ? "slow" : "fast", id);
    }
    void append_bulk_item(std::size_t, SteadyTime, std::string&) override {}
    int id;
    std::size_t m_target;
  };
  FakeSource source(20, [](int i) {
    std::vector<std::unique_ptr<Flow>> flows;
    flows.push_back(std::make_unique<TargetFlow>(i, static_cast<std::size_t>(i % 2)));
    return flows;
  });
  auto config = base_config();
  config.arrivals_per_second = 1e6;
  config.targets = {TargetLimits{2}, TargetLimits{64}};
  h.run(config, source);
  int slow_before_10s = 0;
  for (const auto& s : h.transport->sent) {
    if (s.url.rfind("fast", 0) == 0) {
      CHECK(s.at < Millis{1});  // never queued behind the slow target
    } else if (s.at < Millis{10000}) {
      ++slow_before_10s;
    }
  }
  CHECK(slow_before_10s == 2);  // the slow target never had more than 2 requests in flight
  CHECK(h.observer.count(StepOutcome::acked) == 20);
}

TEST_CASE("half-open lets only the configured number of probes through", "[engine]") {
  Harness h;
  h.responder = [](const HttpRequest&, std::size_t call) {
    return call < 2 ? Answer{503} : Answer{200, ErrorKind::none, Millis{1000}};
  };
  auto source = simple_source(6, 1);
  auto config = base_config();
  config.arrivals_per_second = 1e6;
  config.retry.max_retries = 0;
  config.breaker.consecutive_failures = 2;
  config.breaker.open_for = Millis{5000};
  config.breaker.half_open_probes = 2;
  config.targets[0].max_in_flight = 1;
  h.run(config, source);
  const auto& sent = h.transport->sent;
  REQUIRE(sent.size() == 6);
  // two probes one after another (bulkhead 1), then the breaker is closed for the rest
  CHECK(sent[2].at >= Millis{5000});
  CHECK(h.observer.logged("target 0: circuit half-open -> closed"));
  CHECK(h.observer.count(StepOutcome::acked) == 4);
  CHECK(h.observer.count(StepOutcome::failed) == 2);
}

TEST_CASE("a timeout after the request was sent is unconfirmed, not resent, and the rest of the visit not sent",
          "[engine]") {
  // Matomo may still be processing the timed-out hit: the next one (a ping) could reach it first.
  Harness h;
  h.responder = [](const HttpRequest& req, std::size_t) {
    Answer a = req.url == "f0s0" ? Answer{0, ErrorKind::timeout} : Answer{};
    a.request_sent = true;
    return a;
  };
  auto source = simple_source(1, 3);
  const RunResult r = h.run(base_config(), source);
  REQUIRE(h.transport->sent.size() == 1);
  REQUIRE(h.observer.steps.size() == 3);
  CHECK(h.observer.steps[0].outcome == StepOutcome::unconfirmed);
  CHECK(h.observer.steps[0].reason == "timeout");
  for (const std::size_t i : {std::size_t{1}, std::size_t{2}}) {
    CHECK(h.observer.steps[i].outcome == StepOutcome::not_sent);
    CHECK(h.observer.steps[i].reason == "previous-hit-unconfirmed");
  }
  CHECK(r.steps_unconfirmed == 1);
  CHECK(r.steps_not_sent == 2);
  CHECK(r.retries == 0);
}

TEST_CASE("retry_unconfirmed resends a maybe-recorded step and counts a possible duplicate", "[engine]") {
  Harness h;
  h.responder = [](const HttpRequest&, std::size_t call) {
    Answer a = call == 0 ? Answer{0, ErrorKind::reset} : Answer{};
    a.request_sent = true;
    return a;
  };
  auto source = simple_source(1, 1);
  auto config = base_config();
  config.retry.retry_unconfirmed = true;
  h.run(config, source);
  REQUIRE(h.transport->sent.size() == 2);
  REQUIRE(h.observer.attempts.size() == 2);
  CHECK(h.observer.attempts[1].retried == 1);
  CHECK(h.observer.attempts[1].possible_duplicates == 1);
  CHECK(h.observer.steps[0].outcome == StepOutcome::acked);
}

TEST_CASE("a step whose retries all fail after a maybe-recorded attempt ends unconfirmed", "[engine]") {
  Harness h;
  h.responder = [](const HttpRequest&, std::size_t call) {
    Answer a = call == 0 ? Answer{0, ErrorKind::timeout} : Answer{503};
    a.request_sent = call == 0;
    return a;
  };
  auto source = simple_source(1, 1);
  auto config = base_config();
  config.retry.retry_unconfirmed = true;
  h.run(config, source);
  REQUIRE(h.observer.steps.size() == 1);
  CHECK(h.observer.steps[0].outcome == StepOutcome::unconfirmed);
}

TEST_CASE("a redirect fails at once: not retried, never success", "[engine]") {
  Harness h;
  h.responder = [](const HttpRequest&, std::size_t) { return Answer{301}; };
  auto source = simple_source(1, 2);
  const RunResult r = h.run(base_config(), source);
  REQUIRE(h.transport->sent.size() == 1);
  CHECK(h.observer.attempts[0].error == ErrorKind::redirect);
  CHECK(h.observer.steps[0].outcome == StepOutcome::failed);
  CHECK(h.observer.steps[0].reason == "http-301");
  CHECK(r.steps_acked == 0);
}

TEST_CASE("a step in flight at a hard stop is unconfirmed, later steps not sent", "[engine]") {
  Harness h;
  h.responder = [](const HttpRequest&, std::size_t) { return Answer{200, ErrorKind::none, Millis{60000}}; };
  auto source = simple_source(1, 3);
  auto config = base_config();
  config.drain_timeout = Millis{100};
  config.duration = Millis{50};
  const RunResult r = h.run(config, source);
  CHECK(r.steps_unconfirmed == 1);
  CHECK(r.steps_not_sent == 2);
}

TEST_CASE("the server's reason reaches the step as its detail", "[engine]") {
  CHECK(answer_detail("<html><body><h1>Bad</h1> request:  token_auth=abc123 </body></html>") ==
        "Bad request: token_auth=***");
  CHECK(answer_detail("key 0123456789abcdef0123456789abcdef end") == "key *** end");
  CHECK(answer_detail(std::string(300, 'x')).size() == 200);
}

TEST_CASE("a request libcurl sent twice: success counts a possible duplicate, a refusal is unconfirmed", "[engine]") {
  Harness h;
  h.responder = [](const HttpRequest& req, std::size_t) {
    Answer a = req.url == "f0s0" ? Answer{} : Answer{400};  // e.g. a duplicate order refused
    a.resends = 1;
    return a;
  };
  auto source = simple_source(1, 3);
  const RunResult r = h.run(base_config(), source);
  REQUIRE(h.observer.steps.size() == 3);
  CHECK(h.observer.steps[0].outcome == StepOutcome::acked);
  CHECK(h.observer.attempts[0].possible_duplicates == 1);
  CHECK(h.observer.steps[1].outcome == StepOutcome::unconfirmed);  // the first send may be recorded
  CHECK(h.observer.steps[2].outcome == StepOutcome::not_sent);  // Matomo may be processing step 1
  CHECK(h.observer.steps[2].reason == "previous-hit-unconfirmed");
  CHECK(h.transport->sent.size() == 2);
  CHECK(r.steps_rejected == 0);
}
