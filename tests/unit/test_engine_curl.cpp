// The real libcurl transport against a tiny HTTP/1.1 server on 127.0.0.1 started by the test.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "test_engine_support.hpp"

using namespace tf;
using namespace tf::engine;
using namespace tf::engine::testing;

namespace {

/// Accepts connections on an ephemeral loopback port; answers every request with `reply`
/// (a full HTTP response), or closes the connection without an answer when `reply` is empty.
class LoopbackServer {
public:
  explicit LoopbackServer(std::string reply, std::chrono::milliseconds delay = {})
    : m_reply(std::move(reply)), m_delay(delay) {
    m_listen = ::socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    ::setsockopt(m_listen, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(m_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    REQUIRE(::listen(m_listen, 16) == 0);
    m_thread = std::thread([this] { serve(); });
  }
  ~LoopbackServer() {
    m_stop = true;
    ::shutdown(m_listen, SHUT_RDWR);
    ::close(m_listen);
    m_thread.join();
  }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port) + "/t"; }
  /// The request lines and headers received so far, one string per request.
  std::vector<std::string> heads() const {
    std::lock_guard lock(m_heads_mutex);
    return m_heads;
  }
  int port = 0;
  std::atomic<int> connections{0}, requests{0};

private:
  void serve() {
    while (!m_stop) {
      const int fd = ::accept(m_listen, nullptr, nullptr);
      if (fd < 0) {
        return;
      }
      ++connections;
      handle(fd);  // one connection at a time: the tests run one request at a time
      ::close(fd);
    }
  }
  void handle(int fd) {
    std::string buffer;
    char chunk[4096];
    while (!m_stop) {
      const auto end = buffer.find("\r\n\r\n");
      if (end != std::string::npos) {
        const std::string head = buffer.substr(0, end + 2);
        {
          std::lock_guard lock(m_heads_mutex);
          m_heads.push_back(head);
        }
        buffer.erase(0, end + 4);
        if (!skip_body(fd, buffer, content_length(head))) {
          return;
        }
        ++requests;
        std::this_thread::sleep_for(m_delay);
        if (m_reply.empty() || ::send(fd, m_reply.data(), m_reply.size(), MSG_NOSIGNAL) < 0) {
          return;
        }
        continue;
      }
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) {
        return;
      }
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
  }

  static std::size_t content_length(const std::string& head) {
    const auto at = head.find("\r\nContent-Length: ");
    return at == std::string::npos ? 0 : std::stoul(head.substr(at + 18));
  }
  /// Drops a request body of `n` bytes, part of which may be in `buffer` already.
  static bool skip_body(int fd, std::string& buffer, std::size_t n) {
    char chunk[4096];
    while (buffer.size() < n) {
      const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
      if (got <= 0) {
        return false;
      }
      buffer.append(chunk, static_cast<std::size_t>(got));
    }
    buffer.erase(0, n);
    return true;
  }

  std::string m_reply;
  std::chrono::milliseconds m_delay;
  mutable std::mutex m_heads_mutex;
  std::vector<std::string> m_heads;
  int m_listen = -1;
  std::atomic<bool> m_stop{false};
  std::thread m_thread;
};

/// One flow of `steps` GET steps to `url`, no pauses; with `agents`, step i sends the User-Agent
/// agents[i % size] (empty: none); with a `post_url`, every odd step POSTs a form there instead.
class UrlFlow final : public Flow {
public:
  UrlFlow(std::string url, std::size_t steps, std::vector<std::string> agents = {}, std::string post_url = {})
    : m_url(std::move(url)), m_post_url(std::move(post_url)), m_steps(steps), m_agents(std::move(agents)) {}
  std::size_t target() const override { return 0; }
  std::uint64_t order_key() const override { return 1; }
  std::size_t step_count() const override { return m_steps; }
  Millis pause_before(std::size_t) const override { return Millis{0}; }
  void build_request(std::size_t step, SteadyTime, HttpRequest& out) override {
    out.url = m_url;
    out.user_agent = m_agents.empty() ? std::string{} : m_agents[step % m_agents.size()];
    if (!m_post_url.empty() && step % 2 == 1) {
      out.url = m_post_url;
      out.post = true;
      out.content_type = "application/x-www-form-urlencoded";
      out.body = "idsite=1&rec=1&step=" + std::to_string(step);
    }
  }
  void append_bulk_item(std::size_t, SteadyTime, std::string& out) override { out += m_url; }

private:
  std::string m_url, m_post_url;
  std::size_t m_steps;
  std::vector<std::string> m_agents;
};

struct Delivery {
  RunResult result;
  RecordingObserver observer;
};

void deliver(const std::string& url, std::size_t steps, EngineConfig config, Delivery& out,
             std::vector<std::string> agents = {}, std::string post_url = {}) {
  bool given = false;
  struct Source final : FlowSource {
    Source(std::string u, std::size_t s, std::vector<std::string> a, std::string p, bool& g)
      : url(std::move(u)), post_url(std::move(p)), steps(s), agents(std::move(a)), given(g) {}
    std::optional<std::vector<std::unique_ptr<Flow>>> next_arrival(SteadyTime) override {
      if (given)
        return std::nullopt;
      given = true;
      std::vector<std::unique_ptr<Flow>> flows;
      flows.push_back(std::make_unique<UrlFlow>(url, steps, agents, post_url));
      return flows;
    }
    std::string url, post_url;
    std::size_t steps;
    std::vector<std::string> agents;
    bool& given;
  } source(url, steps, std::move(agents), std::move(post_url), given);
  struct IdObserver final : Observer {
    explicit IdObserver(RecordingObserver& r) : rec(r) {}
    void on_flow_started(Flow&, Micros) override {}
    void on_attempt(std::size_t t, const AttemptResult& r, bool w) override { rec.on_attempt(t, r, w); }
    void on_step_done(Flow&, std::size_t step, StepOutcome o, std::string_view reason, std::string_view,
                      int n) override {
      rec.steps.push_back(StepEvent{0, step, o, std::string(reason), n, {}});
    }
    void on_flow_done(Flow&) override {}
    void on_log(std::string_view line) override { rec.on_log(line); }
    RecordingObserver& rec;
  } observer(out.observer);
  SystemClock clock;
  Engine engine(std::move(config), source, observer, nullptr, clock);
  out.result = engine.run();
}

EngineConfig curl_config() {
  EngineConfig c = base_config();
  c.arrivals_per_second = 1000.0;
  c.retry.max_retries = 0;
  c.connect_timeout = Millis{2000};
  c.request_timeout = Millis{2000};
  return c;
}

const std::string k_no_content = "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n";

}  // namespace

TEST_CASE("curl: a flow's requests reuse one keep-alive connection", "[engine][curl]") {
  LoopbackServer server(k_no_content);
  Delivery d;
  deliver(server.url(), 20, curl_config(), d);
  CHECK(d.result.steps_acked == 20);
  CHECK(server.requests == 20);
  CHECK(server.connections == 1);
  REQUIRE_FALSE(d.observer.attempts.empty());
  CHECK(d.observer.attempts[0].status == 204);
}

TEST_CASE("curl: each request carries its own User-Agent, once, on a reused handle", "[engine][curl]") {
  LoopbackServer server(k_no_content);
  Delivery d;
  deliver(server.url(), 6, curl_config(), d, {"agent-A (X11)", "agent-B", ""});
  REQUIRE(d.result.steps_acked == 6);
  const auto heads = server.heads();
  REQUIRE(heads.size() == 6);
  const std::vector<std::string> expected{"agent-A (X11)", "agent-B", ""};
  for (std::size_t i = 0; i < heads.size(); ++i) {
    INFO("request " << i << ":\n" << heads[i]);
    const auto& agent = expected[i % expected.size()];
    std::size_t lines = 0;
    for (auto at = heads[i].find("\r\nUser-Agent:"); at != std::string::npos;
         at = heads[i].find("\r\nUser-Agent:", at + 1)) {
      ++lines;
    }
    CHECK(lines == (agent.empty() ? 0U : 1U));
    if (!agent.empty()) {
      CHECK(heads[i].find("\r\nUser-Agent: " + agent + "\r\n") != std::string::npos);
    }
  }
}

TEST_CASE("curl: a pooled handle alternating a GET URL and a parsed POST endpoint sends each to its own URL",
          "[engine][curl]") {
  // libcurl 7.88 overwrites a handle's stored URL with the CURLU's on a transfer; a handle that
  // goes back to a text URL must not keep sending to the POST endpoint (another target's, maybe).
  LoopbackServer server(k_no_content);
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port);
  Delivery d;
  deliver(base + "/get-target?x=1", 6, curl_config(), d, {}, base + "/post-target");
  REQUIRE(d.result.steps_acked == 6);
  const auto heads = server.heads();
  REQUIRE(heads.size() == 6);
  for (std::size_t i = 0; i < heads.size(); ++i) {
    INFO("request " << i << ":\n" << heads[i]);
    CHECK(heads[i].rfind(i % 2 == 0 ? "GET /get-target?x=1 HTTP/1.1\r\n" : "POST /post-target HTTP/1.1\r\n", 0) == 0);
  }
  CHECK(server.connections == 1);
}

TEST_CASE("curl: 503 with Retry-After is classified http-5xx and its delay read", "[engine][curl]") {
  LoopbackServer server("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\nContent-Length: 4\r\n\r\nbusy");
  Delivery d;
  deliver(server.url(), 1, curl_config(), d);
  REQUIRE(d.observer.attempts.size() == 1);
  const auto& a = d.observer.attempts[0];
  CHECK(a.status == 503);
  CHECK(a.error == ErrorKind::http_5xx);
  CHECK(a.error_text == "HTTP 503");
  CHECK(a.retry_after == Millis{7000});
  CHECK(a.body == "busy");
  CHECK(d.observer.steps[0].reason == "http-503");
}

TEST_CASE("curl: a slow answer is a timeout", "[engine][curl]") {
  LoopbackServer server(k_no_content, std::chrono::milliseconds{1500});
  auto config = curl_config();
  config.request_timeout = Millis{200};
  Delivery d;
  deliver(server.url(), 1, config, d);
  REQUIRE(d.observer.attempts.size() == 1);
  CHECK(d.observer.attempts[0].error == ErrorKind::timeout);
  CHECK(d.observer.steps[0].reason == "timeout");
}

TEST_CASE("curl: a connection closed without an answer is a reset", "[engine][curl]") {
  LoopbackServer server("");
  Delivery d;
  deliver(server.url(), 1, curl_config(), d);
  REQUIRE(d.observer.attempts.size() == 1);
  CHECK(d.observer.attempts[0].error == ErrorKind::reset);
}

TEST_CASE("curl: a closed port is a connect error", "[engine][curl]") {
  int port = 0;
  {
    LoopbackServer server(k_no_content);
    port = server.port;
  }
  Delivery d;
  deliver("http://127.0.0.1:" + std::to_string(port) + "/t", 1, curl_config(), d);
  REQUIRE(d.observer.attempts.size() == 1);
  CHECK(d.observer.attempts[0].error == ErrorKind::connect);
  CHECK(d.observer.steps[0].reason == "connect");
}
