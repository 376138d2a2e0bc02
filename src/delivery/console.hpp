#pragma once
// Standard output and error for the delivering commands. A failed write (a closed pipe, a
// full disk) stops that stream only: the run, the other stream and the output files go on.
#include <cstddef>
#include <streambuf>
#include <string>
#include <string_view>

namespace tf::delivery {

/// Started with stdout or stderr closed: /dev/null takes its descriptor (so no file opened
/// later becomes "stdout") and the stream counts as failed. Call first thing in main.
void guard_standard_streams();
/// Writes `text` to stdout and flushes; false (and stdout is not written again) on failure.
bool write_stdout(std::string_view text);
/// Writes `text` to stderr; false (and stderr is not written again) on failure.
bool write_stderr(std::string_view text);
/// The health table: to stdout, or to stderr when stdout cannot be written.
void print_table(std::string_view table);
/// Columns the health table may take (report::render_health_table's width): COLUMNS when it
/// is set to a positive number, else the width of the terminal on stdout, else 0 (not a
/// terminal: the wide layout).
std::size_t table_width();

/// A buffered std::streambuf over a file descriptor that keeps the errno of a failed write
/// (std::cout loses it): `generate` writes its output through one.
class FdStreamBuf : public std::streambuf {
public:
  explicit FdStreamBuf(int fd);
  ~FdStreamBuf() override;
  FdStreamBuf(const FdStreamBuf&) = delete;
  FdStreamBuf& operator=(const FdStreamBuf&) = delete;
  /// errno of the first failed write; 0 while every write succeeded.
  int error() const { return m_error; }

protected:
  int_type overflow(int_type c) override;
  int sync() override;

private:
  bool drain();

  int m_fd;
  int m_error = 0;
  std::string m_buffer;
};

}  // namespace tf::delivery
