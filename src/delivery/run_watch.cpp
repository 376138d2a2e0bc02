#include "delivery/run_watch.hpp"

#include <optional>

#include <fmt/format.h>

#include "config/settings_table.hpp"
#include "delivery/run_observer.hpp"
#include "delivery/signals.hpp"
#include "live/live_server.hpp"
#include "report/html_report.hpp"
#include "report/prometheus.hpp"
#include "report/summary_json.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace tf::delivery {
namespace {
constexpr Millis k_period{1000};

/// One published snapshot and the documents made from it, each on its first request.
struct Documents {
  metrics::Snapshot snapshot;
  live::Lazy<nlohmann::json> summary;
  live::Lazy<nlohmann::json> data;  ///< report_data(summary)
};

/// The live view of `snapshot`: nothing is rendered until a request asks for it (the page, a
/// scraper and /status each pay for their own format). `summary`: the final one, else made
/// from the snapshot with `config` (which outlives the server).
std::shared_ptr<live::Content> live_content(metrics::Snapshot snapshot, std::optional<nlohmann::json> summary,
                                            const nlohmann::json& config) {
  auto docs = std::make_shared<Documents>();
  docs->snapshot = std::move(snapshot);
  const Documents* d = docs.get();  // the content's renderers keep docs alive
  if (summary) {
    docs->summary.set([s = std::move(*summary)] { return s; });
  } else {
    docs->summary.set([d, &config] { return report::summary_to_json(d->snapshot, config); });
  }
  docs->data.set([d] { return report::report_data(d->summary.get()); });
  auto dump = [](const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); };
  auto content = std::make_shared<live::Content>();
  content->page_html.set([docs] { return report::render_html(docs->data.get(), report::PageMode::live); });
  content->data_json.set([docs, dump] { return dump(docs->data.get()); });
  content->status_json.set([docs, dump] { return dump(docs->summary.get()); });
  content->metrics_text.set([docs] { return report::render_prometheus(docs->snapshot); });
  content->openmetrics_text.set([docs] { return report::render_openmetrics(docs->snapshot); });
  return content;
}

}  // namespace

std::function<std::string(double)> speed_hook(std::shared_ptr<std::atomic<double>> scale, double configured_speed,
                                              double base_rate, metrics::SharedMetrics& shared) {
  return [scale = std::move(scale), configured_speed, base_rate, &shared](double speed) -> std::string {
    const auto* row = config::find_key("SPEED");
    if (!(speed >= row->min && speed <= row->max)) {
      return fmt::format("value: expected SPEED between {} and {}, found {}", row->min, row->max, speed);
    }
    const double factor = speed / configured_speed;
    scale->store(factor);
    shared.configure([&](metrics::RunMetrics& run) { run.requested_visit_rate = base_rate * factor; });
    return {};
  };
}

RunWatch::RunWatch(const config::Settings& settings, nlohmann::json redacted_config, WatchHooks hooks,
                   const Clock& clock)
  : m_settings(settings), m_config(std::move(redacted_config)), m_hooks(std::move(hooks)), m_clock(clock) {
  if (settings.listen.empty()) {
    return;
  }
  const auto at = live::parse_listen(settings.listen);
  std::string token =
    settings.listen_token_file.empty() ? std::string() : live::read_token_file(settings.listen_token_file);
  live::Controls controls;
  controls.stop = [this] {
    m_stop_requested = true;
    m_hooks.stop();
    m_wake.notify_all();
  };
  controls.speed = [this](double value) {
    return m_hooks.speed ? m_hooks.speed(value) : std::string("this command cannot change its speed");
  };
  const std::string page = report::render_html(
    report::report_data(report::summary_to_json(m_hooks.snapshot(), m_config)), report::PageMode::live);
  m_server = std::make_unique<live::LiveServer>(at, std::move(token), page, std::move(controls));
  const std::string host = at.host.find(':') != std::string::npos ? "[" + at.host + "]" : at.host;
  log_line(fmt::format("live view: http://{}:{}/ (metrics: /metrics, status: /status)", host, m_server->port()),
           m_clock);
}

RunWatch::~RunWatch() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  if (m_thread.joinable()) {
    m_thread.join();
  }
  if (m_server) {
    m_server->stop();
  }
}

void RunWatch::start() {
  sample();
  m_thread = std::thread([this] { loop(); });
}

void RunWatch::loop() {
  std::unique_lock lock(m_mutex);
  while (!m_wake.wait_for(lock, k_period, [this] { return m_stopping; })) {
    lock.unlock();
    sample();
    lock.lock();
  }
}

void RunWatch::sample() {
  auto snapshot = m_hooks.snapshot();
  {
    std::lock_guard lock(m_mutex);
    m_recorder.sample(snapshot, m_clock.system_now());
    if (!m_server) {
      return;
    }
    snapshot.series = m_recorder.series();
  }
  snapshot.ledger.drop_visitor_details();  // for verify --live in the final summary, not the live view
  m_server->publish(live_content(std::move(snapshot), std::nullopt, m_config));
}

void RunWatch::finish(metrics::Snapshot& final) {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  if (m_thread.joinable()) {
    m_thread.join();
  }
  m_recorder.sample(final, m_clock.system_now());
  final.series = m_recorder.series();
}

void RunWatch::linger(const metrics::Snapshot& final, const nlohmann::json& summary) {
  if (!m_server) {
    return;
  }
  m_server->publish(live_content(final, summary, m_config));
  const auto until = m_clock.steady_now() + m_settings.listen_linger;
  std::unique_lock lock(m_mutex);
  while (!m_stop_requested && SignalScope::stop_requests() == 0 && m_clock.steady_now() < until) {
    m_wake.wait_for(lock, std::min<std::chrono::steady_clock::duration>(until - m_clock.steady_now(), k_period));
  }
  lock.unlock();
  m_server->stop();
}

}  // namespace tf::delivery
