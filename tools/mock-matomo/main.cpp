// mock-matomo: a strict mock of Matomo's tracking endpoint on loopback, for the integration
// tests, the benchmarks and the quick-start demo (reference/matomo-tracking.md §7).
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include <pthread.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "config.hpp"
#include "server.hpp"
#include "util/error.hpp"

namespace {

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  int threads = 64;
  std::string config_file, report_file, port_file;
  bool strict = false, compat = false;
  int fault_status = 0, latency_ms = 0, stall_ms = 0;
  double fault_rate = 1.0, drop_rate = 0.0;
  std::string retry_after;
  std::uint64_t seed = 1;
};

void add_options(CLI::App& app, Options& o) {
  app.add_option("--host", o.host, "127.0.0.1 (default) or ::1");
  app.add_option("--port", o.port, "port, 0 = any free port (default)");
  app.add_option("--port-file", o.port_file, "also write the port to this file");
  app.add_option("--config", o.config_file, "config JSON: sites, tokens, faults, mode");
  auto* strict = app.add_flag("--strict", o.strict, "reject strict-only violations (default)");
  app.add_flag("--compat", o.compat, "reject only what real Matomo rejects")->excludes(strict);
  app.add_option("--report", o.report_file, "write the final stats JSON here (default: stdout)");
  app.add_option("--threads", o.threads, "worker threads (default 64)")->check(CLI::Range(1, 1024));
  app.add_option("--fault-status", o.fault_status, "inject this status (e.g. 503)");
  app.add_option("--fault-rate", o.fault_rate, "probability of --fault-status")->check(CLI::Range(0.0, 1.0));
  app.add_option("--retry-after", o.retry_after, "Retry-After value sent with injected statuses");
  app.add_option("--latency-ms", o.latency_ms, "added latency per tracking request");
  app.add_option("--stall-ms", o.stall_ms, "stall every tracking request this long, then 504");
  app.add_option("--drop-rate", o.drop_rate, "probability of closing without answering")->check(CLI::Range(0.0, 1.0));
  app.add_option("--seed", o.seed, "seed of the fault injection");
}

tf::mock::MockConfig build_config(const Options& o, const CLI::App& app) {
  auto config = o.config_file.empty() ? tf::mock::MockConfig::defaults() : tf::mock::MockConfig::load(o.config_file);
  config.strict = o.compat ? false : (o.strict ? true : config.strict);
  auto& f = config.faults;
  if (app.count("--seed") > 0)
    f.seed = o.seed;
  if (app.count("--fault-status") > 0)
    f.status = o.fault_status;
  if (app.count("--fault-rate") > 0)
    f.rate = o.fault_rate;
  if (app.count("--retry-after") > 0)
    f.retry_after = o.retry_after;
  if (app.count("--latency-ms") > 0)
    f.latency_ms = o.latency_ms;
  if (app.count("--stall-ms") > 0)
    f.stall_ms = o.stall_ms;
  if (app.count("--drop-rate") > 0)
    f.drop_rate = o.drop_rate;
  return config;
}

void write_report(const nlohmann::json& stats, const std::string& path) {
  const auto text = stats.dump(2) + "\n";
  if (path.empty()) {
    std::cout << text << std::flush;
    return;
  }
  std::ofstream out(path);
  if (!(out << text)) {
    throw tf::Error(fmt::format("{}: cannot write the report", path), tf::ExitCode::runtime);
  }
}

int run(const Options& o, const CLI::App& app) {
  // Signals are taken by sigwait on this thread only; every thread started later inherits
  // the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  tf::mock::MockServer server(build_config(o, app), o.threads);
  const int port = server.bind(o.host, o.port);
  const auto host = tf::mock::loopback_host(o.host);
  std::cout << fmt::format("listening on {}:{}\n", host == "::1" ? "[::1]" : host, port) << std::flush;
  if (!o.port_file.empty()) {
    std::ofstream(o.port_file) << port << "\n";
  }
  std::atomic<bool> served{false};
  std::thread listener([&] {
    server.serve();
    served = true;
  });
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  while (!served) {  // stop() is a no-op until the listener runs: repeat until it returns
    server.stop();
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  listener.join();
  const auto stats = server.stats();
  write_report(stats, o.report_file);
  // The verdict line of the quick-start demo; stdout may carry the report.
  std::cerr << fmt::format("mock-matomo: {} hits, {} accepted, {} violations\n",
                           stats.at("hits_received").get<long long>(), stats.at("hits_accepted").get<long long>(),
                           stats.at("violations_total").get<long long>());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mock-matomo: a strict mock of Matomo's tracking endpoint, on loopback only"};
  Options options;
  add_options(app, options);
  CLI11_PARSE(app, argc, argv);
  try {
    return run(options, app);
  } catch (const tf::Error& e) {
    std::cerr << "mock-matomo: error: " << e.what() << "\n";
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::cerr << "mock-matomo: error: " << e.what() << "\n";
    return static_cast<int>(tf::ExitCode::runtime);
  }
}
