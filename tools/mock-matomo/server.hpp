#pragma once
// The HTTP side of the mock: cpp-httplib routes for the tracking endpoints and /mock/*,
// fault injection, interruptible delays and clean shutdown.
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include <httplib.h>

#include "config.hpp"
#include "faults.hpp"
#include "tracker.hpp"
#include "util/clock.hpp"
#include "visits.hpp"

namespace tf::mock {

class MockServer {
public:
  /// `threads`: worker threads, each serving one keep-alive connection at a time.
  MockServer(MockConfig config, int threads);

  /// Binds to `host` (127.0.0.1 or ::1 only) and `port` (0 = a free port); returns the port.
  /// Throws tf::Error.
  int bind(const std::string& host, int port);
  /// Serves until stop(); run it on its own thread.
  void serve();
  /// Wakes every delayed handler and stops the listener; serve() then returns.
  void stop();

  nlohmann::json stats() const;

private:
  void route();
  void track(const httplib::Request& req, httplib::Response& res);
  void apply(const TrackResponse& answer, const httplib::Request& req, httplib::Response& res);
  /// Sleeps up to `ms` unless stopping; false when woken by stop().
  bool pause(int ms);
  void drop_connection(const httplib::Request& req);
  /// GET /mock/stat/<path>: one value of /mock/stats as text; 0 for a count never seen.
  void stat(const httplib::Request& req, httplib::Response& res) const;
  void set_faults(const httplib::Request& req, httplib::Response& res);

  tf::SystemClock m_clock;
  Tracker m_tracker;
  FaultInjector m_faults;
  InFlight m_in_flight;
  httplib::Server m_http;
  /// The listening socket, seen by the socket-options hook while bind() runs; -1 otherwise.
  socket_t m_listen_socket = -1;
  bool m_binding = false;
  std::mutex m_stop_mutex;
  std::condition_variable m_stop_cv;
  std::atomic<bool> m_stopping{false};
};

/// Refuses any host but loopback; "localhost" means 127.0.0.1.
std::string loopback_host(const std::string& host);

}  // namespace tf::mock
