#include "app/dead_letter.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/run_observer.hpp"
#include "report/utc_time.hpp"
#include "util/error.hpp"

namespace tf::app {

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

} // namespace tf::app
