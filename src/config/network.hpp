#pragma once
// How a target is reached over the network: trust (CA bundle or directory), a client certificate,
// a proxy, pinned addresses (curl's --resolve and --connect-to). Set for all targets by the
// settings CA_BUNDLE, CA_PATH, CLIENT_CERT, CLIENT_KEY, PROXY, USE_ENV_PROXY, RESOLVE and
// CONNECT_TO, and per target in the targets JSON (cacert, capath, cert, key, proxy, resolve,
// connect_to), where a field given replaces the setting for that target.
#include <string>
#include <string_view>
#include <vector>

namespace tf::config {

struct NetworkSpec {
  std::string ca_bundle;    ///< PEM file of trusted CAs; empty: libcurl's default
  std::string ca_path;      ///< directory of hashed CA certificates; empty: libcurl's default
  std::string client_cert;  ///< PEM client certificate (mTLS); empty: none
  std::string client_key;   ///< its private key file (never read here, never printed)
  std::string proxy;        ///< proxy URL; empty: none (see use_env_proxy)
  bool use_env_proxy = false;  ///< no proxy given: honour https_proxy/http_proxy/no_proxy
  std::vector<std::string> resolve;     ///< curl --resolve entries HOST:PORT:ADDR[,ADDR…]
  std::vector<std::string> connect_to;  ///< curl --connect-to entries HOST1:PORT1:HOST2:PORT2

  bool operator==(const NetworkSpec&) const = default;
};

/// `over` on top of `base`: every field `over` gives (non-empty) replaces base's.
NetworkSpec overlay(const NetworkSpec& base, const NetworkSpec& over);

/// Splits a RESOLVE or CONNECT_TO setting: entries separated by blanks (curl's ADDR lists use
/// commas, so commas stay inside an entry).
std::vector<std::string> split_entries(std::string_view text);

/// "" when `entry` is a curl --resolve entry ([+]HOST:PORT:ADDR[,ADDR…] or -HOST:PORT), else
/// what was expected.
std::string check_resolve(std::string_view entry);

/// "" when `entry` is a curl --connect-to entry (HOST1:PORT1:HOST2:PORT2, any part may be
/// empty; IPv6 addresses in brackets), else what was expected.
std::string check_connect_to(std::string_view entry);

/// "" when `url` is a proxy URL (http, https, socks4, socks4a, socks5 or socks5h with a host;
/// no scheme means http), else what was expected.
std::string check_proxy(std::string_view url);

/// "" when `path` is an existing readable file (a directory when `directory`), else the problem
/// ("expected an existing file, found none at \"…\"").
std::string network_path_problem(const std::string& path, bool directory);

/// `url` with any password in its user part replaced by *** (user:***@host).
std::string redact_userinfo(std::string_view url);

/// Which proxy applies, for --show-config: "direct", the proxy URL (redacted) or
/// "environment (https_proxy=…, no_proxy=…)" as the process environment has them now.
std::string describe_proxy(const NetworkSpec& network);

} // namespace tf::config
