#pragma once
// The reporter thread of `run`: a live one-line status on a terminal (each second, stderr,
// redrawn in place and cut to the terminal's width), otherwise a log record every REPORT_INTERVAL; the health table on
// SIGUSR1; the Prometheus file refreshed each interval. It only reads snapshots.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "metrics/run_metrics.hpp"
#include "report/health_table.hpp"
#include "util/clock.hpp"

namespace tf::delivery {

struct ReporterOptions {
  bool live = false;  ///< stderr is a terminal and not --quiet
  bool color = false;  ///< NO_COLOR unset and a terminal
  Millis interval{60000};  ///< log line period when not live
  std::string metrics_file;  ///< Prometheus text file, empty = none
  report::RunBound bound;  ///< for % done and ETA
  /// Called with a fresh snapshot every second while the run goes on (--abort-on-fail); none = off.
  std::function<void(const metrics::Snapshot&)> watch;
};

class Reporter {
public:
  Reporter(ReporterOptions options, std::function<metrics::Snapshot()> snapshot, const Clock& clock);
  ~Reporter();
  Reporter(const Reporter&) = delete;
  Reporter& operator=(const Reporter&) = delete;

  void start();
  /// Stops the thread and clears the live line.
  void stop();

private:
  void loop();
  void tick(metrics::Snapshot& previous, SteadyTime& last_log);
  void print_table();
  void report(const metrics::Snapshot& previous, const metrics::Snapshot& current);

  ReporterOptions m_options;
  std::function<metrics::Snapshot()> m_snapshot;
  const Clock& m_clock;
  std::thread m_thread;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stopping = false;
  SteadyTime m_last_watch{};  ///< when watch was last called
};

}  // namespace tf::delivery
