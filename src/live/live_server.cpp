#include "live/live_server.hpp"

#include <httplib.h>

#include <charconv>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace tf::live {
namespace {

/// Same-origin requests only; the page's script and style are inline.
constexpr const char* k_page_policy =
  "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; "
  "connect-src 'self'; base-uri 'none'; form-action 'none'";
constexpr const char* k_prometheus_type = "text/plain; version=0.0.4; charset=utf-8";
constexpr const char* k_openmetrics_type = "application/openmetrics-text; version=1.0.0; charset=utf-8";
constexpr std::size_t k_threads = 2;
constexpr const char* k_unauthorised =
  R"json({"error":"unauthorised: send Authorization: Bearer TOKEN, the token of LISTEN_TOKEN_FILE"})json";

[[noreturn]] void bad_listen(std::string_view text) {
  throw Error(fmt::format("LISTEN: expected ADDR:PORT (127.0.0.1:9090, [::1]:9090, 0.0.0.0:0), found \"{}\"", text));
}

void json_answer(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json");
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

/// Equal, without an early exit on the first different byte; an empty secret matches nothing.
bool same_secret(std::string_view given, std::string_view secret) {
  if (secret.empty() || given.size() != secret.size()) {
    return false;
  }
  unsigned char diff = 0;
  for (std::size_t i = 0; i < given.size(); ++i) {
    diff |= static_cast<unsigned char>(given[i] ^ secret[i]);
  }
  return diff == 0;
}

}  // namespace

Endpoint parse_listen(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    bad_listen(text);
  }
  Endpoint at;
  std::string_view host = text.substr(0, colon);
  if (host.starts_with('[')) {
    if (!host.ends_with(']') || host.size() < 3) {
      bad_listen(text);
    }
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    bad_listen(text);  // an IPv6 address needs its brackets
  }
  at.host = host.empty() ? "127.0.0.1" : std::string(host);
  const std::string_view port = text.substr(colon + 1);
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), at.port);
  if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || at.port < 0 || at.port > 65535) {
    bad_listen(text);
  }
  return at;
}

bool is_loopback(std::string_view host) { return host == "localhost" || host == "::1" || host.starts_with("127."); }

std::string read_token_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf())) {
    throw Error(fmt::format("LISTEN_TOKEN_FILE {}: cannot read it", path));
  }
  std::string token = trimmed(text.str());
  if (token.empty()) {
    throw Error(fmt::format("LISTEN_TOKEN_FILE {}: expected a token, found an empty file", path));
  }
  return token;
}

LiveServer::LiveServer(const Endpoint& at, std::string token, std::string page_html, Controls controls)
  : m_http(std::make_unique<httplib::Server>()), m_token(std::move(token)), m_page(std::move(page_html)),
    m_controls(std::move(controls)) {
  if (!is_loopback(at.host) && m_token.empty()) {
    throw Error(
      fmt::format("LISTEN {}: an address other than loopback needs LISTEN_TOKEN_FILE (--listen-token FILE)", at.host));
  }
  m_http->new_task_queue = [] { return new httplib::ThreadPool(k_threads); };
  routes();
  m_port = at.port == 0 ? m_http->bind_to_any_port(at.host) : (m_http->bind_to_port(at.host, at.port) ? at.port : -1);
  if (m_port <= 0) {
    throw Error(
      fmt::format("LISTEN {}:{}: cannot listen there (in use, or not an address of this host)", at.host, at.port),
      ExitCode::runtime);
  }
  m_thread = std::thread([this] { m_http->listen_after_bind(); });
}

LiveServer::~LiveServer() { stop(); }

void LiveServer::stop() {
  if (m_thread.joinable()) {
    m_http->stop();
    m_thread.join();
  }
}

void LiveServer::publish(std::shared_ptr<const Content> content) {
  std::lock_guard lock(m_mutex);
  m_content = std::move(content);
}

std::shared_ptr<const Content> LiveServer::content() const {
  std::lock_guard lock(m_mutex);
  return m_content ? m_content : std::make_shared<const Content>();
}

bool LiveServer::authorised(const std::string& header) const {
  constexpr std::string_view k_bearer = "Bearer ";
  return header.starts_with(k_bearer) && same_secret(std::string_view(header).substr(k_bearer.size()), m_token);
}

void LiveServer::routes() {
  m_http->Get("/", [this](const httplib::Request&, httplib::Response& res) {
    res.set_header("Content-Security-Policy", k_page_policy);
    res.set_header("Cache-Control", "no-store");
    const auto c = content();
    res.set_content(c->page_html.get().empty() ? m_page : c->page_html.get(), "text/html; charset=utf-8");
  });
  m_http->Get("/data", [this](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    json_answer(res, 200, content()->data_json.get());
  });
  m_http->Get("/status", [this](const httplib::Request&, httplib::Response& res) {
    json_answer(res, 200, content()->status_json.get());
  });
  m_http->Get("/metrics", [this](const httplib::Request& req, httplib::Response& res) {
    const auto c = content();
    if (req.get_header_value("Accept").find("application/openmetrics-text") != std::string::npos) {
      res.set_content(c->openmetrics_text.get(), k_openmetrics_type);
    } else {
      res.set_content(c->metrics_text.get(), k_prometheus_type);
    }
  });
  // Before routing, so that a POST without a body and without Content-Length (`curl -X POST`)
  // is answered at once instead of waiting for a body until the read timeout.
  m_http->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (req.method != "POST" || (req.path != "/stop" && req.path != "/speed")) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    control(req, res);
    return httplib::Server::HandlerResponse::Handled;
  });
}

void LiveServer::control(const httplib::Request& req, httplib::Response& res) {
  if (!authorised(req.get_header_value("Authorization"))) {
    return json_answer(res, 401, k_unauthorised);
  }
  if (req.path == "/stop") {
    m_controls.stop();
    return json_answer(res, 202, R"({"stopping":true})");
  }
  const std::string text = req.get_param_value("value");
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const std::string why = text.empty() || ec != std::errc{} || end != text.data() + text.size()
    ? fmt::format("value: expected a number such as 2 or 0.5, found \"{}\"", text)
    : m_controls.speed(value);
  if (!why.empty()) {
    return json_answer(res, 400, nlohmann::json{{"error", why}}.dump());
  }
  json_answer(res, 200, fmt::format(R"({{"speed":{}}})", value));
}

}  // namespace tf::live
