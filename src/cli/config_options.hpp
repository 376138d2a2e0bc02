#pragma once
// Option groups shared by subcommands: the configuration layers (--preset, --env-file, --targets),
// one flag per delivery setting, and run/generate helpers (--shard, --backfill).
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/commands.hpp"
#include "config/loader.hpp"

namespace tf::cli {

/// A command-line flag that sets a key of the settings table.
struct SettingFlag {
  std::string_view flag;  ///< e.g. "--threads"
  std::string_view key;  ///< e.g. "THREADS"
  bool is_switch = false;  ///< takes no value (sets the key to true)
  bool repeatable = false;  ///< may be given again; the values are joined by blanks
  std::string_view group{};  ///< --help group; empty: the group of the flag set (Delivery, Target, Output)
};

/// The delivery flags of run/generate/replay, in --help order.
const std::vector<SettingFlag>& delivery_flags();

/// The output flags of run/generate/replay (--log-format), in --help order ("Output" group).
const std::vector<SettingFlag>& output_flags();

/// The site flag of run/generate (--site-profile), in the "Target" group.
const std::vector<SettingFlag>& site_flags();

/// The single-target flags (--url, --site-id, --token-file), in --help order ("Target" group).
const std::vector<SettingFlag>& target_flags();

/// Parses --rate's VISITS/s ("2", "2/s", "90/min", "500/h", "20000/d") into visits per day;
/// throws tf::Error (usage) otherwise.
double parse_rate(std::string_view text);

struct ConfigOptions {
  std::string preset;
  std::vector<std::string> env_files;
  std::string targets;
  std::string seed;
  bool show_config = false;
  bool show_secrets = false;
  std::map<std::string, std::string> values;  ///< by flag: the flags given, with their values
  std::map<std::string, bool> switches;  ///< by flag
  std::vector<std::string> thresholds;  ///< --threshold, in order (THRESHOLDS, joined by ';')
  std::vector<config::FlagValue> extra;  ///< set by subcommand options (e.g. --backfill)
  std::string rate;  ///< --rate VISITS/s; empty: not given
  bool replay = false;  ///< replay: no visit-model warnings

  /// The layered request for config::load (flags in table order, then `extra`).
  config::LoadRequest request() const;
};

/// Which option groups a subcommand takes: each takes only the options that apply to it.
struct OptionSet {
  bool visits = true;  ///< --seed and --rate (not replay: its visits come from the file)
  bool delivery = true;  ///< the delivery flags (not generate: it sends nothing)
};

/// Adds --preset, --env-file, --targets, --show-config, --show-secrets, the target flags, the
/// output flags and, as `set` says, --seed, --rate and the delivery flags to `app`.
void add_config_options(CLI::App& app, ConfigOptions& options, OptionSet set = {});

/// Adds --targets and the target flags (--url, --site-id, --token-file) alone: what
/// `validate --probe` without FILE needs to name the targets.
void add_target_options(CLI::App& app, ConfigOptions& options);

/// A CLI11 transform for integer options: CLI11 reads "010" as octal and "0x10" as hex, our
/// numbers are decimal ("010" is 10; hex, octal prefixes and signs other than + are refused).
const CLI::Validator& decimal_integer();

/// Parses "K/N" (0 ≤ K < N); throws tf::Error (usage) otherwise.
app::Shard parse_shard(std::string_view text);

/// The shard from --shard, else from JOB_COMPLETION_INDEX with --shard-count, else 0/1.
app::Shard resolve_shard(const std::string& shard, int shard_count, const std::optional<std::string>& job_index);

/// Splits "FROM..TO" (YYYY-MM-DD each) into flag values for the backfill keys; throws
/// tf::Error (usage) when malformed.
std::vector<config::FlagValue> backfill_flags(const std::string& range);

/// Prints the settings with origins to stdout (for --show-config).
void show_config(const config::Settings& settings, bool show_secrets);

/// The settings `options` ask for, or nullopt once they were printed for --show-config (the
/// subcommand then exits 0 without doing anything else).
std::optional<config::Settings> load_settings(const ConfigOptions& options);

/// Which visits a command covers: --backfill FROM..TO, --shard K/N, --shard-count N.
struct VisitScope {
  std::string backfill;
  std::string shard;
  int shard_count = 0;
};

/// Puts --backfill into the command-line layer of `config` and resolves the shard (from
/// --shard, or --shard-count with JOB_COMPLETION_INDEX). Throws tf::Error (usage).
app::Shard apply_scope(const VisitScope& scope, ConfigOptions& config);

}  // namespace tf::cli
