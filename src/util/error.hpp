#pragma once
// Errors for setup and usage problems. A failed hit is data, never an exception: only
// configuration, usage and unrecoverable runtime problems throw tf::Error, caught once in main.
#include <stdexcept>
#include <string>

namespace tf {

/// Documented process exit codes (man page, EXIT STATUS).
enum class ExitCode : int {
  success = 0,
  thresholds_failed = 1,  ///< `run`: --max-failure-rate/--fail-on exceeded; `validate`: invalid input
  usage = 2,  ///< bad command line or configuration
  runtime = 3,  ///< I/O or other runtime failure
  interrupted = 130,  ///< stopped by SIGINT/SIGTERM
};

class Error : public std::runtime_error {
public:
  explicit Error(const std::string& message, ExitCode code = ExitCode::usage)
    : std::runtime_error(message), m_code(code) {}
  ExitCode code() const noexcept { return m_code; }

private:
  ExitCode m_code;
};

}  // namespace tf
