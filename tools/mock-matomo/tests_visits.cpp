#include <catch2/catch.hpp>

#include "visits.hpp"

namespace mock = tf::mock;

namespace {

mock::HitFacts at(std::int64_t t, const std::string& id = "v:00000000000000aa") {
  mock::HitFacts hit;
  hit.site = 1;
  hit.visitor_id = id;
  hit.fingerprint = "127.0.0.1|ua|de";
  hit.time_s = t;
  return hit;
}

std::vector<std::string> codes(const std::vector<tf::matomo::Violation>& violations) {
  std::vector<std::string> out;
  for (const auto& v : violations) {
    out.push_back(v.code);
  }
  return out;
}

const std::int64_t k_t0 = 1'700'000'000;  // 2023-11-14 22:13:20 UTC

}  // namespace

TEST_CASE("a gap of 1800 s or more starts a new visit, a shorter one does not", "[mock]") {
  mock::Site site;
  mock::VisitTracker tracker;
  CHECK(tracker.record(at(k_t0), site).second == 1);
  CHECK(tracker.record(at(k_t0 + 1799), site).second == 1);
  CHECK(tracker.record(at(k_t0 + 1799 + 1800), site).second == 2);
  auto forced = at(k_t0 + 3600);
  forced.new_visit = true;
  CHECK(tracker.record(forced, site).second == 3);
  CHECK(tracker.visits().size() == 3);
  CHECK(tracker.visitors() == 1);
}

TEST_CASE("visits split at the site's local midnight", "[mock]") {
  mock::Site utc;
  mock::Site tokyo;
  tokyo.timezone = "Asia/Tokyo";  // UTC+9: 2023-11-14 15:00 UTC is midnight in Tokyo
  const std::int64_t tokyo_midnight = 1'699'974'000;
  mock::VisitTracker a, b;
  a.record(at(tokyo_midnight - 60), tokyo);
  CHECK(a.record(at(tokyo_midnight + 60), tokyo).second == 2);
  b.record(at(tokyo_midnight - 60), utc);
  CHECK(b.record(at(tokyo_midnight + 60), utc).second == 1);
}

TEST_CASE("session checks flag out-of-order hits, orphan pings and repeated conversions", "[mock]") {
  mock::Site site;
  site.goals = {{1, false}, {2, true}};
  mock::VisitTracker tracker;
  auto ping = at(k_t0);
  ping.ping = true;
  CHECK(codes(tracker.evaluate(ping, site)) == std::vector<std::string>{"PING_WITHOUT_VISIT"});
  tracker.record(at(k_t0), site);
  CHECK(codes(tracker.evaluate(at(k_t0 - 1), site)) == std::vector<std::string>{"OUT_OF_ORDER"});
  CHECK(tracker.evaluate(ping, site).empty());
  auto goal1 = at(k_t0 + 5);
  goal1.idgoal = 1;
  auto goal2 = goal1;
  goal2.idgoal = 2;
  tracker.record(goal1, site);
  tracker.record(goal2, site);
  CHECK(codes(tracker.evaluate(goal1, site)) == std::vector<std::string>{"GOAL_ALREADY_CONVERTED"});
  CHECK(tracker.evaluate(goal2, site).empty());
  auto order = at(k_t0 + 6);
  order.idgoal = 0;
  order.ec_id = "O-1";
  tracker.record(order, site);
  auto other = order;
  other.visitor_id = "v:00000000000000bb";
  const auto dup = tracker.evaluate(other, site);
  REQUIRE(dup.size() == 1);
  CHECK(dup[0].code == "DUPLICATE_ORDER");
  CHECK(dup[0].matomo_rejects);
}

TEST_CASE("a campaign on a later hit is flagged, and a different one starts a visit", "[mock]") {
  mock::Site site;
  mock::VisitTracker tracker;
  auto landing = at(k_t0);
  landing.campaign = "spring|";
  tracker.record(landing, site);
  auto later = at(k_t0 + 60);
  later.campaign = "summer|";
  CHECK(codes(tracker.evaluate(later, site)) == std::vector<std::string>{"CAMPAIGN_CHANGE"});
  CHECK(tracker.record(later, site).second == 2);
}

TEST_CASE("a new _id-only visitor sharing a recent fingerprint is a merge risk", "[mock]") {
  mock::Site site;
  mock::VisitTracker tracker;
  auto first = at(k_t0, "v:00000000000000a1");
  first.id_from_cookie_only = true;
  tracker.record(first, site);
  auto second = at(k_t0 + 10, "v:00000000000000a2");
  second.id_from_cookie_only = true;
  CHECK(codes(tracker.evaluate(second, site)) == std::vector<std::string>{"FINGERPRINT_MERGE_RISK"});
  second.time_s = k_t0 + 1800;
  CHECK(tracker.evaluate(second, site).empty());
  second.time_s = k_t0 + 10;
  second.id_from_cookie_only = false;
  CHECK(tracker.evaluate(second, site).empty());
}

TEST_CASE("in-flight tracking reports visitors that already had a request", "[mock]") {
  mock::InFlight in_flight;
  CHECK(in_flight.enter({"a", "b"}).empty());
  CHECK(in_flight.enter({"b", "c"}) == std::vector<std::string>{"b"});
  CHECK(in_flight.max_concurrent() == 2);
  in_flight.leave({"b", "c"});
  CHECK(in_flight.enter({"b"}) == std::vector<std::string>{"b"});  // the first is still open
  in_flight.leave({"a", "b", "b"});
  CHECK(in_flight.enter({"b"}).empty());
}
