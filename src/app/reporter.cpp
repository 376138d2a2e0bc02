#include "app/reporter.hpp"

#include <cstdio>

#include "app/console.hpp"
#include "app/run_observer.hpp"
#include "app/signals.hpp"
#include "report/health_table.hpp"
#include "report/prometheus.hpp"
#include "util/error.hpp"

namespace tf::app {

Reporter::Reporter(ReporterOptions options, std::function<metrics::Snapshot()> snapshot, const Clock& clock)
  : m_options(std::move(options)), m_snapshot(std::move(snapshot)), m_clock(clock) {}

Reporter::~Reporter() {
  stop();
}

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
      write_stderr("\r\033[K");
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

void Reporter::tick(metrics::Snapshot& previous, SteadyTime& last_log) {
  if (SignalScope::take_table_request()) {
    print_table(report::render_health_table(m_snapshot(), m_options.color));
  }
  const auto now = m_clock.steady_now();
  const auto period = m_options.live ? Millis{1000} : m_options.interval;
  if (now - last_log < period) {
    return;
  }
  last_log = now;
  auto current = m_snapshot();
  if (m_options.live) {
    const auto line = "\r\033[K" + report::render_status_line(previous, current, m_options.color);
    write_stderr(line);
  } else {
    const auto line = report::render_log_line(previous, current, m_clock.system_now()) + "\n";
    write_stderr(line);
  }
  if (!m_options.metrics_file.empty()) {
    try {
      report::write_prometheus_file(m_options.metrics_file, current);
    } catch (const Error& e) {
      log_line(std::string("warning: ") + e.what(), m_clock);
    }
  }
  previous = std::move(current);
}

} // namespace tf::app
