#pragma once
// An append-only file of whole lines whose every write is checked: the dead-letter file.
#include <cstdint>
#include <string>
#include <string_view>

namespace tf {

/// Opened with O_APPEND (never truncated) and locked (flock) for the object's lifetime. Each
/// line goes out in one write(2), so a crash never leaves a line cut by another writer. After
/// the first failed write nothing more is written: a partly written line is cut off again, and
/// later lines are only counted as unsaved. Not thread-safe (the owner serialises).
class AppendFile {
public:
  /// Opens (creating it 0644 if needed) and locks `path`. Throws tf::Error: usage when it is
  /// locked by another process or cannot be opened.
  explicit AppendFile(std::string path);
  /// Closes the file; when `remove_if_unused` was set, removes it if this object created it
  /// and never wrote to it.
  ~AppendFile();
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  /// Appends `line` and a newline; returns false when it could not be saved.
  bool append_line(std::string_view line);
  /// fsync(2); returns false (and records the error) when it fails.
  bool sync();

  void remove_if_unused(bool remove) { m_remove_if_unused = remove; }
  const std::string& path() const { return m_path; }
  std::uint64_t saved() const { return m_saved; }
  std::uint64_t unsaved() const { return m_unsaved; }
  /// The first error ("No space left on device"); empty while every write succeeded.
  const std::string& error() const { return m_error; }

private:
  bool write_all(std::string_view bytes);

  std::string m_path;
  int m_fd = -1;
  long long m_size = 0;  ///< bytes in the file after our last whole line
  bool m_created = false;
  bool m_regular = false;
  bool m_remove_if_unused = false;
  std::uint64_t m_saved = 0;
  std::uint64_t m_unsaved = 0;
  std::string m_error;
  std::string m_scratch;
};

} // namespace tf
