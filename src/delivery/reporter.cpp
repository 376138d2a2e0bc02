#include "delivery/reporter.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>
#include "delivery/console.hpp"

#include "delivery/run_observer.hpp"
#include "delivery/signals.hpp"
#include "report/prometheus.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace tf::delivery {
namespace {

constexpr const char* k_clear_line = "\r\033[K";

/// Columns of the terminal on stderr; 80 when unknown.
std::size_t terminal_width() {
  winsize size{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  return 80;
}

}  // namespace

Reporter::Reporter(ReporterOptions options, std::function<metrics::Snapshot()> snapshot, const Clock& clock)
  : m_options(std::move(options)), m_snapshot(std::move(snapshot)), m_clock(clock) {}

Reporter::~Reporter() { stop(); }

void Reporter::start() {
  m_thread = std::thread([this] { loop(); });
}

void Reporter::stop() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  if (m_thread.joinable()) {
    m_thread.join();
    if (m_options.live) {
      logging::set_live_line(false);
      std::fputs(k_clear_line, stderr);
      std::fflush(stderr);
    }
  }
}

void Reporter::loop() {
  auto previous = m_snapshot();
  auto last_log = m_clock.steady_now();
  std::unique_lock lock(m_mutex);
  while (!m_stopping) {
    // Wake often enough to answer SIGUSR1 promptly; the live line refreshes each second.
    m_wake.wait_for(lock, std::chrono::milliseconds(100));
    if (m_stopping) {
      break;
    }
    lock.unlock();
    tick(previous, last_log);
    lock.lock();
  }
}

void Reporter::print_table() {
  if (m_options.live) {
    std::fputs(k_clear_line, stderr);  // the table starts on a fresh line, not after the status
    std::fflush(stderr);
  }
  const auto table = report::render_health_table(m_snapshot(), m_options.color, table_width());
  std::fwrite(table.data(), 1, table.size(), stdout);
  std::fflush(stdout);
}

void Reporter::report(const metrics::Snapshot& previous, const metrics::Snapshot& current) {
  if (m_options.live) {
    const auto line =
      k_clear_line + report::render_status_line(previous, current, m_options.color, terminal_width(), m_options.bound);
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
    logging::set_live_line(true);
  } else if (logging::format() == logging::Format::json) {
    logging::write(logging::Level::info, m_clock.system_now(), "status",
                   report::status_fields(previous, current, m_options.bound));
  } else {
    logging::write_line(logging::Level::info,
                        report::render_log_line(previous, current, m_clock.system_now(), m_options.bound));
  }
}

void Reporter::tick(metrics::Snapshot& previous, SteadyTime& last_log) {
  if (SignalScope::take_table_request()) {
    print_table();
    last_log = SteadyTime{};  // redraw the status line at once, below the table
  }
  const auto now = m_clock.steady_now();
  if (m_options.watch && now - m_last_watch >= Millis{1000}) {
    m_last_watch = now;
    m_options.watch(m_snapshot());
  }
  const auto period = m_options.live ? Millis{1000} : m_options.interval;
  if (now - last_log < period) {
    return;
  }
  last_log = now;
  auto current = m_snapshot();
  report(previous, current);
  if (!m_options.metrics_file.empty()) {
    try {
      report::write_prometheus_file(m_options.metrics_file, current);
    } catch (const Error& e) {
      log_line(std::string("warning: ") + e.what(), m_clock);
    }
  }
  previous = std::move(current);
}

}  // namespace tf::delivery
