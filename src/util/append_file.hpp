#pragma once
// An append-only file of whole lines whose every write is checked: the dead-letter file.
#include <cstdint>
#include <string>
#include <string_view>

namespace tf {

/// Opened with O_APPEND, never truncated. Each line goes out in one write(2), so lines of
/// several writers never mix. After the first failed write nothing more is written (an owned
/// file cuts a partly written line off again) and later lines are only counted as unsaved.
/// Not thread-safe (the owner serialises).
class AppendFile {
public:
  enum class Sharing {
    /// Opened and locked (flock) now, for the object's lifetime: a second process is refused.
    owned,
    /// Opened at the first line, not locked: several runs may append to it at once (each
    /// line whole); nothing is created when nothing is written.
    shared,
  };

  /// Throws tf::Error (usage) for an owned file that is locked by another process ("PATH is
  /// locked by pid N") or cannot be opened.
  AppendFile(std::string path, Sharing sharing);
  ~AppendFile();
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  /// Appends `line` and a newline; returns false when it could not be saved.
  bool append_line(std::string_view line);
  /// fsync(2); returns false (and records the error) when it or an earlier write failed.
  bool sync();

  const std::string& path() const { return m_path; }
  std::uint64_t saved() const { return m_saved; }
  std::uint64_t unsaved() const { return m_unsaved; }
  /// The first error ("No space left on device"); empty while every write succeeded.
  const std::string& error() const { return m_error; }

private:
  bool open();
  bool write_all(std::string_view bytes);

  std::string m_path;
  Sharing m_sharing;
  int m_fd = -1;
  bool m_regular = false;
  long long m_size = 0;  ///< bytes in an owned file after our last whole line
  std::uint64_t m_saved = 0;
  std::uint64_t m_unsaved = 0;
  std::string m_error;
  std::string m_scratch;
};

}  // namespace tf
