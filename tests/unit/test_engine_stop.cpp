#include <catch2/catch.hpp>

#include "engine/breaker.hpp"
#include "engine/retry.hpp"
#include "test_engine_support.hpp"

using namespace tf;
using namespace tf::engine;
using namespace tf::engine::testing;

TEST_CASE("a stop drains flows in progress, then abandons their unsent steps", "[engine]") {
  Harness h;
  auto source = simple_source(1000, 3, Millis{10000});
  auto config = base_config();
  config.arrivals_per_second = 1.0;
  config.max_flows_in_progress = 1;
  config.drain_timeout = Millis{15000};
  h.observer.after_step = [&h](const StepEvent& e) {
    if (e.flow == 3 && e.step == 0) {
      h.engine->request_stop();
    }
  };
  const RunResult r = h.run(config, source);
  CHECK(r.reason == StopReason::stop_requested);
  const auto& o = h.observer;
  // flow 3 sent step 0, then step 1 after 10 s within the drain; step 2 (due at 20 s, after the
  // 15 s drain timeout) was cut as soon as step 1 was acked
  std::map<std::string, int> reasons;
  for (const auto& s : o.steps) {
    if (s.outcome == StepOutcome::not_sent || s.outcome == StepOutcome::unconfirmed) {
      ++reasons[s.reason];
    }
  }
  CHECK(reasons["drain-timeout"] == 1);
  CHECK(reasons["not-started"] > 0);
  CHECK(o.logged("stop requested: no new visits"));
  CHECK(r.steps_acked + r.steps_rejected + r.steps_failed + r.steps_unconfirmed + r.steps_not_sent == r.flows * 3);
  CHECK(static_cast<long long>(o.done.size()) == r.flows);
}

TEST_CASE("the drain ends at once when no hit can be sent before the drain timeout", "[engine]") {
  // one visit of 3 pageviews 60 s apart; the stop comes after its first hit: the next is due
  // 60 s later, after the 10 s drain timeout, so waiting out the drain would send nothing
  Harness h;
  auto source = simple_source(1, 3, Millis{60000});
  auto config = base_config();
  config.arrivals_per_second = 1.0;
  config.drain_timeout = Millis{10000};
  SteadyTime stopped_at{};
  h.observer.after_step = [&h, &stopped_at](const StepEvent& e) {
    if (e.flow == 0 && e.step == 0) {
      stopped_at = h.clock.steady_now();
      h.engine->request_stop();
    }
  };
  const RunResult r = h.run(config, source);
  CHECK(r.reason == StopReason::stop_requested);
  CHECK(h.clock.steady_now() - stopped_at < Millis{1000});
  CHECK(h.observer.logged("drain: no request in flight and no hit due before the drain timeout; stopping now"));
  CHECK(r.steps_acked == 1);
  CHECK(r.steps_not_sent == 2);
  int cut = 0;
  for (const auto& step : h.observer.steps) {
    cut += step.outcome == StepOutcome::not_sent && step.reason == "drain-timeout" ? 1 : 0;
  }
  CHECK(cut == 2);
}

TEST_CASE("a hit due within the drain timeout is still sent before the drain ends", "[engine]") {
  Harness h;
  auto source = simple_source(1, 2, Millis{5000});
  auto config = base_config();
  config.arrivals_per_second = 1.0;
  config.drain_timeout = Millis{10000};
  h.observer.after_step = [&h](const StepEvent& e) {
    if (e.flow == 0 && e.step == 0) {
      h.engine->request_stop();
    }
  };
  const RunResult r = h.run(config, source);
  CHECK(r.steps_acked == 2);
  CHECK(r.steps_not_sent == 0);
  CHECK_FALSE(h.observer.logged("drain: no request in flight and no hit due before the drain timeout; stopping now"));
}

TEST_CASE("a stop cuts a waiting visit together with the visitor's visits queued behind it", "[engine]") {
  // flow 0 (visitor A) runs 20 s; flow 1 (visitor B) waits for CONCURRENCY 1, and flow 2 (B
  // again) waits behind flow 1. The stop at 10 s cuts both at once: the drain ends with flow 0,
  // not at the drain timeout.
  Harness h;
  FakeSource source(3, [](int i) {
    std::vector<std::unique_ptr<Flow>> flows;
    if (i == 0) {
      flows.push_back(std::make_unique<FakeFlow>(i, 3, Millis{10000}, 1));
    } else {
      flows.push_back(std::make_unique<FakeFlow>(i, 1, Millis{0}, 2));
    }
    return flows;
  });
  auto config = base_config();
  config.arrivals_per_second = 10.0;
  config.max_flows_in_progress = 1;
  config.drain_timeout = Millis{60000};
  h.observer.after_step = [&h](const StepEvent& e) {
    if (e.flow == 0 && e.step == 1) {
      h.engine->request_stop();
    }
  };
  const SteadyTime start = h.clock.steady_now();
  const RunResult r = h.run(config, source);
  CHECK(h.clock.steady_now() - start < Millis{30000});
  int not_started = 0;
  for (const auto& step : h.observer.steps) {
    not_started += step.outcome == StepOutcome::not_sent && step.reason == "not-started" ? 1 : 0;
  }
  CHECK(not_started == 2);
  CHECK(r.steps_acked == 3);
  CHECK(static_cast<long long>(h.observer.done.size()) == r.flows);
}

TEST_CASE("an immediate stop ends every step not yet acked unconfirmed or not sent", "[engine]") {
  Harness h;
  auto source = simple_source(10, 2, Millis{1000});
  h.observer.after_step = [&h](const StepEvent& e) {
    if (e.flow == 1 && e.step == 0) {
      h.engine->request_immediate_stop();
    }
  };
  const RunResult r = h.run(base_config(), source);
  CHECK(r.reason == StopReason::immediate_stop);
  CHECK(r.steps_acked + r.steps_unconfirmed + r.steps_not_sent == r.flows * 2);
  CHECK(r.steps_not_sent > 0);
}

TEST_CASE("the duration stops arrivals and the drain lets flows finish", "[engine]") {
  Harness h;
  auto source = simple_source(1'000'000, 2, Millis{500});
  auto config = base_config();
  config.arrivals_per_second = 10.0;
  config.duration = Millis{10000};
  const RunResult r = h.run(config, source);
  CHECK(r.reason == StopReason::duration);
  CHECK(r.arrivals == Approx(100).margin(35));
  CHECK(r.steps_not_sent + r.steps_unconfirmed == 0);
  CHECK(r.steps_acked == r.flows * 2);
}

TEST_CASE("a duration stop with no visit in progress says nothing about cutting a drain", "[engine]") {
  // one visit of one hit, long done when the 10 s duration ends the run
  Harness h;
  auto source = simple_source(1'000'000, 1, Millis{0});
  auto config = base_config();
  config.arrivals_per_second = 0.01;
  config.duration = Millis{10000};
  const RunResult r = h.run(config, source);
  CHECK(r.reason == StopReason::duration);
  CHECK(r.steps_not_sent == 0);
  CHECK_FALSE(h.observer.logged("drain: no request in flight"));
}

TEST_CASE("max_arrivals stops after that many arrivals and delivers them all", "[engine]") {
  Harness h;
  auto source = simple_source(1000, 2, Millis{60000});
  auto config = base_config();
  config.max_arrivals = 5;
  config.drain_timeout = Millis{1};
  const RunResult r = h.run(config, source);
  CHECK(r.reason == StopReason::max_arrivals);
  CHECK(r.arrivals == 5);
  CHECK(r.steps_acked == 10);
}

TEST_CASE("the rolling 24 h cap pauses arrivals and resumes them a day later", "[engine]") {
  Harness h;
  auto source = simple_source(3, 1);
  auto config = base_config();
  config.arrivals_per_second = 1.0;
  config.rolling_cap_per_day = 2;
  const RunResult r = h.run(config, source);
  CHECK(r.arrivals == 3);
  REQUIRE(source.intended_times.size() == 3);
  CHECK(source.intended_times[2] - source.intended_times[0] >= std::chrono::hours{24});
  CHECK(h.observer.logged("arrivals paused: 2 visits in the last 24 h reached the cap"));
  CHECK(h.observer.logged("arrivals resumed"));
}

TEST_CASE("bulk mode packs steps of several flows into one request; items not counted are unconfirmed", "[engine]") {
  struct JoinCodec final : BatchCodec {
    void build_batch(std::size_t, const std::vector<BatchItem>& items, SteadyTime now, HttpRequest& out) override {
      join_items(items, now, out.body);
      out.post = true;
    }
    bool read_answer(std::size_t, AttemptResult& r, std::size_t items, std::vector<StepOutcome>& out) override {
      const std::size_t tracked = r.body.empty() ? items : std::stoul(r.body);
      out.assign(items, StepOutcome::unconfirmed);
      std::fill_n(out.begin(), tracked, StepOutcome::acked);
      return true;
    }
  } codec;
  Harness h;
  h.responder = [](const HttpRequest&, std::size_t call) {
    Answer a;
    a.body = call == 0 ? "2" : "";
    return a;
  };
  auto source = simple_source(3, 2);
  auto config = base_config();
  config.arrivals_per_second = 1e6;
  config.bulk = 3;
  const RunResult r = h.run(config, source, &codec);
  REQUIRE(h.transport->sent.size() >= 2);
  CHECK(h.transport->sent[0].body == "f0s0,f1s0,f2s0");
  CHECK(h.observer.attempts[0].error == ErrorKind::other);
  CHECK(h.observer.attempts[0].error_text == "bulk answer: 2 of 3 tracked, 0 invalid");
  CHECK_FALSE(h.observer.retried[0]);
  CHECK(r.steps_acked == 5);
  CHECK(r.steps_unconfirmed == 1);  // never resent blindly; its visit goes on
  for (const auto& s : h.observer.steps) {
    CHECK(s.attempts == 1);
  }
}

TEST_CASE("a bulk batch is flushed after the linger when not full", "[engine]") {
  struct CountCodec final : BatchCodec {
    void build_batch(std::size_t, const std::vector<BatchItem>& items, SteadyTime, HttpRequest& out) override {
      out.body = std::to_string(items.size());
    }
    bool read_answer(std::size_t, AttemptResult&, std::size_t items, std::vector<StepOutcome>& out) override {
      out.assign(items, StepOutcome::acked);
      return true;
    }
  } codec;
  Harness h;
  auto source = simple_source(2, 1);
  auto config = base_config();
  config.arrivals_per_second = 1e6;
  config.bulk = 100;
  config.bulk_linger = Millis{50};
  h.run(config, source, &codec);
  REQUIRE(h.transport->sent.size() == 1);
  CHECK(h.transport->sent[0].body == "2");
  CHECK(h.transport->sent[0].at == Millis{50});
}

TEST_CASE("breaker failures are transport errors, 408, 429 and 5xx; other 4xx are not", "[engine]") {
  AttemptResult r;
  r.error = ErrorKind::http_4xx;
  r.status = 404;
  CHECK_FALSE(is_failure(r));
  CHECK_FALSE(is_retryable(r));
  r.status = 429;
  CHECK(is_retryable(r));
  r.status = 408;
  CHECK(is_retryable(r));
  r.error = ErrorKind::connect;
  r.status = 0;
  CHECK(is_failure(r));
}

TEST_CASE("curl results are classified into error kinds", "[engine]") {
  CHECK(classify(0, 200) == ErrorKind::none);
  CHECK(classify(0, 404) == ErrorKind::http_4xx);
  CHECK(classify(0, 502) == ErrorKind::http_5xx);
  CHECK(classify(28, 0) == ErrorKind::timeout);  // CURLE_OPERATION_TIMEDOUT
  CHECK(classify(7, 0) == ErrorKind::connect);  // CURLE_COULDNT_CONNECT
  CHECK(classify(6, 0) == ErrorKind::dns);  // CURLE_COULDNT_RESOLVE_HOST
  CHECK(classify(35, 0) == ErrorKind::tls);  // CURLE_SSL_CONNECT_ERROR
  CHECK(classify(52, 0) == ErrorKind::reset);  // CURLE_GOT_NOTHING
  CHECK(classify(56, 0) == ErrorKind::reset);  // CURLE_RECV_ERROR
}

TEST_CASE("a failed bulk request resends all its items in a later batch", "[engine]") {
  struct CountCodec final : BatchCodec {
    void build_batch(std::size_t, const std::vector<BatchItem>& items, SteadyTime now, HttpRequest& out) override {
      join_items(items, now, out.body);
    }
    bool read_answer(std::size_t, AttemptResult& r, std::size_t items, std::vector<StepOutcome>& out) override {
      if (r.error != ErrorKind::none) {
        return false;  // no counts: the retry policy decides by the status
      }
      out.assign(items, StepOutcome::acked);
      return true;
    }
  } codec;
  Harness h;
  h.responder = [](const HttpRequest&, std::size_t call) { return call == 0 ? Answer{503} : Answer{}; };
  auto source = simple_source(2, 1);
  auto config = base_config();
  config.arrivals_per_second = 1e6;
  config.bulk = 2;
  const RunResult r = h.run(config, source, &codec);
  REQUIRE(h.transport->sent.size() == 2);
  CHECK(h.transport->sent[0].body == "f0s0,f1s0");
  CHECK(h.transport->sent[1].body == "f0s0,f1s0");
  CHECK(r.steps_acked == 2);
  CHECK(r.retries == 2);
  for (const auto& s : h.observer.steps) {
    CHECK(s.attempts == 2);
  }
}

TEST_CASE("a bulk batch that is all invalid counts against the breaker and rejects every item", "[engine]") {
  struct InvalidCodec final : BatchCodec {
    void build_batch(std::size_t, const std::vector<BatchItem>& items, SteadyTime now, HttpRequest& out) override {
      join_items(items, now, out.body);
    }
    bool read_answer(std::size_t, AttemptResult& r, std::size_t items, std::vector<StepOutcome>& out) override {
      out.assign(items, StepOutcome::rejected);
      r.unidentified_rejections = items;
      return true;
    }
  } codec;
  Harness h;
  auto source = simple_source(4, 2);
  auto config = base_config();
  config.arrivals_per_second = 1e6;
  config.bulk = 2;
  config.breaker.consecutive_failures = 1;
  const RunResult r = h.run(config, source, &codec);
  CHECK(r.steps_acked == 0);
  CHECK(r.steps_rejected >= 2);
  CHECK(r.steps_rejected + r.steps_not_sent == 8);
  CHECK(h.observer.attempts[0].error == ErrorKind::bulk_invalid);
  CHECK(h.observer.logged("target 0: circuit closed -> open"));
  CHECK(h.observer.steps[0].reason == "bulk-invalid");
}
