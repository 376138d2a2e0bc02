#include "config/network.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <utility>

#include <fmt/format.h>

#include "config/url.hpp"
#include "util/units.hpp"

namespace tf::config {
namespace {

bool has_blank(std::string_view text) { return text.find_first_of(" \t\r\n") != std::string_view::npos; }

/// Takes a host from the front of `text`: "[v6]" or everything up to the next ':'.
std::string_view take_host(std::string_view& text) {
  std::size_t end = 0;
  if (!text.empty() && text.front() == '[') {
    end = text.find(']');
    end = end == std::string_view::npos ? text.size() : end + 1;
  } else {
    end = std::min(text.find(':'), text.size());
  }
  const std::string_view host = text.substr(0, end);
  text.remove_prefix(end);
  return host;
}

/// Takes ":PORT" from the front of `text`; false when there is no ':'. `port` is empty or digits.
bool take_port(std::string_view& text, std::string_view& port) {
  if (text.empty() || text.front() != ':') {
    return false;
  }
  text.remove_prefix(1);
  const std::size_t end = std::min(text.find(':'), text.size());
  port = text.substr(0, end);
  text.remove_prefix(end);
  return true;
}

bool is_port(std::string_view port) {
  const auto v = parse_int(port);
  return v && *v >= 1 && *v <= 65535;
}

}  // namespace

NetworkSpec overlay(const NetworkSpec& base, const NetworkSpec& over) {
  NetworkSpec out = base;
  const auto pick = [](std::string& field, const std::string& value) {
    if (!value.empty()) {
      field = value;
    }
  };
  pick(out.ca_bundle, over.ca_bundle);
  pick(out.ca_path, over.ca_path);
  pick(out.client_cert, over.client_cert);
  pick(out.client_key, over.client_key);
  pick(out.proxy, over.proxy);
  out.use_env_proxy = base.use_env_proxy || over.use_env_proxy;
  if (!over.resolve.empty()) {
    out.resolve = over.resolve;
  }
  if (!over.connect_to.empty()) {
    out.connect_to = over.connect_to;
  }
  return out;
}

std::vector<std::string> split_entries(std::string_view text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t start = text.find_first_not_of(" \t\r\n", at);
    if (start == std::string_view::npos) {
      break;
    }
    const std::size_t end = std::min(text.find_first_of(" \t\r\n", start), text.size());
    out.emplace_back(text.substr(start, end - start));
    at = end;
  }
  return out;
}

std::string check_resolve(std::string_view entry) {
  constexpr const char* k_expected = "expected HOST:PORT:ADDR[,ADDR…] (or -HOST:PORT to remove)";
  const bool remove = !entry.empty() && entry.front() == '-';
  if (!entry.empty() && (entry.front() == '+' || remove)) {
    entry.remove_prefix(1);
  }
  std::string_view rest = entry;
  const std::string_view host = take_host(rest);
  std::string_view port;
  if (host.empty() || has_blank(entry) || !take_port(rest, port) || !is_port(port)) {
    return k_expected;
  }
  if (remove) {
    return rest.empty() ? "" : k_expected;
  }
  if (rest.size() < 2 || rest.front() != ':') {
    return k_expected;
  }
  const std::string_view addrs = rest.substr(1);
  return addrs.front() == ',' || addrs.back() == ',' || addrs.find(",,") != std::string_view::npos ? k_expected : "";
}

std::string check_connect_to(std::string_view entry) {
  constexpr const char* k_expected = "expected HOST1:PORT1:HOST2:PORT2 (any part may be empty)";
  if (has_blank(entry)) {
    return k_expected;
  }
  std::string_view rest = entry;
  for (int part = 0; part < 2; ++part) {
    take_host(rest);
    std::string_view port;
    if (!take_port(rest, port) || (!port.empty() && !is_port(port))) {
      return k_expected;
    }
    if (part == 0 && (rest.empty() || rest.front() != ':')) {
      return k_expected;
    }
    if (part == 0) {
      rest.remove_prefix(1);
    }
  }
  return rest.empty() ? "" : k_expected;
}

std::string check_proxy(std::string_view url) {
  constexpr const char* k_expected =
    "expected a proxy URL such as http://HOST:PORT (http, https, socks4, socks4a, socks5, socks5h)";
  if (url.empty() || has_blank(url)) {
    return k_expected;
  }
  std::string_view rest = url;
  if (const auto scheme_end = url.find("://"); scheme_end != std::string_view::npos) {
    const std::string scheme = to_lower(url.substr(0, scheme_end));
    if (scheme != "http" && scheme != "https" && scheme != "socks4" && scheme != "socks4a" && scheme != "socks5" &&
        scheme != "socks5h") {
      return k_expected;
    }
    rest = url.substr(scheme_end + 3);
  }
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    rest.remove_prefix(at + 1);
  }
  return take_host(rest).empty() ? k_expected : "";
}

std::string network_path_problem(const std::string& path, bool directory) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    return fmt::format("expected an existing {}, found none at \"{}\"", directory ? "directory" : "file", path);
  }
  if (directory != std::filesystem::is_directory(status)) {
    return fmt::format("expected a {}, found {} at \"{}\"", directory ? "directory" : "file",
                       directory ? "a file" : "a directory", path);
  }
  if (!directory && !std::ifstream(path).is_open()) {
    return fmt::format("expected a readable file, found \"{}\" unreadable", path);
  }
  return "";
}

std::string describe_proxy(const NetworkSpec& network) {
  if (!network.proxy.empty()) {
    return redact_url(network.proxy);
  }
  if (!network.use_env_proxy) {
    return "direct";
  }
  std::string found;
  for (const char* name :
       {"https_proxy", "HTTPS_PROXY", "http_proxy", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"}) {
    if (const char* value = std::getenv(name); value != nullptr && *value != '\0') {
      found += fmt::format("{}{}={}", found.empty() ? "" : ", ", name, redact_url(value));
    }
  }
  return fmt::format("environment ({})", found.empty() ? "no proxy variable set: direct" : found);
}

namespace {

/// " resolve=… connect_to=…" for each pinned address; "" without any.
std::string pinned_addresses(const NetworkSpec& n) {
  std::string text;
  for (const auto& entry : n.resolve) {
    text += " resolve=" + entry;
  }
  for (const auto& entry : n.connect_to) {
    text += " connect_to=" + entry;
  }
  return text;
}

}  // namespace

std::string describe_network(const NetworkSpec& n) {
  std::string text = "proxy=" + describe_proxy(n);
  const std::pair<const char*, const std::string*> fields[] = {
    {"cacert", &n.ca_bundle}, {"capath", &n.ca_path}, {"cert", &n.client_cert}, {"key", &n.client_key}};
  for (const auto& [name, value] : fields) {
    if (!value->empty()) {
      text += fmt::format(" {}={}", name, *value);
    }
  }
  return text + pinned_addresses(n);
}

std::string describe_route(const NetworkSpec& n) { return "proxy=" + describe_proxy(n) + pinned_addresses(n); }

}  // namespace tf::config
