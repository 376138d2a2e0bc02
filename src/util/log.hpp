#pragma once
// The process's log: one record a line on stderr, as text or as JSON lines (LOG_FORMAT), at or
// above a least level (LOG_LEVEL). spdlog does the filtering and the thread-safe single write
// per record; the record's text is made here, with the time the caller gives (the Clock seam).
#include <string>
#include <string_view>
#include <vector>

#include "util/clock.hpp"

namespace tf::logging {

enum class Level { debug, info, warning, error };
enum class Format { text, json };

/// One extra field of a record: `key=value` in text, `"key": value` in JSON.
struct Field {
  std::string key;
  std::string value;
  bool number = false;  ///< JSON: the value is written unquoted (it must be a JSON number)
};

/// Sets the least level printed and the format, for the whole process (default: info, text).
void configure(Level least, Format format);

/// "DEBUG|INFO|WARNING|ERROR" (LOG_LEVEL) and "text|json" (LOG_FORMAT); unknown text: info/text.
Level parse_level(std::string_view text);
Format parse_format(std::string_view text);

bool enabled(Level level);
Format format();

/// The record as one line without the newline. Text: `TS [warning: |error: |debug: ]MSG[ k=v…]`;
/// JSON: {"ts":TS,"level":"info","msg":MSG,k:v…}. TS is UTC ISO 8601 with milliseconds.
std::string render(Level level, SysTime when, std::string_view msg, const std::vector<Field>& fields, Format format);

/// Prints one record when `level` is enabled.
void write(Level level, SysTime when, std::string_view msg, const std::vector<Field>& fields = {});

/// A message of the tool outside a run's log (configuration warnings, errors, generate's
/// summary): text `trafficinator: TEXT` (no time, as the tool's errors); JSON as write() with
/// `msg` MSG (TEXT when empty) and the fields.
void diagnostic(Level level, SysTime when, std::string_view text, const std::vector<Field>& fields = {},
                std::string_view msg = {});

/// Prints `line` as one record when `level` is enabled (already rendered, e.g. the status record).
void write_line(Level level, std::string_view line);

/// While a live status line is shown on stderr (a terminal), each record first clears it, so the
/// record starts at column 0; the status line is redrawn by its owner afterwards.
void set_live_line(bool shown);

/// A line that used the `warning: ` / `error: ` prefix convention: its level and the rest.
std::pair<Level, std::string_view> split_level(std::string_view line);

}  // namespace tf::logging
