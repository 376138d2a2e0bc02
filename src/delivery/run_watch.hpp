#pragma once
// Watching a run over time for `run` and `replay`: a thread samples the run's snapshot each
// second into the time series (metrics/time_series.hpp) and, with LISTEN, publishes the live
// view (live/live_server.hpp): the page's data, /status and /metrics, rendered here so the
// server never touches the run. POST /stop asks the engine for a drain; POST /speed sets the
// live rate scale. After the run, the final state is served for LISTEN_LINGER.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "config/settings.hpp"
#include "metrics/run_metrics.hpp"
#include "util/clock.hpp"

namespace tf::live {
class LiveServer;
}

namespace tf::delivery {

struct WatchHooks {
  std::function<metrics::Snapshot()> snapshot;  ///< the run's merged snapshot now
  std::function<void()> stop;  ///< a graceful drain (Engine::request_stop)
  /// Sets SPEED live; "" when done, else why not. None: POST /speed answers 400.
  std::function<std::string(double speed)> speed;
};

/// POST /speed for a run paced at `base_rate` visits/s by SPEED `configured_speed`: checks the
/// new speed against SPEED's range, stores new/configured in `scale` (EngineConfig::rate_scale)
/// and the new requested rate in `shared`.
std::function<std::string(double)> speed_hook(std::shared_ptr<std::atomic<double>> scale, double configured_speed,
                                              double base_rate, metrics::SharedMetrics& shared);

class RunWatch {
public:
  /// Binds LISTEN when set (throws tf::Error before anything is sent when it cannot, or when
  /// a non-loopback address has no LISTEN_TOKEN_FILE). `redacted_config` goes into /status.
  RunWatch(const config::Settings& settings, nlohmann::json redacted_config, WatchHooks hooks, const Clock& clock);
  ~RunWatch();
  RunWatch(const RunWatch&) = delete;
  RunWatch& operator=(const RunWatch&) = delete;

  /// Starts sampling (and publishing) each second.
  void start();
  /// Stops sampling, takes a last sample of `final` and sets final.series to the whole series.
  void finish(metrics::Snapshot& final);
  /// With LISTEN: publishes the final snapshot and its `summary` and serves them for
  /// LISTEN_LINGER, or until POST /stop or SIGINT/SIGTERM; then stops serving. Without LISTEN:
  /// returns at once.
  void linger(const metrics::Snapshot& final, const nlohmann::json& summary);
  /// True with LISTEN: linger() serves, so the caller needs a summary to give it.
  bool serving() const { return m_server != nullptr; }

private:
  void loop();
  void sample();

  const config::Settings& m_settings;
  nlohmann::json m_config;
  WatchHooks m_hooks;
  const Clock& m_clock;
  std::unique_ptr<live::LiveServer> m_server;
  std::mutex m_mutex;  ///< guards the recorder and m_stopping
  std::condition_variable m_wake;
  bool m_stopping = false;
  std::atomic<bool> m_stop_requested{false};  ///< POST /stop seen (during the run or the linger)
  metrics::SeriesRecorder m_recorder;
  std::thread m_thread;
};

}  // namespace tf::delivery
