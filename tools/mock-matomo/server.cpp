#include "server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <charconv>
#include <filesystem>

#include <fmt/format.h>

#include "util/error.hpp"

namespace tf::mock {
namespace {

using nlohmann::json;

constexpr const char* k_tracking_path = R"(/(matomo|piwik)\.php)";
constexpr std::size_t k_max_body_bytes = 8U * 1024U * 1024U;

int port_of(const sockaddr_storage& address) {
  if (address.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port);
  }
  if (address.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6&>(address).sin6_port);
  }
  return -1;
}

bool socket_matches(int fd, int local_port, int remote_port) {
  sockaddr_storage peer{}, local{};
  socklen_t peer_len = sizeof peer, local_len = sizeof local;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) != 0) {
    return false;
  }
  return port_of(peer) == remote_port && port_of(local) == local_port;
}

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(2, ' ', false, json::error_handler_t::replace) + "\n", "application/json");
}

}  // namespace

std::string loopback_host(const std::string& host) {
  if (host == "127.0.0.1" || host == "localhost") {
    return "127.0.0.1";
  }
  if (host == "::1" || host == "[::1]") {
    return "::1";
  }
  throw tf::Error(
    fmt::format("mock-matomo listens on loopback only: --host must be 127.0.0.1 or ::1, found \"{}\"", host));
}

MockServer::MockServer(MockConfig config, int threads)
  : m_tracker(config, m_clock), m_faults(config.faults, std::chrono::steady_clock::now()) {
  const auto pool_size = static_cast<std::size_t>(std::max(threads, 1));
  m_http.new_task_queue = [pool_size] { return new httplib::ThreadPool(pool_size); };
  m_http.set_keep_alive_max_count(1'000'000);
  m_http.set_keep_alive_timeout(10);
  m_http.set_read_timeout(10);
  m_http.set_write_timeout(10);
  m_http.set_payload_max_length(k_max_body_bytes);
  m_http.set_tcp_nodelay(true);
  m_http.set_socket_options([this](socket_t sock) {
    httplib::default_socket_options(sock);
    if (m_binding) {
      m_listen_socket = sock;
    }
  });
  m_tracker.set_store_nothing([this] { return m_faults.store_nothing(); });
  route();
}

void MockServer::route() {
  auto track = [this](const httplib::Request& req, httplib::Response& res) { this->track(req, res); };
  m_http.Get(k_tracking_path, track);
  m_http.Post(k_tracking_path, track);
  m_http.Options(k_tracking_path, [](const httplib::Request&, httplib::Response& res) {
    res.status = 204;
    res.set_header("Access-Control-Allow-Methods", "GET, POST");
    res.set_header("Access-Control-Allow-Headers", "*");
    res.set_header("Access-Control-Allow-Origin", "*");
  });
  auto not_allowed = [](const httplib::Request&, httplib::Response& res) {
    res.status = 405;
    res.set_header("Allow", "GET, POST, OPTIONS");
  };
  m_http.Put(k_tracking_path, not_allowed);
  m_http.Patch(k_tracking_path, not_allowed);
  m_http.Delete(k_tracking_path, not_allowed);
  auto api = [this](const httplib::Request& req, httplib::Response& res) {
    const RequestInfo info{req.method,
                           req.target,
                           req.body,
                           req.get_header_value("Content-Type"),
                           req.remote_addr,
                           {},
                           req.get_header_value("User-Agent")};
    apply(m_tracker.api(info), req, res);
  };
  m_http.Get("/index.php", api);
  m_http.Post("/index.php", api);
  m_http.Get("/mock/stats", [this](const httplib::Request&, httplib::Response& res) { send_json(res, 200, stats()); });
  m_http.Get(R"(/mock/stat/([A-Za-z0-9_/]+))",
             [this](const httplib::Request& req, httplib::Response& res) { stat(req, res); });
  m_http.Get("/mock/hits", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(m_tracker.hits_ndjson(), "application/x-ndjson");
  });
  m_http.Get("/mock/visits", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(m_tracker.visits_ndjson(), "application/x-ndjson");
  });
  m_http.Get("/mock/violations", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(m_tracker.violations_ndjson(), "application/x-ndjson");
  });
  m_http.Get("/mock/faults", [this](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, m_faults.plan().to_json());
  });
  m_http.Post("/mock/faults", [this](const httplib::Request& req, httplib::Response& res) { set_faults(req, res); });
  m_http.Post("/mock/reset", [this](const httplib::Request&, httplib::Response& res) {
    m_tracker.reset();
    m_faults.reset_counts();
    m_in_flight.reset_max();
    send_json(res, 200, {{"status", "reset"}});
  });
  m_http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown error";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    res.status = 500;
    res.set_content(fmt::format("mock-matomo: internal error: {}\n", what), "text/plain");
  });
}

void MockServer::stat(const httplib::Request& req, httplib::Response& res) const {
  const json::json_pointer pointer("/" + req.matches[1].str());
  const auto doc = stats();
  if (doc.contains(pointer)) {
    const auto& value = doc.at(pointer);
    res.set_content((value.is_string() ? value.get<std::string>() : value.dump()) + "\n", "text/plain");
  } else if (doc.contains(pointer.parent_pointer()) && doc.at(pointer.parent_pointer()).is_object()) {
    res.set_content("0\n", "text/plain");  // a count never seen
  } else {
    res.status = 404;
    res.set_content(fmt::format("no statistic {}\n", pointer.to_string()), "text/plain");
  }
}

void MockServer::set_faults(const httplib::Request& req, httplib::Response& res) {
  try {
    auto plan = FaultPlan::from_json(json::parse(req.body));
    m_faults.set_plan(plan, std::chrono::steady_clock::now());
    send_json(res, 200, plan.to_json());
  } catch (const std::exception& e) {
    send_json(res, 400, {{"error", e.what()}});
  }
}

void MockServer::track(const httplib::Request& req, httplib::Response& res) {
  const RequestInfo info{req.method,
                         req.target,
                         req.body,
                         req.get_header_value("Content-Type"),
                         req.remote_addr,
                         fmt::format("{}:{}", req.remote_addr, req.remote_port),
                         req.get_header_value("User-Agent")};
  const auto parsed = m_tracker.parse(info);
  m_tracker.count_request(parsed);
  const auto fault = m_faults.decide(std::chrono::steady_clock::now(), parsed.bulk, req.target + "\n" + req.body);
  pause(fault.queue_ms);  // capacity: the wait for its turn
  if (fault.kind == FaultKind::drop) {
    drop_connection(req);
    res.status = 500;
    return;
  }
  if (fault.kind == FaultKind::status || fault.kind == FaultKind::stall) {
    pause(fault.kind == FaultKind::stall ? fault.stall_ms : fault.latency_ms);
    res.status = fault.status;
    if (!fault.retry_after.empty()) {
      res.set_header("Retry-After", fault.retry_after);
    }
    if (fault.status >= 300 && fault.status < 400) {
      res.set_header("Location", fault.location);
    }
    res.set_content(fmt::format("mock-matomo: injected {}\n", fault.kind == FaultKind::stall ? "stall" : "status"),
                    "text/plain");
    return;
  }
  {
    const auto busy = m_in_flight.enter(parsed.visitor_keys);
    struct Leave {
      InFlight& in_flight;
      const std::vector<std::string>& keys;
      ~Leave() { in_flight.leave(keys); }
    } leave{m_in_flight, parsed.visitor_keys};
    pause(fault.latency_ms);
    if (fault.kind == FaultKind::record_late) {
      pause(fault.stall_ms);  // still processing when the client gives up; recorded after that
    }
    const int first_k = fault.kind == FaultKind::bulk_first_k ? fault.first_k : -1;
    apply(m_tracker.handle(info, parsed, busy, first_k), req, res);
  }
  if (fault.kind == FaultKind::record_then_stall) {
    pause(fault.stall_ms);  // recorded; the answer comes after the client has given up
  } else if (fault.kind == FaultKind::record_then_drop) {
    drop_connection(req);  // recorded; the connection closes without an answer
    res.status = 500;
  }
}

void MockServer::apply(const TrackResponse& answer, const httplib::Request& req, httplib::Response& res) {
  res.status = answer.status;
  for (const auto& [name, value] : answer.headers) {
    res.set_header(name, value);
  }
  if (req.method != "GET") {
    const auto origin = req.get_header_value("Origin");
    res.set_header("Access-Control-Allow-Origin", origin.empty() ? "*" : origin);
    res.set_header("Access-Control-Allow-Credentials", "true");
  }
  if (!answer.content_type.empty()) {
    res.set_content(answer.body, answer.content_type);
  }
}

bool MockServer::pause(int ms) {
  if (ms <= 0) {
    return !m_stopping;
  }
  std::unique_lock lock(m_stop_mutex);
  return !m_stop_cv.wait_for(lock, std::chrono::milliseconds{ms}, [this] { return m_stopping.load(); });
}

void MockServer::drop_connection(const httplib::Request& req) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    const auto name = entry.path().filename().string();
    int fd = -1;
    std::from_chars(name.data(), name.data() + name.size(), fd);
    if (fd > 2 && socket_matches(fd, req.local_port, req.remote_port)) {
      ::shutdown(fd, SHUT_RDWR);
      return;
    }
  }
}

int MockServer::bind(const std::string& host, int port) {
  const auto address = loopback_host(host);
  if (port < 0 || port > 65535) {
    throw tf::Error(fmt::format("--port must be within 0..65535, found {}", port));
  }
  m_binding = true;
  const int bound = port == 0 ? m_http.bind_to_any_port(address) : (m_http.bind_to_port(address, port) ? port : -1);
  m_binding = false;
  // Debian's compiled cpp-httplib listens with a backlog of 5 (CPPHTTPLIB_LISTEN_BACKLOG is fixed
  // in the library): a sixth connect at one instant (four shards starting together) had its SYN
  // dropped and resent after 1 s, a second of latency that no client caused. Linux takes a second
  // listen() on the bound socket as a new backlog, cut to net.core.somaxconn.
  constexpr int k_listen_backlog = 65535;
  if (bound > 0 && (m_listen_socket < 0 || ::listen(m_listen_socket, k_listen_backlog) != 0)) {
    throw tf::Error(fmt::format("cannot raise the listen backlog on {}:{}", address, bound), tf::ExitCode::runtime);
  }
  if (bound <= 0) {
    throw tf::Error(fmt::format("cannot listen on {}:{}", address, port), tf::ExitCode::runtime);
  }
  return bound;
}

void MockServer::serve() { m_http.listen_after_bind(); }

void MockServer::stop() {
  {
    std::lock_guard lock(m_stop_mutex);
    m_stopping = true;
  }
  m_stop_cv.notify_all();
  m_http.stop();
}

nlohmann::json MockServer::stats() const {
  return m_tracker.stats_json(m_in_flight.max_concurrent(), m_faults.injected());
}

}  // namespace tf::mock
