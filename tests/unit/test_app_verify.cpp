#include <catch2/catch.hpp>

#include "app/reporting_client.hpp"
#include "app/verify_result.hpp"
#include "app/verify_visitors.hpp"
#include "delivery/visitor_tally.hpp"
#include "model/visit.hpp"
#include "util/error.hpp"

using tf::app::Verdict;
using tf::metrics::Measure;

TEST_CASE("a measure holds when Matomo equals acked or lies within the bracket", "[app]") {
  const tf::metrics::Bound ledger{10, 2};
  CHECK(tf::app::verdict_of(ledger, 10) == Verdict::equal);
  CHECK(tf::app::verdict_of(ledger, 12) == Verdict::within_bracket);
  CHECK(tf::app::verdict_of(ledger, 13) == Verdict::difference);
  CHECK(tf::app::verdict_of(ledger, 9) == Verdict::difference);
  CHECK(tf::app::verdict_of(ledger, std::nullopt) == Verdict::not_checked);
}

TEST_CASE("verify names each difference, its size and the conclusion", "[app]") {
  tf::metrics::LedgerDay day;
  day[Measure::visits] = {60, 0};
  day[Measure::pageviews] = {152, 1};
  day.goals[1] = {5, 0};
  tf::app::Observed matomo;
  matomo[Measure::visits] = 60;
  matomo[Measure::pageviews] = 150;
  matomo.goals[1] = 5;
  matomo.goals[9] = 1;  // a goal the run never converted
  const auto rows = tf::app::compare("default", 1, "2026-12-03", day, matomo, false);
  const auto text = tf::app::render_verify(rows, false);
  CHECK_THAT(
    text, Catch::Contains("difference: pageviews of default (site 1) on 2026-12-03: Matomo 150, ledger 152..153 (-2)"));
  CHECK_THAT(text, Catch::Contains("difference: goal_9 of default (site 1) on 2026-12-03: Matomo 1, ledger 0 (+1)"));
  CHECK_THAT(text, Catch::Contains("verify: 2 of 4 measures differ"));
  const auto doc = tf::app::verify_json(rows, false);
  CHECK(doc["ok"] == false);
  CHECK(doc["differences"] == 2);
  CHECK(doc["measures"][2]["measure"] == "pageviews");
  CHECK(doc["measures"][2]["difference"] == -2);
}

TEST_CASE("the API endpoint is index.php beside the tracking endpoint", "[app]") {
  CHECK(tf::app::api_endpoint("https://m.example/matomo.php") == "https://m.example/index.php");
  CHECK(tf::app::api_endpoint("https://m.example/analytics/piwik.php?x=1") == "https://m.example/analytics/index.php");
  CHECK(tf::app::api_endpoint("https://m.example/analytics") == "https://m.example/analytics/index.php");
  CHECK(tf::app::api_endpoint("http://127.0.0.1:8080") == "http://127.0.0.1:8080/index.php");
  CHECK_THROWS_AS(tf::app::api_endpoint("ftp://m.example/"), tf::Error);
  CHECK(tf::app::form_encode({{"date", "2026-12-01,2026-12-03"}, {"token_auth", "a b&c"}}) ==
        "date=2026-12-01%2C2026-12-03&token_auth=a%20b%26c");
}

TEST_CASE("verify --live names the visitors whose visits or actions differ", "[app]") {
  tf::metrics::LedgerDay day;
  day.by_visitor["aaaaaaaaaaaaaaaa"] = {{1, 0}, {4, 0}};
  day.by_visitor["bbbbbbbbbbbbbbbb"] = {{2, 0}, {6, 1}};  // Matomo holds 7: within the bracket
  day.by_visitor["cccccccccccccccc"] = {{1, 0}, {3, 0}};  // Matomo lost one action
  tf::app::Observed matomo;
  matomo.by_visitor["aaaaaaaaaaaaaaaa"] = {1, 4};
  matomo.by_visitor["bbbbbbbbbbbbbbbb"] = {2, 7};
  matomo.by_visitor["cccccccccccccccc"] = {1, 2};
  matomo.by_visitor["dddddddddddddddd"] = {1, 1};  // a visitor the run never sent
  tf::app::VisitorReport report;
  const auto row = tf::app::compare_visitors("default", 1, "2026-12-03", day, matomo, report);
  CHECK(row.measure == "visitors_matching");
  CHECK(row.ledger == tf::metrics::Bound{4, 0});
  CHECK(row.matomo == 2U);
  CHECK(row.verdict == Verdict::difference);
  CHECK(report.differ == 2);
  CHECK(tf::app::render_visitors(report) ==
        "visitor cccccccccccccccc of default (site 1) on 2026-12-03: visits Matomo 1, ledger 1; actions Matomo 2, "
        "ledger 3\n"
        "visitor dddddddddddddddd of default (site 1) on 2026-12-03: visits Matomo 1, ledger 0; actions Matomo 1, "
        "ledger 0\n");
  day.untracked = {{5, 0}, {9, 0}};  // past the cap: a visitor only Matomo has may be one of them
  tf::app::VisitorReport partial;
  CHECK(tf::app::compare_visitors("default", 1, "2026-12-03", day, matomo, partial).ledger.acked == 3);
  CHECK(partial.untracked_visits == 5);
}

TEST_CASE("Matomo's idvisitor is the id, or the first 16 hex of sha1(uid)", "[app]") {
  tf::model::Visitor visitor;
  visitor.id = "0123456789abcdef";
  CHECK(tf::delivery::matomo_visitor_id(visitor) == "0123456789abcdef");
  visitor.uid = "user@example.com";
  CHECK(tf::delivery::matomo_visitor_id(visitor) == "63a710569261a24b");
}
