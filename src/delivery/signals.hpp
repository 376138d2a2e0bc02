#pragma once
// Process signals for `run` and `replay`: SIGINT/SIGTERM ask for a drain (a second one, more
// than 1 s after the first, for an immediate stop; within 1 s it is the same request, as
// `timeout` and a terminal's Ctrl-C both deliver one), SIGUSR1 asks for the health table now. Handlers only set atomic
// flags and call the installed async-signal-safe callbacks.
#include <atomic>

namespace tf::delivery {

struct SignalHooks {
  void (*stop)(void* context) = nullptr;  ///< first SIGINT/SIGTERM (async-signal-safe)
  void (*immediate_stop)(void* context) = nullptr;  ///< a later SIGINT/SIGTERM (async-signal-safe)
  void* context = nullptr;
};

/// Installs the handlers for the lifetime of the object and restores the previous ones after.
class SignalScope {
public:
  explicit SignalScope(SignalHooks hooks);
  ~SignalScope();
  SignalScope(const SignalScope&) = delete;
  SignalScope& operator=(const SignalScope&) = delete;

  /// Number of stop requests so far (SIGINT/SIGTERM, one within 1 s of the first not counted).
  static int stop_requests() noexcept;
  /// True once per SIGUSR1 received (clears the flag).
  static bool take_table_request() noexcept;
};

}  // namespace tf::delivery
