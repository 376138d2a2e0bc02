#include "cli/config_options.hpp"

#include <cmath>
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include "app/show_config.hpp"
#include "config/settings_table.hpp"
#include "util/error.hpp"
#include "util/units.hpp"

namespace tf::cli {

const std::vector<SettingFlag>& delivery_flags() {
  static const std::vector<SettingFlag> flags = {
    {"--threads", "THREADS"},
    {"--bulk", "BULK"},
    {"--bulk-linger", "BULK_LINGER"},
    {"--concurrency", "CONCURRENCY"},
    {"--max-in-flight", "MAX_IN_FLIGHT"},
    {"--speed", "SPEED"},
    {"--connect-timeout", "CONNECT_TIMEOUT"},
    {"--timeout", "REQUEST_TIMEOUT"},
    {"--retries", "MAX_RETRIES"},
    {"--retry-unconfirmed", "RETRY_UNCONFIRMED", true},
    {"--drain-timeout", "DRAIN_TIMEOUT"},
    {"--report-interval", "REPORT_INTERVAL"},
    {"--dead-letter", "DEAD_LETTER_FILE"},
    {"--lock", "LOCK_FILE"},
    {"--listen", "LISTEN", false, false, "Live"},
    {"--listen-token", "LISTEN_TOKEN_FILE", false, false, "Live"},
    {"--listen-linger", "LISTEN_LINGER", false, false, "Live"},
    {"--http2", "HTTP2", true},
    {"--insecure", "INSECURE", true},
    {"--user-agent", "USER_AGENT_HEADER"},
    {"--max-failure-rate", "MAX_FAILURE_RATE"},
    {"--abort-on-fail", "ABORT_ON_FAIL", true},
    {"--cacert", "CA_BUNDLE", false, false, "Network"},
    {"--capath", "CA_PATH", false, false, "Network"},
    {"--cert", "CLIENT_CERT", false, false, "Network"},
    {"--key", "CLIENT_KEY", false, false, "Network"},
    {"--proxy", "PROXY", false, false, "Network"},
    {"--use-env-proxy", "USE_ENV_PROXY", true, false, "Network"},
    {"--resolve", "RESOLVE", false, true, "Network"},
    {"--connect-to", "CONNECT_TO", false, true, "Network"},
  };
  return flags;
}

const std::vector<SettingFlag>& target_flags() {
  static const std::vector<SettingFlag> flags = {
    {"--url", "MATOMO_URL"},
    {"--site-id", "MATOMO_SITE_ID"},
    {"--token-file", "MATOMO_TOKEN_AUTH_FILE"},
  };
  return flags;
}

const std::vector<SettingFlag>& site_flags() {
  static const std::vector<SettingFlag> flags = {
    {"--site-profile", "SITE_PROFILE"},
  };
  return flags;
}

const std::vector<SettingFlag>& output_flags() {
  static const std::vector<SettingFlag> flags = {
    {"--log-format", "LOG_FORMAT"},
  };
  return flags;
}

double parse_rate(std::string_view text) {
  const auto slash = text.find('/');
  const std::string digits(text.substr(0, slash));
  char* end = nullptr;
  const double value = digits.empty() ? 0 : std::strtod(digits.c_str(), &end);
  const std::optional<double> number =
    end != nullptr && *end == '\0' && std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
  const std::string_view unit = slash == std::string_view::npos ? "s" : text.substr(slash + 1);
  const std::map<std::string_view, double> k_per_day = {{"s", 86400}, {"min", 1440}, {"h", 24}, {"d", 1}};
  const auto factor = k_per_day.find(unit);
  if (!number || *number <= 0 || factor == k_per_day.end()) {
    throw Error(
      fmt::format("--rate: expected visits per second such as 2, 0.5/s, 90/min, 500/h or 20000/d, found \"{}\"", text));
  }
  return *number * factor->second;
}

namespace {

/// Adds one CLI option per flag, in the flag's own help group or else `group`; the values land in
/// `options` (a repeatable flag's values joined by blanks).
void add_setting_flags(CLI::App& app, ConfigOptions& options, const std::vector<SettingFlag>& flags,
                       const std::string& group) {
  for (const auto& flag : flags) {
    const config::KeySpec* spec = config::find_key(flag.key);
    std::string help = fmt::format("{} ({})", spec->help, flag.key);
    const std::string mention = fmt::format(" ({})", flag.flag);
    if (const auto at = help.find(mention); at != std::string::npos) {
      help.erase(at, mention.size());
    }
    const std::string name(flag.flag);
    const std::string flag_group = flag.group.empty() ? group : std::string(flag.group);
    if (flag.is_switch) {
      app.add_flag(name, options.switches[name], help)->group(flag_group);
    } else if (flag.repeatable) {
      app
        .add_option_function<std::vector<std::string>>(
          name,
          [&options, name](const std::vector<std::string>& values) {
            std::string joined;
            for (const auto& value : values) {
              joined += (joined.empty() ? "" : " ") + value;
            }
            options.values[name] = joined;
          },
          help + " (repeatable)")
        ->type_name(std::string(config::type_name(spec->type)))
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->group(flag_group);
    } else {
      // Only given flags get an entry, so a value given empty ("") is passed on (and judged by
      // the table) rather than taken for an absent flag.
      app
        .add_option_function<std::string>(
          name, [&options, name](const std::string& value) { options.values[name] = value; }, help)
        ->type_name(std::string(config::type_name(spec->type)))
        ->group(flag_group);
    }
  }
}

/// The flags' values as the command-line layer, in `flags` order.
void push_flag_values(const ConfigOptions& options, const std::vector<SettingFlag>& flags,
                      config::LoadRequest& request) {
  for (const auto& flag : flags) {
    const std::string name(flag.flag);
    if (flag.is_switch) {
      const auto it = options.switches.find(name);
      if (it != options.switches.end() && it->second) {
        request.flags.push_back({std::string(flag.key), "true", name});
      }
      continue;
    }
    const auto it = options.values.find(name);
    if (it != options.values.end()) {
      request.flags.push_back({std::string(flag.key), it->second, name});
    }
  }
}

}  // namespace

void add_config_options(CLI::App& app, ConfigOptions& options, OptionSet set) {
  const bool with_seed = set.visits;
  if (set.delivery) {
    app
      .add_option("--threshold", options.thresholds,
                  "A threshold, [TARGET:]METRIC OP NUMBER (e.g. 'p99<500', 'a:failure_rate<=0.001'); any "
                  "failure exits 1 (repeatable; THRESHOLDS)")
      ->type_name("EXPR")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group("Delivery");
  }
  app.add_option("--preset", options.preset, "Built-in preset (light, medium, heavy, extreme, smoke) or a .env file")
    ->type_name("NAME|FILE")
    ->group("Configuration");
  app.add_option("--env-file", options.env_files, "A .env file applied over the preset (repeatable, in order)")
    ->type_name("FILE")
    ->expected(1)
    ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
    ->group("Configuration");
  app.add_option("--targets", options.targets, "Targets JSON file (replaces MATOMO_URL and MULTI_TARGET_CONFIG)")
    ->type_name("FILE")
    ->group("Configuration");
  if (with_seed) {
    app.add_option("--seed", options.seed, "Seed of the visit model (SEED); default: random, printed")
      ->type_name("S")
      ->group("Configuration");
  }
  app.add_flag("--show-config", options.show_config, "Print every setting with its value and origin, then exit")
    ->group("Configuration");
  app.add_flag("--show-secrets", options.show_secrets, "Print tokens instead of *** (--show-config, output)")
    ->group("Configuration");
  add_setting_flags(app, options, target_flags(), "Target");
  if (with_seed) {
    app
      .add_option("--rate", options.rate,
                  "Visits per second (2, 90/min, 500/h); instead of TARGET_VISITS_PER_DAY, "
                  "whose preset value it replaces")
      ->type_name("VISITS/s")
      ->group("Target");
    add_setting_flags(app, options, site_flags(), "Target");
  }
  if (set.delivery) {
    add_setting_flags(app, options, delivery_flags(), "Delivery");
  }
  add_setting_flags(app, options, output_flags(), "Output");
}

void add_target_options(CLI::App& app, ConfigOptions& options) {
  app.add_option("--targets", options.targets, "Targets JSON file (replaces MATOMO_URL and MULTI_TARGET_CONFIG)")
    ->type_name("FILE")
    ->group("Target");
  add_setting_flags(app, options, target_flags(), "Target");
}

config::LoadRequest ConfigOptions::request() const {
  config::LoadRequest request;
  request.preset = preset;
  request.env_files = env_files;
  request.targets_file = targets;
  request.generates_visits = !replay;
  if (!seed.empty()) {
    request.flags.push_back({"SEED", seed, "--seed"});
  }
  push_flag_values(*this, target_flags(), request);
  if (!rate.empty()) {
    config::FlagValue value{"TARGET_VISITS_PER_DAY", fmt::format("{}", parse_rate(rate)), "--rate"};
    value.alternative = true;
    request.flags.push_back(value);
  }
  push_flag_values(*this, site_flags(), request);
  push_flag_values(*this, delivery_flags(), request);
  push_flag_values(*this, output_flags(), request);
  if (!thresholds.empty()) {
    request.flags.push_back({"THRESHOLDS", fmt::format("{}", fmt::join(thresholds, ";")), "--threshold"});
  }
  request.flags.insert(request.flags.end(), extra.begin(), extra.end());
  return request;
}

app::Shard parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  const auto k = parse_int(text.substr(0, slash));
  const auto n = slash == std::string_view::npos ? std::nullopt : parse_int(text.substr(slash + 1));
  if (!k || !n || *n < 1 || *n > 100000 || *k < 0 || *k >= *n) {
    throw Error(fmt::format("--shard: expected K/N with 0 ≤ K < N ≤ 100000, found \"{}\"", text));
  }
  return app::Shard{static_cast<int>(*k), static_cast<int>(*n)};
}

const CLI::Validator& decimal_integer() {
  static const CLI::Validator validator(
    [](std::string& text) -> std::string {
      std::string_view digits = text;
      if (!digits.empty() && digits.front() == '+') {
        digits.remove_prefix(1);
      }
      if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
        return fmt::format("expected a decimal integer, found \"{}\"", text);
      }
      const auto first = std::min(digits.find_first_not_of('0'), digits.size() - 1);  // "010" → "10"
      text = std::string(digits.substr(first));
      return "";
    },
    "", "decimal");
  return validator;
}

app::Shard resolve_shard(const std::string& shard, int shard_count, const std::optional<std::string>& job_index) {
  if (!shard.empty()) {
    if (shard_count > 0) {
      throw Error("--shard: expected either --shard K/N or --shard-count N, found both");
    }
    return parse_shard(shard);
  }
  if (shard_count > 0) {
    if (!job_index) {
      throw Error("--shard-count: expected JOB_COMPLETION_INDEX in the environment, found it unset");
    }
    return parse_shard(fmt::format("{}/{}", *job_index, shard_count));
  }
  return {};
}

std::vector<config::FlagValue> backfill_flags(const std::string& range) {
  const auto dots = range.find("..");
  if (dots == std::string::npos || dots == 0 || dots + 2 >= range.size()) {
    throw Error(fmt::format("--backfill: expected FROM..TO (YYYY-MM-DD..YYYY-MM-DD), found \"{}\"", range));
  }
  return {{"BACKFILL_ENABLED", "true", "--backfill"},
          {"BACKFILL_START_DATE", range.substr(0, dots), "--backfill"},
          {"BACKFILL_END_DATE", range.substr(dots + 2), "--backfill"}};
}

void show_config(const config::Settings& settings, bool show_secrets) {
  app::print_settings(std::cout, settings, show_secrets);
}

std::optional<config::Settings> load_settings(const ConfigOptions& options) {
  auto settings = config::load(options.request());
  if (options.show_config) {
    show_config(settings, options.show_secrets);
    return std::nullopt;
  }
  return settings;
}

app::Shard apply_scope(const VisitScope& scope, ConfigOptions& config) {
  if (!scope.backfill.empty()) {
    config.extra = backfill_flags(scope.backfill);
  }
  const char* job_index = std::getenv("JOB_COMPLETION_INDEX");
  return resolve_shard(scope.shard, scope.shard_count,
                       job_index == nullptr ? std::nullopt : std::optional<std::string>(job_index));
}

}  // namespace tf::cli
