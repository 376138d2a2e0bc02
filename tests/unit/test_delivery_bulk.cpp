// BulkCodec::read_answer: what a bulk answer says about each hit of its batch.
#include <catch2/catch.hpp>

#include <vector>

#include "delivery/visit_flow.hpp"

namespace {

using tf::engine::AttemptResult;
using tf::engine::StepOutcome;
using O = StepOutcome;

struct Read {
  bool answered = false;
  AttemptResult result;
  std::vector<StepOutcome> outcomes;
};

Read read(int status, const std::string& body, std::size_t items) {
  static const std::vector<tf::delivery::TargetContext> targets(1);
  tf::delivery::BulkCodec codec(targets);
  Read r;
  r.result.status = status;
  r.result.body = body;
  r.answered = codec.read_answer(0, r.result, items, r.outcomes);
  return r;
}

}  // namespace

TEST_CASE("a bulk answer's invalid_indices name exactly the rejected hits", "[delivery]") {
  const auto r = read(200, R"({"status":"success","tracked":3,"invalid":2,"invalid_indices":[1,4]})", 5);
  REQUIRE(r.answered);
  CHECK(r.outcomes == std::vector<O>{O::acked, O::rejected, O::acked, O::acked, O::rejected});
  CHECK(r.result.unidentified_rejections == 0);
}

TEST_CASE("invalid hits a bulk answer does not name are rejected, never acked, and counted", "[delivery]") {
  const auto r = read(200, R"({"status":"success","tracked":3,"invalid":2})", 5);
  REQUIRE(r.answered);
  CHECK(r.outcomes == std::vector<O>{O::acked, O::acked, O::acked, O::rejected, O::rejected});
  CHECK(r.result.unidentified_rejections == 2);
  const auto all = read(200, R"({"status":"success","tracked":0,"invalid":4})", 4);
  CHECK(all.outcomes == std::vector<O>(4, O::rejected));
  CHECK(all.result.unidentified_rejections == 4);
}

TEST_CASE("tracked + invalid below the hits sent leaves the difference unconfirmed", "[delivery]") {
  const auto r = read(200, R"({"status":"success","tracked":2,"invalid":0})", 4);
  REQUIRE(r.answered);
  CHECK(r.outcomes == std::vector<O>{O::acked, O::acked, O::unconfirmed, O::unconfirmed});
}

TEST_CASE("a 2xx bulk answer without counts is acked and says so", "[delivery]") {
  const auto r = read(204, "", 3);
  REQUIRE(r.answered);
  CHECK(r.outcomes == std::vector<O>(3, O::acked));
  CHECK(r.result.counts_missing);
  CHECK_FALSE(read(400, "<html>", 3).answered);  // a refusal without counts: by its status
}

TEST_CASE("an error answer: the tracked ones acked, the rest resent after 5xx or rejected after 4xx", "[delivery]") {
  const auto server = read(500, R"({"status":"error","tracked":2,"invalid":0})", 4);
  REQUIRE(server.answered);
  CHECK(server.outcomes == std::vector<O>{O::acked, O::acked, O::not_sent, O::not_sent});
  const auto refused = read(400, R"({"status":"error","tracked":1,"message":"token_auth=abc is not valid"})", 3);
  CHECK(refused.outcomes == std::vector<O>{O::acked, O::rejected, O::rejected});
  CHECK(refused.result.detail == "token_auth=*** is not valid");
}
