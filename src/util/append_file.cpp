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

AppendFile::AppendFile(std::string path) : m_path(std::move(path)) {
  m_fd = ::open(m_path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (m_fd < 0 && errno == ENOENT) {
    m_fd = ::open(m_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    m_created = m_fd >= 0;
  }
  if (m_fd < 0) {
    throw Error(fmt::format("cannot open {} for appending: {}", m_path, std::strerror(errno)), ExitCode::usage);
  }
  struct stat st {};
  if (::fstat(m_fd, &st) == 0 && S_ISREG(st.st_mode)) {
    m_regular = true;
    m_size = st.st_size;
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
  ::close(m_fd);
  if (m_remove_if_unused && m_created && m_saved == 0 && m_unsaved == 0) {
    ::unlink(m_path.c_str());
  }
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
  if (!m_error.empty()) {
    ++m_unsaved;
    return false;
  }
  m_scratch.assign(line);
  m_scratch += '\n';
  if (!write_all(m_scratch)) {
    // Cut a partly written line off, so that every line in the file stays whole JSON.
    if (m_regular && ::ftruncate(m_fd, m_size) != 0) {
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
  if (::fsync(m_fd) != 0 && errno != EINVAL && errno != EROFS) {  // EINVAL: a pipe or device
    if (m_error.empty()) {
      m_error = fmt::format("fsync: {}", std::strerror(errno));
    }
    return false;
  }
  return m_error.empty();
}

} // namespace tf
