#include "engine/load_shape.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/units.hpp"

namespace tf::engine {

namespace {
constexpr double k_max_stage_rate = 1e6;  ///< visits/s: far above what one process sends
} // namespace

Stages::Stages(std::vector<Stage> stages) : m_stages(std::move(stages)) {
  for (const auto& s : m_stages) {
    m_starts.push_back(m_total);
    m_total += s.seconds;
    m_peak = std::max(m_peak, s.target);
  }
}

std::size_t Stages::stage_at(double seconds) const {
  for (std::size_t i = 0; i < m_stages.size(); ++i) {
    if (seconds < m_starts[i] + m_stages[i].seconds) {
      return i;
    }
  }
  return m_stages.empty() ? 0 : m_stages.size() - 1;
}

double Stages::rate(double seconds) const {
  if (seconds < 0 || seconds >= m_total || m_stages.empty()) {
    return 0.0;
  }
  const std::size_t i = stage_at(seconds);
  const Stage& s = m_stages[i];
  if (s.seconds <= 0) {
    return s.target;
  }
  const double share = (seconds - m_starts[i]) / s.seconds;
  return from_rate(i) + (s.target - from_rate(i)) * share;
}

double Stages::expected(std::size_t i) const {
  return m_stages[i].seconds * (from_rate(i) + m_stages[i].target) / 2.0;
}

std::string Stages::describe(std::size_t i) const {
  const auto ms = std::chrono::milliseconds{static_cast<long long>(m_stages[i].seconds * 1000.0 + 0.5)};
  return fmt::format("{}:{:g}", format_duration(ms), m_stages[i].target);
}

std::optional<std::vector<Stage>> parse_stages(std::string_view text, std::string& error) {
  std::vector<Stage> stages;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const std::size_t comma = std::min(text.find(',', begin), text.size());
    const std::string_view item = trim(text.substr(begin, comma - begin));
    const std::size_t n = stages.size() + 1;
    const std::size_t colon = item.find(':');
    if (colon == std::string_view::npos) {
      error = fmt::format("stage {}: expected DURATION:RATE (e.g. 30s:10), found \"{}\"", n, item);
      return std::nullopt;
    }
    const auto duration = parse_duration(item.substr(0, colon));
    if (!duration) {
      error = fmt::format("stage {}: expected a duration (30s, 5m, 2h) before ':', found \"{}\"", n, item.substr(0, colon));
      return std::nullopt;
    }
    const auto rate = parse_double(trim(item.substr(colon + 1)));
    if (!rate || *rate < 0 || *rate > k_max_stage_rate) {
      error = fmt::format("stage {}: expected a rate in visits/s from 0 to {:g} after ':', found \"{}\"", n,
                          k_max_stage_rate, item.substr(colon + 1));
      return std::nullopt;
    }
    stages.push_back(Stage{static_cast<double>(duration->count()) / 1000.0, *rate});
    begin = comma + 1;
  }
  const Stages all(stages);
  if (all.total_seconds() <= 0) {
    error = fmt::format("expected stages lasting more than 0s in all, found \"{}\"", text);
    return std::nullopt;
  }
  if (all.peak() <= 0) {
    error = fmt::format("expected a stage with a rate above 0, found \"{}\"", text);
    return std::nullopt;
  }
  return stages;
}

} // namespace tf::engine
