#include "delivery/dead_letter.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "delivery/run_observer.hpp"
#include "engine/engine.hpp"
#include "report/atomic_file.hpp"
#include "report/utc_time.hpp"
#include "util/error.hpp"

namespace tf::delivery {

RunId current_run(std::uint64_t seed, const Clock& clock) {
  return RunId{clock.system_now(), static_cast<long>(::getpid()), seed};
}

DeadLetterWriter::DeadLetterWriter(std::string path, const RunId& run)
  : m_file(path.empty() ? std::string(k_default_path) : path,
           path.empty() ? AppendFile::Sharing::shared : AppendFile::Sharing::owned) {
  nlohmann::ordered_json id;
  id["started"] = report::format_utc(run.started);
  id["pid"] = run.pid;
  id["seed"] = run.seed;
  m_run = id.dump();
}

void DeadLetterWriter::write(const DeadLetter& entry) {
  nlohmann::ordered_json line;
  line["visit"] = entry.visit;
  line["hit"] = entry.hit;
  line["visitor"] = entry.visitor;
  line["target"] = entry.target;
  line["outcome"] = entry.outcome;
  line["reason"] = entry.reason;
  line["detail"] = entry.detail;
  line["maybe_recorded"] = entry.maybe_recorded;
  line["attempts"] = entry.attempts;
  auto& params = line["params"] = nlohmann::ordered_json::object();
  if (entry.params != nullptr) {
    for (const auto& [key, value] : *entry.params) {
      params[key] = key == "token_auth" ? std::string("***") : value;
    }
  }
  const std::string body = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // "run" first, rendered once: {"run":{...},"visit":...}
  const std::string text = "{\"run\":" + m_run + "," + body.substr(1);
  std::lock_guard lock(m_mutex);
  m_file.append_line(text);
}

std::uint64_t DeadLetterWriter::lines() const {
  std::lock_guard lock(m_mutex);
  return m_file.saved();
}

std::uint64_t DeadLetterWriter::unsaved() const {
  std::lock_guard lock(m_mutex);
  return m_file.unsaved();
}

std::string DeadLetterWriter::error() const {
  std::lock_guard lock(m_mutex);
  return m_file.error();
}

bool DeadLetterWriter::flush() {
  std::lock_guard lock(m_mutex);
  return m_file.sync();
}

bool finish_dead_letters(DeadLetterWriter& writer, const Clock& clock) {
  const bool ok = writer.flush();
  if (writer.lines() > 0) {
    log_line(fmt::format("{} hit(s) written to the dead-letter file {}", writer.lines(), writer.path()), clock);
  }
  if (!ok) {
    log_line(fmt::format("error: {} hit(s) could not be saved to the dead-letter file {}: {}", writer.unsaved(),
                         writer.path(), writer.error()),
             clock);
  }
  return ok;
}

// ---- reading ----

namespace {

using Json = nlohmann::ordered_json;  // keeps the stored parameter order

const std::set<std::string> k_line_keys = {
  "run", "visit", "hit", "visitor", "target", "outcome", "reason", "detail", "maybe_recorded", "attempts", "params"};
/// Outcomes a dead-letter line may carry (the last two: files of earlier versions).
const std::set<std::string> k_line_outcomes = {"rejected", "failed",        "unconfirmed",
                                               "not_sent", "dead-lettered", "abandoned"};

/// One line checked field by field; every problem goes to `diags`.
class LineReader {
public:
  LineReader(const std::string& path, int line, config::Diagnostics& diags)
    : m_path(path), m_line(line), m_diags(diags) {}

  void error(const std::string& key, const std::string& message) {
    m_diags.error(m_path, m_line, 0, key, message);
    m_ok = false;
  }
  bool ok() const { return m_ok; }

  const Json* field(const Json& object, const std::string& key) {
    const auto it = object.find(key);
    if (it == object.end()) {
      error(key, "missing");
      return nullptr;
    }
    return &*it;
  }

  std::uint64_t count(const Json& object, const std::string& key) {
    const Json* v = field(object, key);
    if (v == nullptr) {
      return 0;
    }
    if (!v->is_number_unsigned()) {
      error(key, fmt::format("expected a non-negative integer, found {}", v->dump()));
      return 0;
    }
    return v->get<std::uint64_t>();
  }

  std::string text(const Json& object, const std::string& key) {
    const Json* v = field(object, key);
    if (v == nullptr) {
      return {};
    }
    if (!v->is_string()) {
      error(key, fmt::format("expected a string, found {}", v->dump()));
      return {};
    }
    return v->get<std::string>();
  }

private:
  const std::string& m_path;
  int m_line;
  config::Diagnostics& m_diags;
  bool m_ok = true;
};

bool is_string(const Json& object, const std::string& key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string();
}

bool is_hex16(const std::string& s) {
  return s.size() == 16 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

matomo::Params read_params(LineReader& reader, const Json& object) {
  matomo::Params params;
  const Json* v = reader.field(object, "params");
  if (v == nullptr) {
    return params;
  }
  if (!v->is_object() || v->empty()) {
    reader.error("params", fmt::format("expected a non-empty object of strings, found {}", v->dump()));
    return params;
  }
  for (const auto& [key, value] : v->items()) {
    if (!value.is_string()) {
      reader.error("params." + key, fmt::format("expected a string, found {}", value.dump()));
    } else if (key != "token_auth") {
      params.emplace_back(key, value.get<std::string>());
    }
  }
  return params;
}

struct Entry {
  std::string run;  ///< the "run" object as compact JSON; "" in files of older builds
  bool maybe_recorded = false;
  std::string target;
  std::uint64_t visit = 0;
  std::string visitor;
  ReplayHit hit;
};

std::optional<Entry> read_line(const std::string& path, int line, std::string_view text, config::Diagnostics& diags) {
  Json object;
  try {
    object = Json::parse(text);
  } catch (const Json::parse_error& e) {
    diags.error(path, line, static_cast<int>(e.byte), "", "not valid JSON");
    return std::nullopt;
  }
  LineReader reader(path, line, diags);
  if (!object.is_object()) {
    reader.error("", "expected a JSON object");
    return std::nullopt;
  }
  for (const auto& [key, value] : object.items()) {
    if (k_line_keys.count(key) == 0) {
      reader.error(key, "unknown key");
    }
  }
  Entry entry;
  if (const auto run = object.find("run"); run != object.end()) {
    if (!run->is_object()) {
      reader.error("run", fmt::format("expected an object, found {}", run->dump()));
    }
    entry.run = run->dump();
  }
  if (const auto maybe = object.find("maybe_recorded"); maybe != object.end()) {
    if (!maybe->is_boolean()) {
      reader.error("maybe_recorded", fmt::format("expected true or false, found {}", maybe->dump()));
    } else {
      entry.maybe_recorded = maybe->get<bool>();
    }
  }
  entry.visit = reader.count(object, "visit");
  entry.hit.hit = static_cast<std::size_t>(reader.count(object, "hit"));
  entry.hit.line = line;
  entry.visitor = reader.text(object, "visitor");
  if (is_string(object, "visitor") && !is_hex16(entry.visitor)) {
    reader.error("visitor", fmt::format("expected 16 hex characters, found \"{}\"", entry.visitor));
  }
  entry.target = reader.text(object, "target");
  if (is_string(object, "target") && entry.target.empty()) {
    reader.error("target", "expected a target name, found \"\"");
  }
  const std::string outcome = reader.text(object, "outcome");
  if (is_string(object, "outcome") && k_line_outcomes.count(outcome) == 0) {
    reader.error("outcome",
                 fmt::format("expected \"rejected\", \"failed\", \"unconfirmed\" or \"not_sent\", "
                             "found \"{}\"",
                             outcome));
  }
  reader.text(object, "reason");
  reader.count(object, "attempts");
  const auto maybe = object.find("maybe_recorded");
  entry.hit.maybe_recorded =
    outcome == "unconfirmed" || (maybe != object.end() && maybe->is_boolean() && maybe->get<bool>());
  entry.hit.params = read_params(reader, object);
  if (!reader.ok()) {
    return std::nullopt;
  }
  return entry;
}

using GroupKey = std::tuple<std::size_t, std::uint64_t, std::string>;  // (run, visit, target)

/// Runs in the order of their first line: visit numbers start again in each run.
struct Groups {
  std::map<std::string, std::size_t> runs;
  std::map<GroupKey, ReplayVisit> visits;
};

void add_entry(Groups& groups, Entry entry, const std::string& path, config::Diagnostics& diags) {
  const std::size_t run = groups.runs.emplace(entry.run, groups.runs.size()).first->second;
  auto& group = groups.visits[GroupKey{run, entry.visit, entry.target}];
  if (group.hits.empty()) {
    group.target = entry.target;
    group.visit = entry.visit;
    group.visitor = entry.visitor;
  } else if (group.visitor != entry.visitor) {
    diags.error(path, entry.hit.line, 0, "visitor",
                fmt::format("visit {} on target '{}' has visitor {} at line {}, found {}", entry.visit, entry.target,
                            group.visitor, group.hits.front().line, entry.visitor));
    return;
  }
  for (const auto& h : group.hits) {
    if (h.hit == entry.hit.hit) {
      diags.error(path, entry.hit.line, 0, "hit",
                  fmt::format("hit {} of visit {} on target '{}' is already at line {}", entry.hit.hit, entry.visit,
                              entry.target, h.line));
      return;
    }
  }
  group.hits.push_back(std::move(entry.hit));
}

}  // namespace

std::vector<ReplayVisit> parse_dead_letters(std::string_view text, const std::string& path, config::Diagnostics& diags,
                                            const ReplaySelection& selection, std::size_t* skipped) {
  Groups groups;
  int line = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto end = std::min(text.find('\n', at), text.size());
    const auto content = text.substr(at, end - at);
    at = end + 1;
    ++line;
    if (content.find_first_not_of(" \t\r") == std::string_view::npos) {
      continue;
    }
    if (auto entry = read_line(path, line, content, diags)) {
      if (entry->maybe_recorded && !selection.include_unconfirmed) {
        if (skipped != nullptr) {  // Matomo may hold it already: not resent blindly
          ++*skipped;
        }
        continue;
      }
      add_entry(groups, std::move(*entry), path, diags);
    }
  }
  std::vector<ReplayVisit> visits;
  visits.reserve(groups.visits.size());
  for (auto& [key, group] : groups.visits) {
    std::stable_sort(group.hits.begin(), group.hits.end(),
                     [](const ReplayHit& a, const ReplayHit& b) { return a.hit < b.hit; });
    visits.push_back(std::move(group));
  }
  return visits;
}

DeadLetterFile read_dead_letter_file(const std::string& path, const ReplaySelection& selection) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(fmt::format("cannot read dead-letter file '{}'", path), ExitCode::runtime);
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    throw Error(fmt::format("cannot read dead-letter file '{}'", path), ExitCode::runtime);
  }
  const std::string text = content.str();
  config::Diagnostics diags;
  DeadLetterFile file;
  file.path = path;
  file.visits = parse_dead_letters(text, path, diags, selection, &file.skipped_unconfirmed);
  if (diags.has_errors()) {
    throw Error(config::join_errors(diags), ExitCode::usage);
  }
  for (const auto& v : file.visits) {
    file.hits += v.hits.size();
  }
  file.hash = content_hash(text);
  return file;
}

std::string content_hash(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return fmt::format("fnv1a64:{:016x}", h);
}

}  // namespace tf::delivery
