#include "app/signals.hpp"

#include <csignal>
#include <ctime>

namespace tf::app {
namespace {

std::atomic<int> g_stop_requests{0};
std::atomic<bool> g_table_requested{false};
SignalHooks g_hooks;
struct sigaction g_old_int, g_old_term, g_old_usr1;

/// Ctrl-C under `timeout` delivers SIGINT from the terminal (to the whole foreground process
/// group) and again from `timeout`, which forwards it, microseconds apart. A signal sent by a
/// process (SI_USER) this soon after one from the terminal is that forward, not a second request;
/// a person's second Ctrl-C comes from the terminal again and counts, as does any `kill`.
constexpr long long k_forward_window_ns = 300'000'000;
std::atomic<long long> g_terminal_signal_ns{0};

long long monotonic_ns() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);  // async-signal-safe
  return static_cast<long long>(now.tv_sec) * 1'000'000'000LL + now.tv_nsec;
}

extern "C" void on_stop_signal(int, siginfo_t* info, void*) {
  const long long now = monotonic_ns();
  const bool from_terminal = info != nullptr && info->si_code == SI_KERNEL;
  if (from_terminal) {
    g_terminal_signal_ns.store(now);
  } else if (const long long last = g_terminal_signal_ns.load(); last != 0 && now - last < k_forward_window_ns) {
    return;  // the terminal's request, forwarded
  }
  const int n = g_stop_requests.fetch_add(1) + 1;
  if (n == 1 && g_hooks.stop != nullptr) {
    g_hooks.stop(g_hooks.context);
  } else if (n >= 2 && g_hooks.immediate_stop != nullptr) {
    g_hooks.immediate_stop(g_hooks.context);
  }
}

extern "C" void on_usr1_signal(int) {
  g_table_requested.store(true);
}

void install(int signo, void (*handler)(int), struct sigaction* old) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(signo, &action, old);
}

/// As install(), with the sender's details (siginfo_t) passed to `handler`.
void install_with_info(int signo, void (*handler)(int, siginfo_t*, void*), struct sigaction* old) {
  struct sigaction action {};
  action.sa_sigaction = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART | SA_SIGINFO;
  sigaction(signo, &action, old);
}

} // namespace

SignalScope::SignalScope(SignalHooks hooks) {
  g_hooks = hooks;
  g_stop_requests.store(0);
  g_terminal_signal_ns.store(0);
  g_table_requested.store(false);
  install_with_info(SIGINT, on_stop_signal, &g_old_int);
  install_with_info(SIGTERM, on_stop_signal, &g_old_term);
  install(SIGUSR1, on_usr1_signal, &g_old_usr1);
}

SignalScope::~SignalScope() {
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
  sigaction(SIGUSR1, &g_old_usr1, nullptr);
  g_hooks = SignalHooks{};
}

int SignalScope::stop_requests() noexcept {
  return g_stop_requests.load();
}

bool SignalScope::take_table_request() noexcept {
  return g_table_requested.exchange(false);
}

} // namespace tf::app
