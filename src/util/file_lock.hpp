#pragma once
// Whole-file advisory locks (flock) that say who holds them, so two runs never share a
// dead-letter file, a checkpoint or a cron job's lock file.
#include <string>

namespace tf {

/// Takes an exclusive flock on `fd` without waiting. Throws tf::Error (ExitCode::usage)
/// "`path` is locked by pid N" (or "by another process" when the holder cannot be found) when
/// another open file description holds it, and (ExitCode::runtime) on other errors.
void lock_or_throw(int fd, const std::string& path);

/// The pid holding a flock on the file open at `fd`, read from /proc/locks; 0 when unknown.
long lock_holder(int fd);

/// `--lock FILE` / LOCK_FILE, and the lock beside a checkpoint: creates the file if needed,
/// locks it for the object's lifetime and writes this process's pid into it. Errors name
/// `shown` ("`shown` is locked by pid N"; default: `path`). An empty path locks nothing.
class LockFile {
public:
  explicit LockFile(const std::string& path, const std::string& shown = {});
  ~LockFile();
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;

private:
  int m_fd = -1;
};

}  // namespace tf
