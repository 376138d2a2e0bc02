#pragma once
// Layered configuration, lowest first: built-in defaults < --preset < --env-file (repeatable) <
// process environment < --targets < command-line flags. Every value remembers its origin.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <date/date.h>

#include "config/diagnostic.hpp"
#include "config/dotenv.hpp"
#include "config/settings.hpp"

namespace tf::config {

/// A value given on the command line, e.g. {"THREADS", "4", "--threads"}.
struct FlagValue {
  std::string key;
  std::string value;
  std::string flag;
  /// Another spelling of `key` (--rate for TARGET_VISITS_PER_DAY): an error when the user also set
  /// `key` in a file, the environment or a flag (a preset's value is replaced).
  bool alternative = false;
};

struct LoadRequest {
  std::string preset;  ///< built-in preset name or a file path; empty: none
  std::vector<std::string> env_files;  ///< applied in order
  std::string targets_file;  ///< --targets FILE; empty: none
  std::vector<FlagValue> flags;  ///< command-line layer, applied in order
  /// The process environment layer and ${VAR} source; nullopt: the real environment.
  std::optional<std::map<std::string, std::string>> environment;
  bool apply_environment = true;  ///< false: ${VAR} expansion only (validate FILE)
  bool check_files = true;  ///< also read URLS_FILE and FUNNEL_CONFIG_PATH (kept in Settings)
  std::optional<date::sys_days> today;  ///< "today" for backfill rules; nullopt: now in TIMEZONE
  bool generates_visits = true;  ///< false (replay): no warnings about the visit model (cip)
};

/// Collects every problem of every layer instead of stopping at the first.
class Loader {
public:
  explicit Loader(LoadRequest request);

  /// Builds the settings; problems are in diagnostics() afterwards.
  Settings load();
  const Diagnostics& diagnostics() const { return m_diags; }

private:
  LoadRequest m_request;
  std::map<std::string, std::string> m_environment;
  EnvLookup m_lookup;
  Diagnostics m_diags;
  Settings m_settings;

  void apply_entries(const std::vector<EnvEntry>& entries, Layer layer, const std::string& source);
  void apply_one(const std::string& key, const std::string& value, const Origin& origin);
  void apply_token_file(const std::string& path, const Origin& origin);
  void apply_inline_targets(const std::string& value, const Origin& origin);
  void apply_preset();
  void apply_env_file(const std::string& path);
  void apply_environment();
  void apply_trust_fallbacks();
  void apply_targets_file();
  void apply_flags();
};

/// Loads the settings and sets the process's log from LOG_LEVEL and LOG_FORMAT; warnings are then
/// logged (text: `trafficinator: FILE:LINE: warning: …`; hidden by LOG_LEVEL=ERROR). Throws
/// tf::Error (usage) whose message lists every error, one a line.
Settings load(const LoadRequest& request);

/// The text of a built-in preset; nullopt when there is none of that name.
std::optional<std::string> builtin_preset(const std::string& name);

/// Names of the built-in presets, sorted.
std::vector<std::string> builtin_preset_names();

/// "preset medium:4", "env-file a.env:3", "environment", "--threads", "default".
std::string describe(const Origin& origin);

}  // namespace tf::config
