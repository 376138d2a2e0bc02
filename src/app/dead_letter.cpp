#include "app/dead_letter.hpp"

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace tf::app {

namespace {

void open_or_throw(std::ofstream& out, const std::string& path) {
  out.open(path, std::ios::out | std::ios::trunc);
  if (!out) {
    throw Error("cannot open dead-letter file '" + path + "' for writing", ExitCode::runtime);
  }
}

} // namespace

DeadLetterWriter::DeadLetterWriter(std::string path) : m_path(std::move(path)) {
  if (m_path.empty()) {
    m_path = k_default_path;
  } else {
    open_or_throw(m_out, m_path);
  }
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
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard lock(m_mutex);
  ++m_lines;
  if (!m_out.is_open()) {
    open_or_throw(m_out, m_path);
  }
  m_out << text << '\n';
}

std::uint64_t DeadLetterWriter::lines() const {
  std::lock_guard lock(m_mutex);
  return m_lines;
}

void DeadLetterWriter::flush() {
  std::lock_guard lock(m_mutex);
  if (m_out.is_open()) {
    m_out.flush();
  }
}

} // namespace tf::app
