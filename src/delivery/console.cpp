#include "delivery/console.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace tf::delivery {

namespace {

std::atomic<bool> g_stdout_failed{false};
std::atomic<bool> g_stderr_failed{false};
std::mutex g_stdout_mutex;

bool write_to(std::FILE* stream, std::atomic<bool>& failed, std::string_view text) {
  if (failed.load()) {
    return false;
  }
  const bool ok = std::fwrite(text.data(), 1, text.size(), stream) == text.size() && std::fflush(stream) == 0;
  if (!ok) {
    failed.store(true);
    std::clearerr(stream);
  }
  return ok;
}

}  // namespace

void guard_standard_streams() {
  for (const int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) {
    if (::fcntl(fd, F_GETFD) == -1 && ::open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY) == fd) {
      (fd == STDOUT_FILENO ? g_stdout_failed : g_stderr_failed).store(fd != STDIN_FILENO);
    }
  }
}

bool write_stdout(std::string_view text) {
  std::lock_guard lock(g_stdout_mutex);
  return write_to(stdout, g_stdout_failed, text);
}

bool write_stderr(std::string_view text) { return write_to(stderr, g_stderr_failed, text); }

void print_table(std::string_view table) {
  if (!write_stdout(table)) {
    write_stderr(table);
  }
}

std::size_t table_width() {
  if (const char* columns = std::getenv("COLUMNS"); columns != nullptr) {
    char* end = nullptr;
    const long value = std::strtol(columns, &end, 10);
    if (end != columns && *end == '\0' && value > 0) {
      return static_cast<std::size_t>(value);
    }
  }
  winsize size{};
  if (isatty(STDOUT_FILENO) == 1 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  return 0;
}

FdStreamBuf::FdStreamBuf(int fd) : m_fd(fd), m_buffer(std::size_t{64} * 1024, '\0') {
  setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
}

FdStreamBuf::~FdStreamBuf() { drain(); }

bool FdStreamBuf::drain() {
  const char* at = pbase();
  while (m_error == 0 && at < pptr()) {
    const ssize_t n = ::write(m_fd, at, static_cast<std::size_t>(pptr() - at));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      m_error = n < 0 ? errno : EIO;
      break;
    }
    at += n;
  }
  setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
  return m_error == 0;
}

FdStreamBuf::int_type FdStreamBuf::overflow(int_type c) {
  if (!drain()) {
    return traits_type::eof();
  }
  if (!traits_type::eq_int_type(c, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
  }
  return traits_type::not_eof(c);
}

int FdStreamBuf::sync() { return drain() ? 0 : -1; }

}  // namespace tf::delivery
