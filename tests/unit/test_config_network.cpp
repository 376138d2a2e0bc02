#include <catch2/catch.hpp>

#include <map>

#include "config/loader.hpp"
#include "config/network.hpp"
#include "config/targets_json.hpp"
#include "config/url.hpp"
#include "temp_dir.hpp"

using namespace tf::config;
using tf::testing::TempDir;

namespace {

std::vector<std::string> network_target_errors(const std::string& text, const std::string& base_dir = "") {
  Diagnostics diags;
  parse_targets(
    text, "t.json", diags, [](const std::string&) { return std::nullopt; }, base_dir);
  std::vector<std::string> out;
  for (const auto& d : diags.items()) {
    out.push_back(format(d));
  }
  return out;
}

Settings load_with(std::map<std::string, std::string> environment, std::vector<FlagValue> flags = {}) {
  LoadRequest r;
  r.environment = std::move(environment);
  r.flags = std::move(flags);
  r.today = date::sys_days{date::year{2026} / 6 / 15};
  Loader loader(r);
  return loader.load();
}

}  // namespace

TEST_CASE("RESOLVE entries follow curl's --resolve syntax", "[config]") {
  CHECK(check_resolve("matomo.test:443:127.0.0.1").empty());
  CHECK(check_resolve("matomo.test:443:127.0.0.1,[::1]").empty());
  CHECK(check_resolve("+matomo.test:8443:[::1]").empty());
  CHECK(check_resolve("-matomo.test:443").empty());
  CHECK(check_resolve("[::1]:443:127.0.0.1").empty());
  const std::string expected = "expected HOST:PORT:ADDR[,ADDR…] (or -HOST:PORT to remove)";
  CHECK(check_resolve("matomo.test:443") == expected);
  CHECK(check_resolve("matomo.test:443:") == expected);
  CHECK(check_resolve("matomo.test:http:127.0.0.1") == expected);
  CHECK(check_resolve("matomo.test:70000:127.0.0.1") == expected);
  CHECK(check_resolve(":443:127.0.0.1") == expected);
  CHECK(check_resolve("matomo.test:443:127.0.0.1,") == expected);
  CHECK(check_resolve("-matomo.test:443:127.0.0.1") == expected);
}

TEST_CASE("CONNECT_TO entries follow curl's --connect-to syntax, any part empty", "[config]") {
  CHECK(check_connect_to("matomo.test:443:127.0.0.1:8443").empty());
  CHECK(check_connect_to("::node2.example:").empty());
  CHECK(check_connect_to("matomo.test::[::1]:").empty());
  CHECK(check_connect_to(":::").empty());
  const std::string expected = "expected HOST1:PORT1:HOST2:PORT2 (any part may be empty)";
  CHECK(check_connect_to("matomo.test:443:127.0.0.1") == expected);
  CHECK(check_connect_to("matomo.test:443:127.0.0.1:8443:9") == expected);
  CHECK(check_connect_to("a:b:c:d") == expected);
  CHECK(check_connect_to("") == expected);
}

TEST_CASE("a proxy URL has a known scheme and a host; its password is redacted", "[config]") {
  CHECK(check_proxy("http://proxy.example:3128").empty());
  CHECK(check_proxy("proxy.example:3128").empty());
  CHECK(check_proxy("socks5h://user:pw@127.0.0.1:1080").empty());
  CHECK_FALSE(check_proxy("ftp://proxy.example").empty());
  CHECK_FALSE(check_proxy("http://").empty());
  CHECK_FALSE(check_proxy("http://a b").empty());
  CHECK(redact_url("http://user:secret@proxy:3128/") == "http://user:***@proxy:3128/");
  CHECK(redact_url("http://user@proxy:3128") == "http://user@proxy:3128");
  CHECK(redact_url("user:p@ss@proxy:1") == "user:***@proxy:1");
  CHECK(redact_url("http://proxy:3128/a@b") == "http://proxy:3128/a@b");
}

TEST_CASE("RESOLVE and CONNECT_TO split on blanks; a target's fields replace the settings'", "[config]") {
  CHECK(split_entries("  a:1:127.0.0.1,::1\tb:2:127.0.0.2 \n") ==
        std::vector<std::string>{"a:1:127.0.0.1,::1", "b:2:127.0.0.2"});
  NetworkSpec base;
  base.ca_bundle = "/ca.pem";
  base.proxy = "http://p:1";
  base.resolve = {"a:1:127.0.0.1"};
  NetworkSpec over;
  over.client_cert = "/c.pem";
  over.resolve = {"b:2:127.0.0.2"};
  const NetworkSpec both = overlay(base, over);
  CHECK(both.ca_bundle == "/ca.pem");
  CHECK(both.client_cert == "/c.pem");
  CHECK(both.proxy == "http://p:1");
  CHECK(both.resolve == std::vector<std::string>{"b:2:127.0.0.2"});
}

TEST_CASE("CA_BUNDLE falls back to CURL_CA_BUNDLE, then SSL_CERT_FILE, with that origin", "[config]") {
  TempDir dir;
  const std::string a = dir.write("a.pem", "x");
  const std::string b = dir.write("b.pem", "x");
  Settings s = load_with({{"SSL_CERT_FILE", a}, {"SSL_CERT_DIR", dir.path().string()}});
  CHECK(s.ca_bundle == a);
  CHECK(describe(s.origins.at("CA_BUNDLE")) == "environment SSL_CERT_FILE");
  CHECK(s.ca_path == dir.path().string());
  s = load_with({{"SSL_CERT_FILE", a}, {"CURL_CA_BUNDLE", b}});
  CHECK(s.ca_bundle == b);
  CHECK(describe(s.origins.at("CA_BUNDLE")) == "environment CURL_CA_BUNDLE");
  s = load_with({{"SSL_CERT_FILE", a}}, {{"CA_BUNDLE", b, "--cacert"}});
  CHECK(s.ca_bundle == b);
  CHECK(describe(s.origins.at("CA_BUNDLE")) == "--cacert");
  s = load_with({});
  CHECK(s.ca_bundle.empty());
  CHECK(s.origins.count("CA_BUNDLE") == 0);
}

TEST_CASE("a target's network fields are read, checked and located", "[config]") {
  TempDir dir;
  dir.write("ca.pem", "x");
  Diagnostics diags;
  const auto targets = parse_targets(
    R"({"targets":[{"name":"a","url":"https://m.test/","site_id":1,"cacert":"ca.pem","proxy":"http://p:3128",
        "resolve":["m.test:443:127.0.0.1"],"connect_to":"m.test:443:127.0.0.1:8443"}]})",
    "t.json", diags, [](const std::string&) { return std::nullopt; }, dir.path().string());
  REQUIRE(targets);
  const NetworkSpec& n = targets->targets[0].network;
  CHECK(n.ca_bundle == dir.file("ca.pem"));
  CHECK(n.proxy == "http://p:3128");
  CHECK(n.resolve == std::vector<std::string>{"m.test:443:127.0.0.1"});
  CHECK(n.connect_to == std::vector<std::string>{"m.test:443:127.0.0.1:8443"});
  CHECK(network_target_errors(R"({"targets":[{"name":"a","url":"https://m.test/","site_id":1,
    "resolve":["m.test:443"],"proxy":"ftp://u:pw@p","key":"k.pem"}]})") ==
        std::vector<std::string>{
          "t.json:2:59: error: targets[0].key: expected an existing file, found none at \"k.pem\"",
          "t.json:2:38: error: targets[0].proxy: expected a proxy URL such as http://HOST:PORT (http, https, socks4, "
          "socks4a, socks5, socks5h), found \"ftp://u:***@p\"",
          "t.json:2:16: error: targets[0].resolve: expected HOST:PORT:ADDR[,ADDR…] (or -HOST:PORT to remove), found "
          "\"m.test:443\"",
        });
}
