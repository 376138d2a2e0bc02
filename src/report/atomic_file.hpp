#pragma once
// Output files (summary, metrics, checkpoint, markers) that readers never see half done, and
// that stay what the user made them: a symlink stays a symlink, a device or FIFO stays one.
#include <string>
#include <string_view>

namespace tf::report {

/// Writes `content` to `path`. Symlinks are followed (the link stays a link). A regular file
/// or a new path is written atomically: a temporary file in the same directory as the final
/// file, synced, then renamed over it. Anything else (a device, a FIFO, a path under /dev or
/// /proc such as /dev/stdout) is written in place, appended to. Throws tf::Error
/// (ExitCode::runtime) "cannot write PATH: REASON" on failure (no temporary file is left).
void write_output_file(const std::string& path, std::string_view content);

/// Checks now, before anything is sent, that write_output_file(path) can succeed (by creating
/// and removing a temporary file, or by opening a device). Throws tf::Error (ExitCode::usage)
/// "cannot write PATH: REASON" when it cannot.
void check_output_writable(const std::string& path);

}  // namespace tf::report
