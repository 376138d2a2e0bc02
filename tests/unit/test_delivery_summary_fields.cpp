#include <catch2/catch.hpp>

#include "delivery/summary_fields.hpp"

TEST_CASE("the command's summary fields join the summary while written and leave it unchanged after", "[delivery]") {
  const auto original = nlohmann::json{{"elapsed_s", 1.5}, {"seed", 7}, {"ledger", nlohmann::json::array({1, 2})}};
  auto summary = original;
  const auto fields = nlohmann::json{{"command", "run"}, {"seed", 9}};
  {
    const tf::delivery::SummaryFieldsAdded added(summary, fields);
    CHECK(summary == nlohmann::json{{"elapsed_s", 1.5}, {"seed", 9}, {"command", "run"}, {"ledger", {1, 2}}});
  }
  CHECK(summary == original);
  const tf::delivery::SummaryFieldsAdded none(summary, nlohmann::json::object());
  CHECK(summary == original);
}
