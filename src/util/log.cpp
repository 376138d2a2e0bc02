#include "util/log.hpp"

#include <array>
#include <atomic>
#include <ctime>
#include <memory>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace tf::logging {
namespace {

std::atomic<Format> g_format{Format::text};
std::atomic<bool> g_live_line{false};
constexpr std::string_view k_clear_line = "\r\033[K";

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::debug: return spdlog::level::debug;
    case Level::info: return spdlog::level::info;
    case Level::warning: return spdlog::level::warn;
    case Level::error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

/// The logger: stderr, the record as given ("%v"), flushed each record.
spdlog::logger& logger() {
  static const std::shared_ptr<spdlog::logger> instance = [] {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto made = std::make_shared<spdlog::logger>("trafficinator", sink);
    made->set_pattern("%v");
    made->set_level(spdlog::level::info);
    made->flush_on(spdlog::level::trace);
    return made;
  }();
  return *instance;
}

std::string_view name(Level level) {
  constexpr std::array<std::string_view, 4> k_names = {"debug", "info", "warning", "error"};
  return k_names[static_cast<std::size_t>(level)];
}

std::string timestamp(SysTime when) {
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(when).time_since_epoch().count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", utc, static_cast<int>(ms % 1000));
}

std::string json_line(Level level, const std::string& ts, std::string_view msg, const std::vector<Field>& fields) {
  nlohmann::ordered_json record;
  record["ts"] = ts;
  record["level"] = name(level);
  record["msg"] = msg;
  for (const auto& field : fields) {
    if (field.number) {
      record[field.key] = nlohmann::json::parse(field.value, nullptr, false);
    } else {
      record[field.key] = field.value;
    }
  }
  return record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void emit(Level level, std::string_view line) {
  if (g_live_line) {
    logger().log(to_spdlog(level), "{}{}", k_clear_line, line);
  } else {
    logger().log(to_spdlog(level), "{}", line);
  }
}

}  // namespace

void configure(Level least, Format format) {
  logger().set_level(to_spdlog(least));
  g_format = format;
}

Level parse_level(std::string_view text) {
  if (text == "DEBUG")
    return Level::debug;
  if (text == "WARNING")
    return Level::warning;
  if (text == "ERROR")
    return Level::error;
  return Level::info;
}

Format parse_format(std::string_view text) { return text == "json" ? Format::json : Format::text; }

bool enabled(Level level) { return logger().should_log(to_spdlog(level)); }

Format format() { return g_format; }

std::string render(Level level, SysTime when, std::string_view msg, const std::vector<Field>& fields, Format format) {
  const std::string ts = timestamp(when);
  if (format == Format::json) {
    return json_line(level, ts, msg, fields);
  }
  std::string line =
    level == Level::info ? fmt::format("{} {}", ts, msg) : fmt::format("{} {}: {}", ts, name(level), msg);
  for (const auto& field : fields) {
    line += fmt::format(" {}={}", field.key, field.value);
  }
  return line;
}

void write(Level level, SysTime when, std::string_view msg, const std::vector<Field>& fields) {
  if (enabled(level)) {
    emit(level, render(level, when, msg, fields, g_format));
  }
}

void diagnostic(Level level, SysTime when, std::string_view text, const std::vector<Field>& fields,
                std::string_view msg) {
  if (!enabled(level)) {
    return;
  }
  emit(level,
       g_format == Format::json ? json_line(level, timestamp(when), msg.empty() ? text : msg, fields)
                                : fmt::format("trafficinator: {}", text));
}

void write_line(Level level, std::string_view line) {
  if (enabled(level)) {
    emit(level, line);
  }
}

void set_live_line(bool shown) { g_live_line = shown; }

std::pair<Level, std::string_view> split_level(std::string_view line) {
  for (const Level level : {Level::warning, Level::error, Level::debug}) {
    const std::string prefix = fmt::format("{}: ", name(level));
    if (line.substr(0, prefix.size()) == prefix) {
      return {level, line.substr(prefix.size())};
    }
  }
  return {Level::info, line};
}

}  // namespace tf::logging
