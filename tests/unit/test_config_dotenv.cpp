#include <catch2/catch.hpp>

#include <map>

#include "config/dotenv.hpp"

using namespace tf::config;

namespace {

EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

std::vector<EnvEntry> parse(std::string_view text, Diagnostics& diags, std::map<std::string, std::string> vars = {}) {
  return parse_env(text, "a.env", diags, fake_env(std::move(vars)));
}

std::vector<std::string> messages(const Diagnostics& diags) {
  std::vector<std::string> out;
  for (const auto& d : diags.items()) {
    out.push_back(format(d));
  }
  return out;
}

}  // namespace

TEST_CASE("the .env reader keeps keys, values and line numbers and skips comments and blanks", "[config]") {
  Diagnostics diags;
  const auto entries = parse("# comment\n\nA=1\n  B = two words  \nexport C=3\n", diags);
  REQUIRE(diags.items().empty());
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].key == "A");
  CHECK(entries[0].value == "1");
  CHECK(entries[0].line == 3);
  CHECK(entries[1].value == "two words");
  CHECK(entries[1].line == 4);
  CHECK(entries[2].key == "C");
  CHECK(entries[2].line == 5);
}

TEST_CASE("single quotes are literal and double quotes take escapes and expansion", "[config]") {
  Diagnostics diags;
  const auto entries = parse(R"(S='a ${HOME} \n # not a comment'
D="tab\there \"q\" \\ \$HOME ${USER}x"
E="line\nbreak" # comment after quotes
)",
                             diags, {{"USER", "ann"}, {"HOME", "/h"}});
  REQUIRE(diags.items().empty());
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].value == R"(a ${HOME} \n # not a comment)");
  CHECK(entries[1].value == "tab\there \"q\" \\ $HOME annx");
  CHECK(entries[2].value == "line\nbreak");
}

TEST_CASE("unquoted values drop a trailing comment and expand variables", "[config]") {
  Diagnostics diags;
  const auto entries = parse("A=${X}/path # why\nB=a#b\n", diags, {{"X", "/srv"}});
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].value == "/srv/path");
  CHECK(entries[1].value == "a#b");
}

TEST_CASE("an unset variable expands to nothing with a warning", "[config]") {
  Diagnostics diags;
  const auto entries = parse("TOKEN=${NOPE}\n", diags);
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].value.empty());
  CHECK(messages(diags) ==
        std::vector<std::string>{"a.env:1: warning: TOKEN: ${NOPE} is not set in the environment; expanded to \"\""});
}

TEST_CASE("CRLF line ends and a UTF-8 BOM are accepted", "[config]") {
  Diagnostics diags;
  const auto entries = parse("\xEF\xBB\xBF"
                             "A=1\r\nB=\"x\"\r\n",
                             diags);
  REQUIRE(diags.items().empty());
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].key == "A");
  CHECK(entries[0].value == "1");
  CHECK(entries[1].value == "x");
}

TEST_CASE("a line without '=' is an error naming the line, and reading goes on", "[config]") {
  Diagnostics diags;
  const auto entries = parse("A=1\njust words\nB=2\n", diags);
  CHECK(entries.size() == 2);
  CHECK(messages(diags) == std::vector<std::string>{"a.env:2: error: expected KEY=VALUE, found \"just words\""});
}

TEST_CASE("malformed quotes, keys and variables are errors", "[config]") {
  Diagnostics diags;
  parse("A=\"open\nB='open\nC=\"x\" y\n1X=2\nD=${BAD\n", diags);
  CHECK(messages(diags) ==
        std::vector<std::string>{
          "a.env:1: error: A: expected a closing \", found the end of the line",
          "a.env:2: error: B: expected a closing ', found the end of the line",
          "a.env:3: error: C: expected nothing or a # comment after the closing \", found \"y\"",
          "a.env:4: error: expected a key of letters, digits and _ before '=', found \"1X\"",
          "a.env:5: error: D: expected ${NAME} with a valid variable name, found an unclosed or invalid ${",
        });
}

TEST_CASE("syntax errors never echo a secret's value", "[config]") {
  Diagnostics diags;
  parse("MATOMO_TOKEN_AUTH=\"0123\"4567\nMY_PASSWORD='ab'cd\nMATOMO_TOKEN_AUTH 89ab\n", diags);
  CHECK(messages(diags) ==
        std::vector<std::string>{
          "a.env:1: error: MATOMO_TOKEN_AUTH: expected nothing or a # comment after the closing \", found more text",
          "a.env:2: error: MY_PASSWORD: expected nothing or a # comment after the closing ', found more text",
          "a.env:3: error: expected KEY=VALUE, found a line without '=' naming a secret",
        });
}

TEST_CASE("a duplicate key is a warning naming both lines and the later value wins", "[config]") {
  Diagnostics diags;
  const auto entries = parse("A=1\nB=2\nA=3\n", diags);
  CHECK(entries.size() == 3);
  CHECK(entries.back().value == "3");
  CHECK(messages(diags) ==
        std::vector<std::string>{"a.env:3: warning: A: duplicate key: also set on line 1; line 3 wins"});
}

TEST_CASE("binary and invalid UTF-8 lines are errors, never a crash", "[config]") {
  Diagnostics diags;
  const std::string text("A=1\n\x00\x01\x02=\xff\nB=\xc3\x28\n", 13);
  const auto entries = parse(text, diags);
  CHECK(entries.size() == 1);
  CHECK(diags.error_count() == 2);
  CHECK(format(diags.items()[0]) == "a.env:2: error: expected UTF-8 text, found invalid or NUL bytes");
}

TEST_CASE("valid UTF-8 text passes the text check", "[config]") {
  CHECK(is_valid_text("plain"));
  CHECK(is_valid_text("Å ä ö € 𝄞"));
  CHECK_FALSE(is_valid_text("\xe2\x82"));
  CHECK_FALSE(is_valid_text("\xed\xa0\x80"));  // UTF-16 surrogate
  CHECK_FALSE(is_valid_text("\xc0\xaf"));  // overlong
}
