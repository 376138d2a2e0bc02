#include "config/diagnostic.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace tf::config {

std::string format(const Diagnostic& d) {
  std::string out = d.file;
  if (d.line > 0) {
    out += fmt::format(":{}", d.line);
    if (d.col > 0) {
      out += fmt::format(":{}", d.col);
    }
  }
  out += d.severity == Severity::error ? ": error: " : ": warning: ";
  if (!d.key.empty()) {
    out += d.key + ": ";
  }
  return out + d.message;
}

void Diagnostics::error(std::string file, int line, int col, std::string key, std::string message) {
  m_items.push_back({std::move(file), line, col, Severity::error, std::move(key), std::move(message)});
}

void Diagnostics::warning(std::string file, int line, int col, std::string key, std::string message) {
  m_items.push_back({std::move(file), line, col, Severity::warning, std::move(key), std::move(message)});
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

std::size_t Diagnostics::error_count() const {
  return static_cast<std::size_t>(
    std::count_if(m_items.begin(), m_items.end(), [](const auto& d) { return d.severity == Severity::error; }));
}

std::size_t Diagnostics::warning_count() const { return m_items.size() - error_count(); }

void Diagnostics::append(const Diagnostics& other) {
  m_items.insert(m_items.end(), other.m_items.begin(), other.m_items.end());
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    const bool contains = word.size() >= 4 && candidate.find(word) != std::string::npos;
    if (d < best_distance || (contains && best.empty())) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

}  // namespace tf::config

namespace tf::config {

std::string join_errors(const Diagnostics& diags) {
  std::string out;
  for (const auto& d : diags.items()) {
    if (d.severity == Severity::error) {
      out += (out.empty() ? "" : "\n") + format(d);
    }
  }
  return out;
}

}  // namespace tf::config
