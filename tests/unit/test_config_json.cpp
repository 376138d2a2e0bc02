#include <catch2/catch.hpp>

#include <map>

#include "config/catalogue_file.hpp"
#include "config/funnels_json.hpp"
#include "config/json_source.hpp"
#include "config/targets_json.hpp"
#include "util/error.hpp"

using namespace tf::config;

namespace {

EnvLookup env_with(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

std::vector<std::string> formatted(const Diagnostics& diags) {
  std::vector<std::string> out;
  for (const auto& d : diags.items()) {
    out.push_back(format(d));
  }
  return out;
}

std::vector<std::string> target_errors(const std::string& text, std::map<std::string, std::string> vars = {}) {
  Diagnostics diags;
  parse_targets(text, "t.json", diags, env_with(std::move(vars)));
  return formatted(diags);
}

std::vector<std::string> funnel_errors(const std::string& text) {
  Diagnostics diags;
  parse_funnels(text, "f.json", diags);
  return formatted(diags);
}

std::string one_target(const std::string& fields) {
  return R"({"targets":[{"name":"a","url":"http://127.0.0.1:8080",)" + fields + "}]}";
}

}  // namespace

TEST_CASE("a JSON syntax error names line and column from the byte offset", "[config]") {
  CHECK(target_errors("{\n  \"targets\": [\n    {\"name\": \"a\",, }\n") ==
        std::vector<std::string>{"t.json:3:18: error: invalid JSON: syntax error while parsing object key - unexpected "
                                 "','; expected string literal"});
}

TEST_CASE("a JSON number overflow names the line and column of the number", "[config]") {
  CHECK(target_errors("{\"targets\": [\n  {\"name\": \"1E400\",\n   \"weight\": 1E400}]}\n") ==
        std::vector<std::string>{"t.json:3:14: error: invalid JSON: number overflow parsing '1E400'"});
}

TEST_CASE("JSON positions of values and keys are found by pointer", "[config]") {
  Diagnostics diags;
  auto doc = JsonDocument::parse("{\n \"a\": [1, {\"b\": \"x\"}],\n \"c~/\": true\n}", "x", diags);
  REQUIRE(doc);
  CHECK(doc->where("/a/1/b").line == 2);
  CHECK(doc->where("/a/1/b").col == 17);
  CHECK(doc->where("/a/1/b", true).col == 12);
  CHECK(doc->where("/a/0").col == 8);
  CHECK(doc->where("/c~0~1").line == 3);
}

TEST_CASE("targets: every rule with its exact message", "[config]") {
  CHECK(target_errors(one_target(R"("site_id":1)")).empty());
  CHECK(target_errors(R"({"targets":[]})") ==
        std::vector<std::string>{"t.json:1:12: error: targets: expected a non-empty array of targets, found []"});
  CHECK(target_errors(R"([1])") ==
        std::vector<std::string>{"t.json:1:1: error: expected a JSON object with \"targets\", found [1]"});
  CHECK(target_errors(one_target(R"("site_id":1,"enabled":false)")) ==
        std::vector<std::string>{"t.json:1:12: error: targets: expected at least one enabled target, found none"});
  CHECK(target_errors(R"({"targets":[{"name":"a","url":"mailto:x","site_id":"1"}]})") ==
        std::vector<std::string>{
          "t.json:1:31: error: targets[0].url: expected an http(s) URL with a host, found \"mailto:x\"",
          "t.json:1:52: error: targets[0].site_id: expected an integer ≥ 1, found \"1\""});
  CHECK(target_errors(R"({"targets":[{"url":"http://h.test","site_id":1}]})") ==
        std::vector<std::string>{
          "t.json:1:13: error: targets[0].name: expected a name of 1 to 100 characters, found nothing"});
  CHECK(
    target_errors(
      R"({"targets":[{"name":"a","url":"http://h.test","site_id":1},{"name":" A ","url":"http://h.test","site_id":1}]})") ==
    std::vector<std::string>{"t.json:1:68: error: targets[1].name: expected a unique name, found \"A\" again"});
  CHECK(
    target_errors(
      R"({"distribution_strategy":"weighted","targets":[{"name":"a","url":"http://h.test","site_id":1,"weight":0}]})") ==
    std::vector<std::string>{
      "t.json:1:103: error: targets[0].weight: expected a weight ≥ 1 with distribution_strategy weighted, found 0"});
  CHECK(target_errors(one_target(R"("site_id":1,"enabled":"false")")) ==
        std::vector<std::string>{"t.json:1:77: error: targets[0].enabled: expected true or false, found \"false\""});
  CHECK(target_errors(one_target(R"("site_id":1,"sited":2)")) ==
        std::vector<std::string>{"t.json:1:67: error: targets[0].sited: unknown field; did you mean site_id?"});
  CHECK(target_errors(R"({"targets":[{"name":"a","url":"http://h.test","site_id":1}],"strategy":"random"})") ==
        std::vector<std::string>{"t.json:1:61: error: strategy: unknown field; did you mean distribution_strategy?"});
  CHECK(target_errors(
          R"({"distribution_strategy":"round_robin","targets":[{"name":"a","url":"http://h.test","site_id":1}]})") ==
        std::vector<std::string>{"t.json:1:26: error: distribution_strategy: expected one of "
                                 "round-robin|weighted|random|mirror, found \"round_robin\""});
}

TEST_CASE("targets: tokens come from ${ENV} or a file, never from another target", "[config]") {
  Diagnostics diags;
  auto config = parse_targets(R"({"targets":[{"name":"a","url":"http://h.test/","site_id":1,"token_auth":"${TOK_A}"},
                                              {"name":"b","url":"http://h.test/x/matomo.php","site_id":2}]})",
                              "t.json", diags, env_with({{"TOK_A", "secret"}}));
  REQUIRE(config);
  CHECK(config->targets[0].token_auth == "secret");
  CHECK(config->targets[0].url == "http://h.test/matomo.php");
  CHECK(config->targets[1].token_auth.empty());
  CHECK(
    target_errors(one_target(R"("site_id":1,"token_auth":"${MISSING}")")) ==
    std::vector<std::string>{
      "t.json:1:80: error: targets[0].token_auth: expected environment variable MISSING to be set, found it unset"});
  CHECK(target_errors(one_target(R"("site_id":1,"token_auth":"x","token_auth_file":"f")")) ==
        std::vector<std::string>{
          "t.json:1:84: error: targets[0].token_auth_file: expected either token_auth or token_auth_file, found both"});
  CHECK(target_errors(one_target(R"("site_id":1,"token_auth_file":"/nonexistent/tok")")) ==
        std::vector<std::string>{"t.json:1:85: error: targets[0].token_auth_file: cannot read /nonexistent/tok: cannot "
                                 "open: No such file or directory"});
}

TEST_CASE("funnels: a valid file with every step type parses", "[config]") {
  Diagnostics diags;
  auto funnels =
    parse_funnels(R"([{"name":"F","probability":0.5,"priority":2,"enabled":false,"exit_after_completion":false,"steps":[
    {"type":"pageview","url":"https://s.test/","delay_seconds_min":1},
    {"type":"event","event_category":"c","event_action":"a","event_name":"n","event_value":3},
    {"type":"site_search","search_keyword":"k","search_category":"c","search_results":4},
    {"type":"outlink","target_url":"https://o.test/"},
    {"type":"download","target_url":"/f.pdf"},
    {"type":"ecommerce","ecommerce_revenue":10,"ecommerce_subtotal":8,"ecommerce_tax":1,"ecommerce_shipping":1},
    {"type":"goal","goal_id":3,"goal_revenue":2.5}]}])",
                  "f.json", diags);
  REQUIRE(funnels);
  REQUIRE(funnels->size() == 1);
  const Funnel& f = funnels->front();
  CHECK(f.probability == 0.5);
  CHECK(f.priority == 2);
  CHECK_FALSE(f.enabled);
  CHECK_FALSE(f.exit_after_completion);
  REQUIRE(f.steps.size() == 7);
  CHECK(f.steps[0].delay_seconds_max == 1);
  CHECK(f.steps[1].event_value == 3);
  CHECK(f.steps[2].search_results == 4);
  CHECK(f.steps[6].type == StepType::goal);
  CHECK(f.steps[6].goal_id == 3);
  CHECK(f.steps[6].goal_revenue == 2.5);
}

TEST_CASE("funnels: every rule with its exact message", "[config]") {
  const std::string pv = R"({"type":"pageview"})";
  CHECK(funnel_errors(R"({})") ==
        std::vector<std::string>{"f.json:1:1: error: expected a JSON array of funnels, found {}"});
  CHECK(funnel_errors(R"([{"name":"F","steps":[]}])") ==
        std::vector<std::string>{"f.json:1:22: error: [0].steps: expected a non-empty array of steps, found []"});
  CHECK(funnel_errors(R"([{"steps":[)" + pv + "]}]") ==
        std::vector<std::string>{"f.json:1:2: error: [0]: expected a field \"name\", found none"});
  CHECK(funnel_errors(R"([{"name":"F","probability":2,"steps":[)" + pv + "]}]") ==
        std::vector<std::string>{"f.json:1:28: error: [0].probability: expected a number from 0 to 1, found 2"});
  CHECK(funnel_errors(R"([{"name":"F","steps":[{"type":"goal","goal_id":1}]}])") ==
        std::vector<std::string>{
          "f.json:1:31: error: [0].steps[0].type: expected the first step to be a pageview, found \"goal\""});
  CHECK(funnel_errors(R"([{"name":"F","steps":[)" + pv + R"(,{"type":"goal","goal_id":0}]}])") ==
        std::vector<std::string>{"f.json:1:68: error: [0].steps[1].goal_id: expected an integer ≥ 1, found 0"});
  CHECK(funnel_errors(R"([{"name":"F","steps":[)" + pv + R"(,{"type":"event","event_action":"a"}]}])") ==
        std::vector<std::string>{"f.json:1:43: error: [0].steps[1]: expected a field \"event_category\", found none"});
  CHECK(funnel_errors(R"([{"name":"F","steps":[)" + pv + R"(,{"type":"outlink"}]}])") ==
        std::vector<std::string>{"f.json:1:43: error: [0].steps[1]: expected a field \"target_url\", found none"});
  CHECK(funnel_errors(R"([{"name":"F","steps":[)" + pv + R"(,{"type":"site_search"}]}])") ==
        std::vector<std::string>{"f.json:1:43: error: [0].steps[1]: expected a field \"search_keyword\", found none"});
  CHECK(funnel_errors(R"([{"name":"F","steps":[{"type":"pageview","delay_seconds_min":4000}]}])") ==
        std::vector<std::string>{
          "f.json:1:62: error: [0].steps[0].delay_seconds_min: expected a number from 0 to 3600, found 4000"});
  CHECK(funnel_errors(R"([{"name":"F","steps":[{"type":"pageview","delay_seconds_min":5,"delay_seconds_max":2}]}])") ==
        std::vector<std::string>{
          "f.json:1:84: error: [0].steps[0].delay_seconds_max: expected a number ≥ delay_seconds_min (5), found 2"});
  CHECK(funnel_errors(R"([{"name":"F","steps":[)" + pv + R"(,{"type":"jump"}]}])") ==
        std::vector<std::string>{"f.json:1:51: error: [0].steps[1].type: expected one of "
                                 "pageview|event|site_search|outlink|download|ecommerce|goal, found \"jump\""});
  CHECK(funnel_errors(R"([{"name":"F","steps":[{"type":"pageview","event_category":"x"}]}])") ==
        std::vector<std::string>{"f.json:1:42: error: [0].steps[0].event_category: unknown field of a pageview step"});
  CHECK(funnel_errors(R"([{"name":"F","prio":1,"steps":[)" + pv + "]}]") ==
        std::vector<std::string>{"f.json:1:14: error: [0].prio: unknown field of funnel; did you mean priority?"});
  CHECK(funnel_errors(R"([{"name":"F","steps":[{"type":"pageview","title":"T"}]}])") ==
        std::vector<std::string>{
          "f.json:1:42: warning: [0].steps[0].title: ignored (the predecessor's loader ignored it too)"});
}

TEST_CASE("the URL catalogue reader takes URL and title and reports bad lines", "[config]") {
  Diagnostics diags;
  const auto c =
    parse_catalogue("# c\n\nhttps://a.test/x   Page X  \nhttp://a.test/y\nwww.a.test  T\n", "u.txt", diags);
  REQUIRE(c.pages.size() == 2);
  CHECK(c.pages[0].url == "https://a.test/x");
  CHECK(c.pages[0].title == "Page X");
  CHECK(c.pages[1].title.empty());
  CHECK(formatted(diags) ==
        std::vector<std::string>{
          "u.txt:5:1: error: expected an http(s) URL at the start of the line, found \"www.a.test\""});
  Diagnostics empty;
  parse_catalogue("# nothing\n", "u.txt", empty);
  CHECK(formatted(empty) == std::vector<std::string>{"u.txt: error: expected at least one URL, found none"});
}

TEST_CASE("the built-in catalogue has at least 2,000 pages with titles", "[config]") {
  const UrlCatalogue& c = builtin_catalogue();
  CHECK(c.pages.size() >= 2000);
  for (const auto& page : c.pages) {
    REQUIRE_FALSE(page.title.empty());
  }
}

TEST_CASE("load_funnels and load_catalogue throw one error listing all problems", "[config]") {
  try {
    load_funnels(TF_TEST_DATA_DIR "/config/funnels-invalid.json");
    FAIL("no error thrown");
  } catch (const tf::Error& e) {
    const std::string msg = e.what();
    CHECK(std::count(msg.begin(), msg.end(), '\n') == 6);
  }
  CHECK_THROWS_AS(load_catalogue(TF_TEST_DATA_DIR "/config/urls-invalid.txt"), tf::Error);
  CHECK(load_catalogue(TF_TEST_DATA_DIR "/config/urls.txt").pages.size() == 2);
}

TEST_CASE("any bytes give errors, never a crash or a hang", "[config]") {
  const std::string deep_array = std::string(100000, '[') + std::string(100000, ']');
  const std::string deep_object = [] {
    std::string s;
    for (int i = 0; i < 5000; ++i) {
      s += "{\"a\":";
    }
    return s + "1" + std::string(5000, '}');
  }();
  std::string binary;
  for (int i = 0; i < 4096; ++i) {
    binary += static_cast<char>((i * 7919) % 256);
  }
  const std::string huge(3'000'000, 'x');
  const std::vector<std::string> inputs = {"",
                                           binary,
                                           deep_array,
                                           deep_object,
                                           "\xff\xfe{",
                                           "{\"targets\":\"\xc3\x28\"}",
                                           huge,
                                           std::string("{\"a\":\0}", 7),
                                           "[1,2",
                                           "nul\0l",
                                           "{\"targets\":[{\"name\":1e999}]}"};
  for (const auto& input : inputs) {
    Diagnostics t;
    CHECK_FALSE(parse_targets(input, "t", t, env_with({})).has_value());
    CHECK(t.has_errors());
    Diagnostics f;
    CHECK_FALSE(parse_funnels(input, "f", f).has_value());
    CHECK(f.has_errors());
    Diagnostics c;
    parse_catalogue(input, "c", c);
    CHECK(c.has_errors());
  }
  Diagnostics deep;
  parse_targets(deep_array, "t", deep, env_with({}));
  CHECK(format(deep.items().at(0)) ==
        "t:1:65: error: expected JSON nested at most 64 levels deep, found deeper nesting");
}
