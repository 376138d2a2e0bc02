#pragma once
// The live view's HTTP server (`--listen ADDR:PORT`), on its own threads (cpp-httplib). It
// serves content rendered elsewhere and replaced about once a second (publish), so a request
// never touches the run's metrics and the delivery loops never wait on it:
//   GET /         the live page (HTML, no external resources; Content-Security-Policy)
//   GET /data     the page's data (JSON, report::report_data)
//   GET /status   the summary JSON, live
//   GET /metrics  Prometheus text 0.0.4, or OpenMetrics 1.0 when Accept asks for it
//   POST /stop    a graceful drain; POST /speed?value=X sets SPEED
// Control requests need "Authorization: Bearer TOKEN" (LISTEN_TOKEN_FILE); without a token
// file they are refused (401) like a wrong token.
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "live/lazy_text.hpp"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace tf::live {

struct Endpoint {
  std::string host;  ///< an IPv4 or IPv6 address or a host name, without brackets
  int port = 0;  ///< 0: any free port
};

/// Parses LISTEN: "ADDR:PORT", "[IPV6]:PORT" or ":PORT" (loopback). Throws tf::Error
/// (ExitCode::usage) naming LISTEN, the expected form and the value found.
Endpoint parse_listen(std::string_view text);
/// 127.0.0.0/8, ::1 and "localhost".
bool is_loopback(std::string_view host);
/// The token in `path` (surrounding whitespace dropped). Throws tf::Error (usage) naming
/// LISTEN_TOKEN_FILE and the file when it cannot be read or is empty; the token never appears.
std::string read_token_file(const std::string& path);

/// What the server answers with, made from one snapshot; replaced as a whole by publish().
/// Each text is rendered on its first request (by the server's thread), so a format nobody
/// asks for costs nothing.
struct Content {
  Lazy<std::string> page_html;  ///< the page with the latest data inline; empty: the page given at start
  Lazy<std::string> data_json;
  Lazy<std::string> status_json;
  Lazy<std::string> metrics_text;
  Lazy<std::string> openmetrics_text;
};

struct Controls {
  std::function<void()> stop;  ///< POST /stop
  /// POST /speed: sets SPEED to `value`; returns "" when done, else why not (answered 400).
  std::function<std::string(double value)> speed;
};

class LiveServer {
public:
  /// Binds `at` (throws tf::Error, ExitCode::runtime, naming LISTEN when it cannot) and starts
  /// serving. `token` empty: every control request gets 401. A non-loopback address without a
  /// token is refused (tf::Error, usage).
  LiveServer(const Endpoint& at, std::string token, std::string page_html, Controls controls);
  ~LiveServer();
  LiveServer(const LiveServer&) = delete;
  LiveServer& operator=(const LiveServer&) = delete;

  /// The bound port (the chosen one when Endpoint::port was 0).
  int port() const noexcept { return m_port; }
  /// Replaces the content served from now on (thread-safe).
  void publish(std::shared_ptr<const Content> content);
  /// Stops serving and joins the threads (idempotent).
  void stop();

private:
  void routes();
  /// POST /stop and POST /speed.
  void control(const httplib::Request& req, httplib::Response& res);
  std::shared_ptr<const Content> content() const;
  bool authorised(const std::string& header) const;

  std::unique_ptr<httplib::Server> m_http;
  std::string m_token;
  std::string m_page;
  Controls m_controls;
  int m_port = 0;
  mutable std::mutex m_mutex;
  std::shared_ptr<const Content> m_content;
  std::thread m_thread;
};

}  // namespace tf::live
