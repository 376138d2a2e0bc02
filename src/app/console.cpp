#include "app/console.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace tf::app {

namespace {

std::atomic<bool> g_stdout_failed{false};
std::atomic<bool> g_stderr_failed{false};
std::mutex g_stdout_mutex;

bool write_to(std::FILE* stream, std::atomic<bool>& failed, std::string_view text) {
  if (failed.load()) {
    return false;
  }
  const bool ok = std::fwrite(text.data(), 1, text.size(), stream) == text.size() && std::fflush(stream) == 0;
  if (!ok) {
    failed.store(true);
    std::clearerr(stream);
  }
  return ok;
}

} // namespace

bool write_stdout(std::string_view text) {
  std::lock_guard lock(g_stdout_mutex);
  return write_to(stdout, g_stdout_failed, text);
}

bool write_stderr(std::string_view text) {
  return write_to(stderr, g_stderr_failed, text);
}

void print_table(std::string_view table) {
  if (!write_stdout(table)) {
    write_stderr(table);
  }
}

} // namespace tf::app
