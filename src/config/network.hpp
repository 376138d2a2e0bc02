#pragma once
// How a target is reached over the network: trust (CA bundle or directory), a client certificate,
// a proxy, pinned addresses (curl's --resolve and --connect-to). Set for all targets by the
// settings CA_BUNDLE, CA_PATH, CLIENT_CERT, CLIENT_KEY, PROXY, USE_ENV_PROXY, RESOLVE and
// CONNECT_TO, and per target in the targets JSON (cacert, capath, cert, key, proxy, resolve,
// connect_to), where a field given replaces the setting for that target.
#include <string>
#include <string_view>
#include <vector>

#include "util/network.hpp"

namespace tf::config {

/// The network options of a target (see util/network.hpp).
using NetworkSpec = NetworkOptions;

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

/// Which proxy applies, for --show-config: "direct", the proxy URL (redacted) or
/// "environment (https_proxy=…, no_proxy=…)" as the process environment has them now.
std::string describe_proxy(const NetworkSpec& network);

/// "proxy=direct cacert=FILE resolve=… connect_to=…": which proxy applies (describe_proxy), and
/// the trust, client certificate and pinned addresses when set (the key file's name only), for
/// --show-config.
std::string describe_network(const NetworkSpec& network);

/// "proxy=direct resolve=… connect_to=…": the route a request takes (describe_network without
/// trust and client certificate), for validate --probe.
std::string describe_route(const NetworkSpec& network);

}  // namespace tf::config
