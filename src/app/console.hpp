#pragma once
// Standard output and error for the delivering commands. A failed write (a closed pipe, a
// full disk) stops that stream only: the run, the other stream and the output files go on.
#include <string_view>

namespace tf::app {

/// Writes `text` to stdout and flushes; false (and stdout is not written again) on failure.
bool write_stdout(std::string_view text);
/// Writes `text` to stderr; false (and stderr is not written again) on failure.
bool write_stderr(std::string_view text);
/// The health table: to stdout, or to stderr when stdout cannot be written.
void print_table(std::string_view table);

} // namespace tf::app
