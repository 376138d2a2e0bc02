#pragma once
// Whole-file writes that readers never see half done.
#include <string>
#include <string_view>

namespace tf::report {

/// Writes `content` to "`path`.tmp.<pid>" in the same directory, then renames it over `path`.
/// Throws tf::Error (ExitCode::runtime) "cannot write PATH: REASON" on failure (the temporary
/// file is removed).
void write_file_atomically(const std::string& path, std::string_view content);

} // namespace tf::report
