// `replay`: reading dead-letter files, the replay marker, target resolution and delivery
// through a fake transport on a fake clock.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/replay_command.hpp"
#include "app/replay_marker.hpp"
#include "delivery/dead_letter.hpp"
#include "temp_dir.hpp"
#include "test_engine_support.hpp"
#include "util/error.hpp"
#include "error_of.hpp"

namespace {

using tf::testing::error_of;

using namespace tf;
using tf::engine::testing::Answer;
using tf::engine::testing::FakeTransport;
using tf::testing::read_file;
using tf::testing::TempDir;

constexpr std::int64_t k_now_s = 1'700'000'000;  // FakeClock's default wall time

/// One dead-letter line as DeadLetterWriter writes it.
std::string line(std::uint64_t visit, std::size_t hit, const std::string& target, std::int64_t cdt,
                 const std::string& visitor = "0123456789abcdef") {
  nlohmann::ordered_json j;
  j["visit"] = visit;
  j["hit"] = hit;
  j["visitor"] = visitor;
  j["target"] = target;
  j["outcome"] = "failed";
  j["reason"] = "http-503";
  j["attempts"] = 3;
  j["params"] = {{"idsite", "1"},
                 {"rec", "1"},
                 {"_id", visitor},
                 {"cdt", std::to_string(cdt)},
                 {"url", fmt::format("https://shop.example/v{}/h{}", visit, hit)},
                 {"token_auth", "***"}};
  return j.dump();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

config::TargetSpec target(const std::string& name, const std::string& token = "", bool enabled = true) {
  config::TargetSpec t;
  t.name = name;
  t.url = "http://127.0.0.1:9/" + name + "/matomo.php";
  t.token_auth = token;
  t.enabled = enabled;
  return t;
}

config::Settings settings_with(std::vector<config::TargetSpec> targets) {
  config::Settings s;
  s.targets = config::TargetsConfig{std::move(targets), routing::Strategy::round_robin};
  s.concurrency = 4;
  s.retry_backoff = Millis{100};
  return s;
}

/// Runs replay on a fake clock; `answer(url_or_body)` decides each answer.
struct ReplayHarness {
  FakeClock clock;
  std::vector<engine::HttpRequest> requests;
  std::function<Answer(const engine::HttpRequest&)> answer = [](const engine::HttpRequest&) { return Answer{}; };
  std::FILE* sink = std::tmpfile();
  ~ReplayHarness() { std::fclose(sink); }

  int run(const app::ReplayOptions& options) {
    app::ReplaySeams seams{clock,
                           [this](const engine::EngineConfig&) {
                             return std::make_unique<FakeTransport>(clock,
                                                                    [this](const engine::HttpRequest& r, std::size_t) {
                                                                      requests.push_back(r);
                                                                      return answer(r);
                                                                    });
                           },
                           false, sink};
    return app::replay_command(options, seams);
  }
};

}  // namespace

TEST_CASE("replay groups the lines of a dead-letter file by target and visit, in hit order", "[app]") {
  const std::string text = line(7, 2, "b", k_now_s) + "\n" + line(3, 1, "a", k_now_s) + "\n\n" +
    line(7, 1, "b", k_now_s) + "\n" + line(3, 0, "b", k_now_s) + "\n";
  config::Diagnostics diags;
  const auto visits = delivery::parse_dead_letters(text, "dl.ndjson", diags);
  REQUIRE_FALSE(diags.has_errors());
  REQUIRE(visits.size() == 3);
  CHECK(visits[0].visit == 3);
  CHECK(visits[0].target == "a");
  CHECK(visits[1].visit == 3);
  CHECK(visits[1].target == "b");
  CHECK(visits[2].visit == 7);
  REQUIRE(visits[2].hits.size() == 2);
  CHECK(visits[2].hits[0].hit == 1);
  CHECK(visits[2].hits[0].line == 4);
  CHECK(visits[2].hits[1].hit == 2);
  CHECK(visits[2].hits[1].line == 1);
  const auto& params = visits[2].hits[0].params;
  REQUIRE(params.size() == 5);
  CHECK(params[0].first == "idsite");
  CHECK(params[4].first == "url");
  CHECK_FALSE(matomo::find(params, "token_auth").has_value());
}

TEST_CASE("replay reads a file of several runs, whose visit numbers restart, and skips maybe_recorded", "[app]") {
  const auto with = [](std::string text, const std::string& extra) { return "{" + extra + "," + text.substr(1); };
  const std::string run1 = R"("run":{"started":"2026-01-01T00:00:00.000Z","pid":1,"seed":5})";
  const std::string run2 = R"("run":{"started":"2026-01-01T01:00:00.000Z","pid":2,"seed":5})";
  const std::string text = with(line(3, 0, "a", k_now_s), run1) + "\n" + with(line(3, 1, "a", k_now_s), run1) + "\n" +
    with(line(3, 0, "a", k_now_s, "fedcba9876543210"), run2) + "\n" +
    with(line(3, 1, "a", k_now_s, "fedcba9876543210"), run2 + R"(,"maybe_recorded":true)") + "\n";
  config::Diagnostics diags;
  std::size_t skipped = 0;
  const auto visits = delivery::parse_dead_letters(text, "dl.ndjson", diags, {}, &skipped);
  REQUIRE_FALSE(diags.has_errors());
  REQUIRE(visits.size() == 2);
  CHECK(visits[0].visitor == "0123456789abcdef");
  CHECK(visits[0].hits.size() == 2);
  CHECK(visits[1].visitor == "fedcba9876543210");
  CHECK(visits[1].hits.size() == 1);
  CHECK(skipped == 1);
  const auto all = delivery::parse_dead_letters(text, "dl.ndjson", diags, delivery::ReplaySelection{true}, nullptr);
  REQUIRE(all.size() == 2);
  CHECK(all[1].hits.size() == 2);
}

TEST_CASE("replay reports every bad line of a dead-letter file with its line number", "[app]") {
  const std::string text = std::string("{\"visit\":1,\n") + "[1,2]\n" +
    R"({"visit":-1,"hit":0,"visitor":"xyz","target":"","outcome":"lost","reason":"r","attempts":1,"params":{"idsite":1},"extra":true})" +
    "\n" +
    R"({"hit":0,"visitor":"0123456789abcdef","target":"a","outcome":"abandoned","reason":"r","attempts":1,"params":{}})" +
    "\n" + line(1, 0, "a", k_now_s) + "\n" + line(1, 0, "a", k_now_s) + "\n" +
    line(1, 1, "a", k_now_s, "fedcba9876543210") + "\n";
  config::Diagnostics diags;
  delivery::parse_dead_letters(text, "dl.ndjson", diags);
  CHECK(
    config::join_errors(diags) ==
    "dl.ndjson:1:12: error: not valid JSON\n"
    "dl.ndjson:2: error: expected a JSON object\n"
    "dl.ndjson:3: error: extra: unknown key\n"
    "dl.ndjson:3: error: visit: expected a non-negative integer, found -1\n"
    "dl.ndjson:3: error: visitor: expected 16 hex characters, found \"xyz\"\n"
    "dl.ndjson:3: error: target: expected a target name, found \"\"\n"
    "dl.ndjson:3: error: outcome: expected \"rejected\", \"failed\", \"unconfirmed\" or \"not_sent\", found \"lost\"\n"
    "dl.ndjson:3: error: params.idsite: expected a string, found 1\n"
    "dl.ndjson:4: error: visit: missing\n"
    "dl.ndjson:4: error: params: expected a non-empty object of strings, found {}\n"
    "dl.ndjson:6: error: hit: hit 0 of visit 1 on target 'a' is already at line 5\n"
    "dl.ndjson:7: error: visitor: visit 1 on target 'a' has visitor 0123456789abcdef at line 5, found "
    "fedcba9876543210");
}

TEST_CASE("replay reads a dead-letter file and rejects a bad one with exit code 2", "[app]") {
  TempDir dir;
  const auto path = dir.file("dl.ndjson");
  write_text(path, line(1, 0, "a", k_now_s) + "\n" + line(1, 1, "a", k_now_s) + "\n");
  const auto file = delivery::read_dead_letter_file(path);
  CHECK(file.hits == 2);
  CHECK(file.visits.size() == 1);
  CHECK(file.hash == delivery::content_hash(read_file(path)));

  write_text(path, "nope\n");
  try {
    delivery::read_dead_letter_file(path);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == path + ":1:2: error: not valid JSON");
    CHECK(e.code() == ExitCode::usage);
  }
  CHECK(error_of([&] { delivery::read_dead_letter_file(dir.file("missing")); }) ==
        "cannot read dead-letter file '" + dir.file("missing") + "'");
}

TEST_CASE("the content hash is FNV-1a 64 and stable", "[app]") {
  CHECK(delivery::content_hash("") == "fnv1a64:cbf29ce484222325");
  CHECK(delivery::content_hash("a") == "fnv1a64:af63dc4c8601ec8c");
}

TEST_CASE("the replay marker records the content it was written for", "[app]") {
  TempDir dir;
  const auto marker = dir.file("dl.ndjson.replayed");
  CHECK_FALSE(app::replayed_at(marker, "fnv1a64:0000000000000001").has_value());
  delivery::DeadLetterFile file;
  file.path = dir.file("dl.ndjson");
  file.hash = "fnv1a64:0000000000000001";
  file.hits = 4;
  app::write_marker(marker, file, SysTime{std::chrono::seconds{k_now_s}});
  CHECK(app::replayed_at(marker, file.hash) == std::optional<std::string>("2023-11-14T22:13:20.000Z"));
  CHECK_FALSE(app::replayed_at(marker, "fnv1a64:0000000000000002").has_value());
  const auto record = nlohmann::json::parse(read_file(marker));
  CHECK(record["hits"] == 4);
  CHECK(record["file"] == file.path);
}

TEST_CASE("replay names unknown and disabled targets and tokenless targets of old hits", "[app]") {
  delivery::DeadLetterFile file;
  file.path = "dl.ndjson";
  config::Diagnostics diags;
  file.visits = delivery::parse_dead_letters(line(1, 0, "gone", k_now_s) + "\n" + line(2, 0, "off", k_now_s) + "\n" +
                                               line(3, 0, "old", k_now_s - 90'000) + "\n" +
                                               line(4, 0, "old", k_now_s - 100'000) + "\n",
                                             "dl.ndjson", diags);
  REQUIRE_FALSE(diags.has_errors());
  const auto settings = settings_with({target("a"), target("off", "", false), target("old")});
  const SysTime now{std::chrono::seconds{k_now_s}};
  CHECK(error_of([&] { app::resolve_replay_targets(settings, file, now); }) ==
        "dl.ndjson:2: error: target: target 'off' is disabled in the configuration; enable it to replay its hits\n"
        "dl.ndjson:3: error: cdt: target 'old' has no token_auth, and 2 hit(s) have a cdt 24 h or more in the "
        "past (first at this line): Matomo rejects them without a token; set the target's token_auth\n"
        "dl.ndjson:1: error: target: no target named 'gone' in the configuration (targets: a, off, old)");

  const auto ok = settings_with({target("x"), target("old", "secret"), target("gone"), target("off")});
  const auto plan = app::resolve_replay_targets(ok, file, now);
  REQUIRE(plan.contexts.size() == 3);
  CHECK(plan.contexts[0].name == "old");
  CHECK(plan.contexts[1].name == "gone");
  CHECK(plan.contexts[2].name == "off");
  CHECK(plan.visit_targets == std::vector<std::size_t>{1, 2, 0, 0});
}

TEST_CASE("replay writes still-failing hits next to the file unless --dead-letter is given", "[app]") {
  app::ReplayOptions options;
  options.file = "/data/dl.ndjson";
  options.settings.dead_letter_file = "/data/dl.ndjson";
  options.settings.origins["DEAD_LETTER_FILE"] = config::Origin{config::Layer::environment, "environment", 0};
  CHECK(app::replay_output_path(options) == "/data/dl.ndjson.failed");
  options.settings.dead_letter_file = "/data/again.ndjson";
  options.settings.origins["DEAD_LETTER_FILE"] = config::Origin{config::Layer::command_line, "--dead-letter", 0};
  CHECK(app::replay_output_path(options) == "/data/again.ndjson");
}

TEST_CASE("replay delivers each visit's hits in order, each target's token only in a POST body", "[app]") {
  TempDir dir;
  app::ReplayOptions options;
  options.file = dir.file("dl.ndjson");
  write_text(options.file,
             line(1, 4, "a", k_now_s - 60) + "\n" + line(2, 0, "b", k_now_s - 50) + "\n" +
               line(1, 3, "a", k_now_s - 70) + "\n");
  options.settings = settings_with({target("a", "tok-a"), target("b")});
  ReplayHarness h;
  CHECK(h.run(options) == 0);
  REQUIRE(h.requests.size() == 3);
  std::vector<std::string> to_a;
  for (const auto& r : h.requests) {
    CHECK(r.url.find("token_auth") == std::string::npos);
    if (r.url.find("/a/") != std::string::npos) {
      CHECK(r.post);
      CHECK(r.body.find("token_auth=tok-a") != std::string::npos);
      CHECK(r.body.find("***") == std::string::npos);
      to_a.push_back(r.body);
    } else {
      CHECK_FALSE(r.post);
      CHECK(r.url.find("http://127.0.0.1:9/b/matomo.php?idsite=1&rec=1&_id=0123456789abcdef&cdt=") == 0);
    }
  }
  REQUIRE(to_a.size() == 2);
  CHECK(to_a[0].find("v1%2Fh3") != std::string::npos);
  CHECK(to_a[1].find("v1%2Fh4") != std::string::npos);
  CHECK(read_file(options.file + ".failed").empty());
  CHECK(app::replayed_at(options.file + ".replayed", delivery::content_hash(read_file(options.file))).has_value());
}

TEST_CASE("replay refuses a file it has replayed before unless --force", "[app]") {
  TempDir dir;
  app::ReplayOptions options;
  options.file = dir.file("dl.ndjson");
  write_text(options.file, line(1, 0, "a", k_now_s) + "\n");
  options.settings = settings_with({target("a")});
  ReplayHarness h;
  CHECK(h.run(options) == 0);
  CHECK(error_of([&] { h.run(options); }) ==
        options.file + " was already replayed at 2023-11-14T22:13:20.000Z (marker " + options.file +
          ".replayed); Matomo records replayed hits again, so it is not resent: use --force to replay it anyway");
  CHECK(h.requests.size() == 1);
  options.force = true;
  CHECK(h.run(options) == 0);
  CHECK(h.requests.size() == 2);
  write_text(options.file, line(1, 0, "a", k_now_s) + "\n" + line(1, 1, "a", k_now_s) + "\n");
  options.force = false;
  CHECK(h.run(options) == 0);  // other content: a new dead-letter file at the same path
  CHECK(h.requests.size() == 4);
}

TEST_CASE("replay writes the hits that still fail to a new dead-letter file and exits 1 above the rate", "[app]") {
  TempDir dir;
  app::ReplayOptions options;
  options.file = dir.file("dl.ndjson");
  options.summary_json = dir.file("summary.json");
  write_text(options.file,
             line(1, 0, "a", k_now_s) + "\n" + line(2, 5, "b", k_now_s) + "\n" + line(2, 6, "b", k_now_s) + "\n");
  options.settings = settings_with({target("a"), target("b")});
  options.settings.max_retries = 1;
  options.settings.max_failure_rate = 0.5;
  ReplayHarness h;
  h.answer = [](const engine::HttpRequest& r) { return Answer{r.url.find("/b/") != std::string::npos ? 503 : 204}; };
  CHECK(h.run(options) == 1);
  CHECK(h.requests.size() == 3);  // a once; b's first hit twice (one retry), its second never sent
  std::istringstream failed(read_file(options.file + ".failed"));
  std::vector<nlohmann::json> lines;
  for (std::string text; std::getline(failed, text);) {
    lines.push_back(nlohmann::json::parse(text));
  }
  REQUIRE(lines.size() == 2);
  CHECK(lines[0]["visit"] == 2);
  CHECK(lines[0]["hit"] == 5);
  CHECK(lines[0]["target"] == "b");
  CHECK(lines[0]["reason"] == "http-503");
  CHECK(lines[0]["outcome"] == "failed");
  CHECK(lines[0]["maybe_recorded"] == false);
  CHECK(lines[0].contains("detail"));
  CHECK(lines[0]["attempts"] == 2);
  CHECK(lines[0]["params"]["url"] == "https://shop.example/v2/h5");
  CHECK(lines[1]["hit"] == 6);
  CHECK(lines[1]["reason"] == "previous-hit-failed");
  CHECK(lines[1]["outcome"] == "not_sent");
  const auto summary = nlohmann::json::parse(read_file(options.summary_json));
  CHECK(summary["totals"]["failed"] == 1);
  CHECK(summary["totals"]["not_sent"] == 1);
  CHECK(summary["accounting"]["balanced"] == true);

  // The new file replays like any other.
  app::ReplayOptions again = options;
  again.file = options.file + ".failed";
  again.summary_json.clear();
  h.answer = [](const engine::HttpRequest&) { return Answer{200}; };
  CHECK(h.run(again) == 0);
  CHECK(h.requests.size() == 5);
  CHECK(read_file(again.file + ".failed").empty());
}

TEST_CASE("replay of an empty dead-letter file sends nothing and succeeds", "[app]") {
  TempDir dir;
  app::ReplayOptions options;
  options.file = dir.file("dl.ndjson");
  write_text(options.file, "\n");
  options.settings = settings_with({target("a")});
  ReplayHarness h;
  CHECK(h.run(options) == 0);
  CHECK(h.requests.empty());
  CHECK_FALSE(std::filesystem::exists(options.file + ".replayed"));
}

TEST_CASE("replay refuses to write still-failing hits over the file it replays", "[app]") {
  TempDir dir;
  app::ReplayOptions options;
  options.file = dir.file("dl.ndjson");
  write_text(options.file, line(1, 0, "a", k_now_s) + "\n");
  options.settings = settings_with({target("a")});
  options.settings.dead_letter_file = options.file;
  options.settings.origins["DEAD_LETTER_FILE"] = config::Origin{config::Layer::command_line, "--dead-letter", 0};
  ReplayHarness h;
  CHECK(error_of([&] { h.run(options); }) ==
        "--dead-letter: the output " + options.file + " is the file being replayed; choose another file");
  CHECK(h.requests.empty());
}

TEST_CASE("a replay killed mid-way resumes: no acked line again, no line in flight at the kill blindly", "[app]") {
  TempDir dir;
  app::ReplayOptions options;
  options.file = dir.file("dl.ndjson");
  write_text(options.file,
             line(1, 0, "a", k_now_s) + "\n" + line(1, 1, "a", k_now_s) + "\n" +
               line(2, 0, "a", k_now_s, "1123456789abcdef") + "\n" + line(2, 1, "a", k_now_s, "1123456789abcdef") +
               "\n");
  options.settings = settings_with({target("a")});
  // What a replay killed by SIGKILL leaves: its marker, line 1 acked, line 2 sent without an answer.
  app::write_marker(app::marker_path(options.file), delivery::read_dead_letter_file(options.file), SysTime{});
  write_text(options.file + ".progress", "s 1\nd 1\ns 2\n");

  SECTION("lines in flight are left out") {
    ReplayHarness h;
    CHECK(h.run(options) == 0);
    REQUIRE(h.requests.size() == 2);  // lines 3 and 4
    CHECK(h.requests[0].url.find("v2%2Fh0") != std::string::npos);
    CHECK(h.requests[1].url.find("v2%2Fh1") != std::string::npos);
    CHECK(h.run(options) == 0);  // again: every line settled but the one in flight, still left out
    CHECK(h.requests.size() == 2);
  }
  SECTION("--include-unconfirmed resends them") {
    options.include_unconfirmed = true;
    ReplayHarness h;
    CHECK(h.run(options) == 0);
    REQUIRE(h.requests.size() == 3);
    CHECK(std::count_if(h.requests.begin(), h.requests.end(),
                        [](const auto& r) { return r.url.find("v1%2Fh1") != std::string::npos; }) == 1);
    CHECK(error_of([&] { h.run(options); }).find("was already replayed") != std::string::npos);  // all settled
  }
}
