// The HTTP probe of `validate --probe`: one plain-HTTP GET over a POSIX socket, bounded by a
// timeout (libcurl belongs to engine/ only; Debian's cpp-httplib needs a link this module lacks).
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>

#include <fmt/format.h>

#include "app/validate_command.hpp"
#include "util/units.hpp"

namespace tf::app {
namespace {

using Clock = std::chrono::steady_clock;

class Socket {
public:
  explicit Socket(int fd) : m_fd(fd) {}
  ~Socket() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return m_fd; }

private:
  int m_fd;
};

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

/// Waits until `fd` is ready for `events`; false on timeout.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  pollfd p{fd, events, 0};
  return ::poll(&p, 1, remaining_ms(deadline)) > 0;
}

struct UrlParts {
  std::string host;
  std::string port = "80";
  std::string path = "/";
};

UrlParts split_http_url(std::string_view url) {
  UrlParts parts;
  std::string_view rest = url.substr(7);
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    parts.path = std::string(rest.substr(slash));
  }
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  const auto colon = authority.rfind(':');
  const auto bracket = authority.rfind(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    parts.port = std::string(authority.substr(colon + 1));
    authority = authority.substr(0, colon);
  }
  if (authority.size() >= 2 && authority.front() == '[' && authority.back() == ']') {
    authority = authority.substr(1, authority.size() - 2);
  }
  parts.host = std::string(authority);
  return parts;
}

/// Connects to the first address that answers before the deadline; -1 and `error` otherwise.
int connect_to(const UrlParts& parts, Clock::time_point deadline, std::string& error) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = ::getaddrinfo(parts.host.c_str(), parts.port.c_str(), &hints, &found); rc != 0) {
    error = fmt::format("cannot resolve {}: {}", parts.host, ::gai_strerror(rc));
    return -1;
  }
  int result = -1;
  error = "connection failed";
  for (addrinfo* ai = found; ai != nullptr && result < 0; ai = ai->ai_next) {
    const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      continue;
    }
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 || (errno == EINPROGRESS && wait_for(fd, POLLOUT, deadline))) {
      int so_error = 0;
      socklen_t len = sizeof so_error;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
      if (so_error == 0) {
        result = fd;
        continue;
      }
      error = std::strerror(so_error);
    } else {
      error = errno == EINPROGRESS ? "connect timed out" : std::strerror(errno);
    }
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return result;
}

/// Sends `request` and reads the status code of the answer; 0 and `error` on failure.
int exchange(int fd, const std::string& request, Clock::time_point deadline, std::string& error) {
  std::size_t sent = 0;
  while (sent < request.size()) {
    if (!wait_for(fd, POLLOUT, deadline)) {
      error = "send timed out";
      return 0;
    }
    const auto n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      error = std::strerror(errno);
      return 0;
    }
    sent += static_cast<std::size_t>(n);
  }
  std::string answer;
  char buffer[1024];
  while (answer.find("\r\n") == std::string::npos && answer.size() < 8192) {
    if (!wait_for(fd, POLLIN, deadline)) {
      error = "no answer before the timeout";
      return 0;
    }
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) {
      error = n == 0 ? "connection closed without an answer" : std::strerror(errno);
      return 0;
    }
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  // "HTTP/1.1 200 OK"
  const auto space = answer.find(' ');
  const auto status = space == std::string::npos ? std::nullopt : parse_int(answer.substr(space + 1, 3));
  if (answer.rfind("HTTP/", 0) != 0 || !status) {
    error = "the answer is not HTTP";
    return 0;
  }
  return static_cast<int>(*status);
}

} // namespace

ProbeResult probe_target(const config::TargetSpec& target, std::chrono::milliseconds timeout) {
  ProbeResult result;
  if (target.url.rfind("http://", 0) != 0) {
    result.error = "not probed: this build probes http:// targets only";
    return result;
  }
  const UrlParts parts = split_http_url(target.url);
  const auto started = Clock::now();
  const auto deadline = started + timeout;
  const Socket socket(connect_to(parts, deadline, result.error));
  if (socket.fd() >= 0) {
    // No rec=1: Matomo answers but records nothing.
    const std::string separator = parts.path.find('?') == std::string::npos ? "?" : "&";
    const std::string request = fmt::format("GET {}{}idsite={} HTTP/1.1\r\nHost: {}\r\nUser-Agent: trafficinator-probe\r\nConnection: close\r\n\r\n",
                                            parts.path, separator, target.site_id, parts.host);
    result.status = exchange(socket.fd(), request, deadline, result.error);
  }
  result.latency = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  result.reachable = result.status > 0 && result.status < 500;
  if (result.status >= 500) {
    result.error = fmt::format("HTTP {}", result.status);
  }
  return result;
}

} // namespace tf::app
