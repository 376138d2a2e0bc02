#include "util/append_file.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "util/error.hpp"
#include "util/file_lock.hpp"

namespace tf {

AppendFile::AppendFile(std::string path, Sharing sharing) : m_path(std::move(path)), m_sharing(sharing) {
  if (m_sharing == Sharing::shared) {
    return;
  }
  if (!open()) {
    throw Error(fmt::format("cannot open {} for appending: {}", m_path, m_error), ExitCode::usage);
  }
  try {
    if (m_regular) {  // a device or a FIFO (/dev/stdout) is nobody's to lock
      lock_or_throw(m_fd, m_path);
    }
  } catch (...) {
    ::close(m_fd);
    throw;
  }
}

AppendFile::~AppendFile() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

bool AppendFile::open() {
  m_fd = ::open(m_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (m_fd < 0) {
    m_error = std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (::fstat(m_fd, &st) == 0 && S_ISREG(st.st_mode)) {
    m_regular = true;
    m_size = st.st_size;
  }
  return true;
}

bool AppendFile::write_all(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(m_fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      m_error = n < 0 ? std::strerror(errno) : "nothing written";
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool AppendFile::append_line(std::string_view line) {
  if (!m_error.empty() || (m_fd < 0 && !open())) {
    ++m_unsaved;
    return false;
  }
  m_scratch.assign(line);
  m_scratch += '\n';
  if (!write_all(m_scratch)) {
    // Cut a partly written line off, so that every line stays whole JSON (only in a file no
    // other process appends to: there the end is ours).
    if (m_sharing == Sharing::owned && m_regular && ::ftruncate(m_fd, m_size) != 0) {
      m_error += fmt::format("; the last line may be cut ({})", std::strerror(errno));
    }
    ++m_unsaved;
    return false;
  }
  m_size += static_cast<long long>(m_scratch.size());
  ++m_saved;
  return true;
}

bool AppendFile::sync() {
  if (m_fd >= 0 && ::fsync(m_fd) != 0 && errno != EINVAL && errno != EROFS) {  // EINVAL: a pipe or device
    if (m_error.empty()) {
      m_error = fmt::format("fsync: {}", std::strerror(errno));
    }
  }
  return m_error.empty();
}

}  // namespace tf
