#include <catch2/catch.hpp>

#include "report/ledger_json.hpp"
#include "util/error.hpp"

using tf::metrics::Bound;
using tf::metrics::Measure;

TEST_CASE("the summary's ledger reads back as written", "[report]") {
  tf::metrics::Ledger ledger;
  auto& t = ledger.targets["shop"];
  t.name = "shop";
  t.site_id = 2;
  t.days[20'425][Measure::visits] = {10, 1};
  t.days[20'425].goals[3] = {4, 0};
  t.days[20'425].by_visitor["0123456789abcdef"] = {{1, 0}, {5, 1}};
  t.days[20'425].untracked = {{2, 0}, {7, 0}};
  const auto back = tf::report::ledger_from_json(tf::report::ledger_to_json(ledger), "s.json");
  REQUIRE(back.targets.contains("shop"));
  CHECK(back.targets.at("shop").site_id == 2);
  CHECK(back.targets.at("shop").days.at(20'425) == t.days.at(20'425));
}

TEST_CASE("a malformed ledger is an error naming the file and the path", "[report]") {
  const auto doc = nlohmann::json::parse(
    R"([{"target":"shop","site_id":2,"days":[{"date":"2025-12-03","visits":{"acked":-1,"unconfirmed":0}}]}])");
  CHECK_THROWS_WITH(
    tf::report::ledger_from_json(doc, "s.json"),
    "s.json: not a trafficinator summary: \"ledger[0].days[0].visits.acked\" must be a non-negative integer");
  const auto bad_date = nlohmann::json::parse(R"([{"target":"shop","site_id":2,"days":[{"date":"03.12.2025"}]}])");
  CHECK_THROWS_WITH(tf::report::ledger_from_json(bad_date, "s.json"),
                    "s.json: not a trafficinator summary: \"ledger[0].days[0].date\" must be a date like 2026-12-03");
  const auto bad_visitor = nlohmann::json::parse(
    R"([{"target":"shop","site_id":2,"days":[{"date":"2025-12-03","by_visitor":{"0123456789abcdef":[1,0,2]}}]}])");
  CHECK_THROWS_WITH(tf::report::ledger_from_json(bad_visitor, "s.json"),
                    "s.json: not a trafficinator summary: \"ledger[0].days[0].by_visitor.0123456789abcdef\" must be "
                    "[visits acked, visits unconfirmed, actions acked, actions unconfirmed]");
}
