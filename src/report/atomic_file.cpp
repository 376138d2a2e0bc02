#include "report/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "util/error.hpp"

namespace tf::report {

namespace {

namespace fs = std::filesystem;

/// Where and how an output path is written.
struct OutputTarget {
  std::string file;  ///< the final file, symlinks followed
  bool in_place = false;
};

bool is_special_tree(const fs::path& p) {
  const std::string text = p.lexically_normal().string();
  return text.rfind("/dev/", 0) == 0 || text.rfind("/proc/", 0) == 0;
}

OutputTarget resolve(const std::string& path) {
  fs::path p = path;
  std::error_code ec;
  bool special = is_special_tree(p);
  for (int hops = 0; hops < 40 && fs::is_symlink(p, ec); ++hops) {
    const fs::path link = fs::read_symlink(p, ec);
    if (ec) {
      break;
    }
    p = link.is_absolute() ? link : p.parent_path() / link;
    special = special || is_special_tree(p);
  }
  struct stat st {};
  const bool exists = ::stat(p.c_str(), &st) == 0;
  if (special || (exists && !S_ISREG(st.st_mode))) {
    return {path, true};
  }
  return {p.string(), false};
}

std::string temp_name(const std::string& file) {
  const fs::path p = file;
  return (p.parent_path() / fmt::format(".{}.tmp.{}", p.filename().string(), ::getpid())).string();
}

[[noreturn]] void fail(const std::string& path, const std::string& reason, ExitCode code) {
  throw Error(fmt::format("cannot write {}: {}", path, reason), code);
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      if (n == 0) {
        errno = EIO;
      }
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void write_in_place(const std::string& path, std::string_view content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) {
    fail(path, std::strerror(errno), ExitCode::runtime);
  }
  const bool ok = write_all(fd, content);
  const std::string reason = ok ? "" : std::strerror(errno);
  ::close(fd);
  if (!ok) {
    fail(path, reason, ExitCode::runtime);
  }
}

void write_atomically(const std::string& path, const std::string& file, std::string_view content) {
  const std::string tmp = temp_name(file);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    fail(path, std::strerror(errno), ExitCode::runtime);
  }
  struct stat old {};
  if (::stat(file.c_str(), &old) == 0) {
    ::fchmod(fd, old.st_mode & 07777);  // keep the replaced file's permissions
  }
  const bool ok = write_all(fd, content) && ::fsync(fd) == 0;
  const std::string reason = ok ? "" : std::strerror(errno);
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), file.c_str()) != 0) {
    const std::string why = ok ? std::strerror(errno) : reason;
    ::unlink(tmp.c_str());
    fail(path, why, ExitCode::runtime);
  }
}

}  // namespace

void write_output_file(const std::string& path, std::string_view content) {
  const OutputTarget target = resolve(path);
  if (target.in_place) {
    write_in_place(path, content);
  } else {
    write_atomically(path, target.file, content);
  }
}

void check_output_writable(const std::string& path) {
  const OutputTarget target = resolve(path);
  struct stat st {};
  if (target.in_place && ::stat(path.c_str(), &st) == 0 && S_ISFIFO(st.st_mode)) {
    if (::access(path.c_str(), W_OK) != 0) {  // opening a FIFO would wait for a reader
      fail(path, std::strerror(errno), ExitCode::usage);
    }
    return;
  }
  if (target.in_place) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
      fail(path, std::strerror(errno), ExitCode::usage);
    }
    ::close(fd);
    return;
  }
  const std::string tmp = temp_name(target.file);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    fail(path, std::strerror(errno), ExitCode::usage);
  }
  ::close(fd);
  ::unlink(tmp.c_str());
}

}  // namespace tf::report
