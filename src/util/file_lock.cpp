#include "util/file_lock.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <fmt/format.h>

#include "util/error.hpp"

namespace tf {

namespace {

/// One /proc/locks line: "N: FLOCK  ADVISORY  WRITE PID MAJ:MIN:INODE START END".
bool holds(const std::string& line, const std::string& file_id, long& pid) {
  std::istringstream in(line);
  std::string index, kind, mode, access, id;
  long holder = 0;
  if (!(in >> index >> kind)) {
    return false;
  }
  if (kind == "->") {  // a waiter, not a holder
    return false;
  }
  if (!(in >> mode >> access >> holder >> id)) {
    return false;
  }
  if (kind != "FLOCK" || id != file_id) {
    return false;
  }
  pid = holder;
  return true;
}

}  // namespace

long lock_holder(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    return 0;
  }
  const std::string file_id = fmt::format("{:02x}:{:02x}:{}", major(st.st_dev), minor(st.st_dev), st.st_ino);
  std::ifstream locks("/proc/locks");
  std::string line;
  long pid = 0;
  while (std::getline(locks, line)) {
    if (holds(line, file_id, pid) && pid != ::getpid()) {
      return pid;
    }
  }
  return 0;
}

void lock_or_throw(int fd, const std::string& path) {
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
    return;
  }
  if (errno != EWOULDBLOCK) {
    throw Error(fmt::format("cannot lock {}: {}", path, std::strerror(errno)), ExitCode::runtime);
  }
  const long pid = lock_holder(fd);
  throw Error(pid > 0 ? fmt::format("{} is locked by pid {}", path, pid)
                      : fmt::format("{} is locked by another process", path),
              ExitCode::usage);
}

LockFile::LockFile(const std::string& path, const std::string& shown) {
  if (path.empty()) {
    return;
  }
  const std::string& name = shown.empty() ? path : shown;
  m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (m_fd < 0) {
    throw Error(fmt::format("cannot open lock file {}: {}", path, std::strerror(errno)), ExitCode::usage);
  }
  try {
    lock_or_throw(m_fd, name);
  } catch (...) {
    ::close(m_fd);
    throw;
  }
  const std::string pid = fmt::format("{}\n", ::getpid());
  if (::ftruncate(m_fd, 0) != 0 || ::pwrite(m_fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    const std::string reason = std::strerror(errno);
    ::close(m_fd);
    throw Error(fmt::format("cannot write lock file {}: {}", path, reason), ExitCode::runtime);
  }
}

LockFile::~LockFile() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

}  // namespace tf
