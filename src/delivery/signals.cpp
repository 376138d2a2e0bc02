#include "delivery/signals.hpp"

#include <csignal>
#include <ctime>

namespace tf::delivery {
namespace {

/// A second SIGINT/SIGTERM within this time of the first is the same request.
constexpr long long k_same_stop_window_ns = 1'000'000'000LL;

std::atomic<int> g_stop_requests{0};
/// When the first stop signal arrived (CLOCK_MONOTONIC, ns); 0 until then. Claimed by one
/// compare-and-swap: the process has several threads (the live line, libcurl's resolver), and the
/// kernel hands each signal to any of them, so a Ctrl-C and timeout's copy of it can run this
/// handler on two threads at once. Only the thread that claims it is the first request.
std::atomic<long long> g_first_stop_ns{0};
std::atomic<bool> g_table_requested{false};
SignalHooks g_hooks;
struct sigaction g_old_int, g_old_term, g_old_usr1;

long long monotonic_ns() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);  // async-signal-safe
  return static_cast<long long>(now.tv_sec) * 1'000'000'000LL + now.tv_nsec + 1;  // never 0
}

extern "C" void on_stop_signal(int) {
  const long long now = monotonic_ns();
  long long first = 0;
  if (g_first_stop_ns.compare_exchange_strong(first, now)) {
    g_stop_requests.fetch_add(1);
    if (g_hooks.stop != nullptr) {
      g_hooks.stop(g_hooks.context);
    }
    return;
  }
  if (now - first < k_same_stop_window_ns) {
    return;  // `timeout` and a terminal's Ctrl-C both deliver one stop: the same request
  }
  g_stop_requests.fetch_add(1);
  if (g_hooks.immediate_stop != nullptr) {
    g_hooks.immediate_stop(g_hooks.context);
  }
}

extern "C" void on_usr1_signal(int) { g_table_requested.store(true); }

void install(int signo, void (*handler)(int), struct sigaction* old) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  sigaddset(&action.sa_mask, SIGINT);  // one stop handler at a time
  sigaddset(&action.sa_mask, SIGTERM);
  action.sa_flags = SA_RESTART;
  sigaction(signo, &action, old);
}

}  // namespace

SignalScope::SignalScope(SignalHooks hooks) {
  g_hooks = hooks;
  g_stop_requests.store(0);
  g_first_stop_ns.store(0);
  g_table_requested.store(false);
  install(SIGINT, on_stop_signal, &g_old_int);
  install(SIGTERM, on_stop_signal, &g_old_term);
  install(SIGUSR1, on_usr1_signal, &g_old_usr1);
}

SignalScope::~SignalScope() {
  if (g_stop_requests.load() > 0) {
    // A stop was asked for and the process is finishing (table, summary, exit 130). A late copy
    // of that signal (timeout(1) forwards the terminal's Ctrl-C) must not kill it by the default
    // action now, losing the exit status: from here on the stop signals are ignored.
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
  } else {
    sigaction(SIGINT, &g_old_int, nullptr);
    sigaction(SIGTERM, &g_old_term, nullptr);
  }
  sigaction(SIGUSR1, &g_old_usr1, nullptr);
  g_hooks = SignalHooks{};
}

int SignalScope::stop_requests() noexcept { return g_stop_requests.load(); }

bool SignalScope::take_table_request() noexcept { return g_table_requested.exchange(false); }

}  // namespace tf::delivery
