// Issue 16, time: realtime hits are dated by model/timing.hpp through VisitFlow. A small
// discrete-event model of the engine (a visitor's visits one after another, hits one at a time
// after an answer and the real pause, visits arriving at --speed) drives 100,000 visits with
// returning visitors on a FakeClock, and checks every hit's date per visitor.
#include <catch2/catch.hpp>

#include <memory>
#include <queue>
#include <random>
#include <unordered_map>
#include <vector>

#include "config/catalogue.hpp"
#include "delivery/visit_flow.hpp"
#include "model/generator.hpp"
#include "model/timing.hpp"
#include "util/clock.hpp"

namespace {

using namespace tf;

std::int64_t unix_us(SysTime t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

struct Event {
  std::int64_t at_us;
  std::uint64_t seq;
  std::size_t flow;
  std::size_t step;
  bool operator>(const Event& other) const { return at_us != other.at_us ? at_us > other.at_us : seq > other.seq; }
};

struct Result {
  std::uint64_t hits = 0, returning_visits = 0, not_later = 0, future = 0, before_start = 0, clipped = 0;
};

/// Sends `visits` visits at `speed` with real pauses of at most `pause_max_s` and answers in 1 µs - 2 ms.
Result simulate(std::uint64_t visits, double speed, double pause_max_s) {
  config::Settings settings;
  settings.returning_visitor_probability = 0.6;
  settings.returning_visitor_pool = 300;
  settings.target_visits_per_day = 20000;
  settings.pause_between_pvs_min = 0;
  settings.pause_between_pvs_max = pause_max_s;
  config::UrlCatalogue catalogue;
  catalogue.pages.push_back({"https://shop.example/", "Home"});
  catalogue.pages.push_back({"https://shop.example/cart", "Cart"});
  model::VisitGenerator generator(settings, catalogue, {}, 7);
  delivery::TargetContext target;
  delivery::RealtimeDating dating;
  FakeClock clock;
  const std::int64_t start_us = unix_us(clock.system_now());
  std::mt19937_64 latency(3);
  std::vector<std::unique_ptr<delivery::VisitFlow>> flows;
  std::unordered_map<std::uint64_t, std::vector<std::size_t>> waiting;  // order_key → queued flows
  std::unordered_map<std::uint64_t, bool> busy;
  std::unordered_map<std::string, std::int64_t> last_us;  // per visitor id, as Matomo keys them
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events;
  std::uint64_t seq = 0;
  auto start_visit = [&](std::size_t f, std::int64_t at_us) { events.push({at_us, seq++, f, 0}); };
  for (std::uint64_t i = 0; i < visits; ++i) {
    auto visit = std::make_shared<const model::Visit>(generator.build(i));
    const auto at_us = static_cast<std::int64_t>(static_cast<double>(visit->arrival_ms) * 1000.0 / speed);
    flows.push_back(std::make_unique<delivery::VisitFlow>(visit, 0, target, nullptr, clock, &dating));
    events.push({at_us, seq++, flows.size() - 1, static_cast<std::size_t>(-1)});  // arrival
  }
  Result r;
  std::int64_t now_us = 0;
  while (!events.empty()) {
    const Event e = events.top();
    events.pop();
    clock.advance(std::chrono::microseconds{e.at_us - now_us});
    now_us = e.at_us;
    auto& flow = *flows[e.flow];
    const auto key = flow.order_key();
    if (e.step == static_cast<std::size_t>(-1)) {  // arrival: wait for the visitor's previous visit
      if (busy[key]) {
        waiting[key].push_back(e.flow);
      } else {
        busy[key] = true;
        start_visit(e.flow, now_us);
      }
      continue;
    }
    const std::int64_t t = flow.hit_time_us(e.step);
    const std::int64_t now = unix_us(clock.system_now());
    auto [it, fresh] = last_us.try_emplace(flow.visit().visitor.id, t);
    r.not_later += !fresh && t <= it->second ? 1U : 0U;
    r.returning_visits += e.step == 0 && flow.visit().visitor.returning ? 1U : 0U;
    it->second = t;
    r.future += t > now ? 1U : 0U;
    r.before_start += t < start_us ? 1U : 0U;
    ++r.hits;
    const std::int64_t answer_us = now_us + 1 + static_cast<std::int64_t>(latency() % 2000);  // ≥ 1 µs
    if (e.step + 1 < flow.step_count()) {
      events.push({answer_us + flow.pause_before(e.step + 1).count() * 1000, seq++, e.flow, e.step + 1});
    } else if (auto& queue = waiting[key]; !queue.empty()) {
      start_visit(queue.front(), answer_us);
      queue.erase(queue.begin());
    } else {
      busy[key] = false;
    }
  }
  flows.clear();  // flows count their clipped hits when they end
  r.clipped = dating.clipped();
  return r;
}

}  // namespace

TEST_CASE("realtime hits of 100,000 visits at --speed 50 are dated strictly later per visitor", "[delivery]") {
  const Result r = simulate(100'000, 50, 0.5);
  CHECK(r.hits > 300'000);
  CHECK(r.returning_visits > 10'000);
  CHECK(r.not_later == 0);
  CHECK(r.future == 0);
  CHECK(r.before_start == 0);
  CHECK(r.clipped > 0);  // pauses ≤ 0.5 s are shorter than the model's dwell
}

TEST_CASE("realtime visits queued behind the visitor's previous one are dated after it", "[delivery]") {
  // At --speed 5000 a pool visitor's next visit arrives while the previous one is still sent.
  const Result r = simulate(20'000, 5000, 0.2);
  CHECK(r.returning_visits > 1000);
  CHECK(r.not_later == 0);
  CHECK(r.future == 0);
  CHECK(r.before_start == 0);
}

TEST_CASE("a later realtime hit is dated at the model's time when the real pause was long enough", "[delivery]") {
  // times in µs, offsets in ms
  CHECK(model::realtime_later_hit(1'000'000, 500, 1'000'000, 2'000'000).us == 1'500'000);
  CHECK_FALSE(model::realtime_later_hit(1'000'000, 500, 1'000'000, 2'000'000).clipped);
  CHECK(model::realtime_later_hit(1'000'000, 5000, 1'000'000, 2'000'000).us == 2'000'000);
  CHECK(model::realtime_later_hit(1'000'000, 5000, 1'000'000, 2'000'000).clipped);
  CHECK(model::realtime_later_hit(1'000'000, 0, 1'000'000, 1'000'000).us == 1'000'001);  // strictly later
  CHECK(model::realtime_first_hit(5000, 5000).us == 5001);
  CHECK(model::realtime_first_hit(5000, 100).us == 5000);
}
