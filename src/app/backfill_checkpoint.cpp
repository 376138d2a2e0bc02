#include "app/backfill_checkpoint.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "report/atomic_file.hpp"
#include "util/error.hpp"

namespace tf::app {
namespace {

constexpr int k_format = 1;

std::string shard_text(Shard shard) { return fmt::format("{}/{}", shard.index, shard.count); }

Error bad_file(const std::string& path, const std::string& why) {
  return Error(fmt::format("--checkpoint {}: {}", path, why));
}

/// Visits of `shard` with an index below `end`.
std::uint64_t below(std::uint64_t end, Shard shard) {
  const auto n = static_cast<std::uint64_t>(shard.count);
  const auto k = static_cast<std::uint64_t>(shard.index);
  return end <= k ? 0 : (end - k + n - 1) / n;
}

template <typename T>
void expect_same(const std::string& path, const nlohmann::json& content, const char* key, const T& ours) {
  const auto it = content.find(key);
  if (it == content.end()) {
    throw bad_file(path, fmt::format("\"{}\" is missing", key));
  }
  T theirs{};
  try {
    theirs = it->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw bad_file(path, fmt::format("\"{}\" has the wrong type", key));
  }
  if (!(theirs == ours)) {
    throw bad_file(path, fmt::format("written for another backfill: {} {} there, {} now (delete the file to start over)",
                                     key, nlohmann::json(theirs).dump(), nlohmann::json(ours).dump()));
  }
}

} // namespace

std::optional<nlohmann::json> read_checkpoint(const std::string& path) {
  if (path.empty()) {
    return std::nullopt;
  }
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) {
    throw Error(fmt::format("--checkpoint {}: cannot read it", path), ExitCode::runtime);
  }
  auto content = nlohmann::json::parse(text.str(), nullptr, false);
  if (content.is_discarded() || !content.is_object() || content.value("trafficinator_checkpoint", 0) != k_format) {
    throw bad_file(path, "not a trafficinator checkpoint (expected a JSON object with \"trafficinator_checkpoint\": 1)");
  }
  if (!content.contains("seed") || !content["seed"].is_number_unsigned()) {
    throw bad_file(path, "\"seed\" is missing");
  }
  return content;
}

std::uint64_t checkpoint_seed(const nlohmann::json& content) { return content.at("seed").get<std::uint64_t>(); }

Checkpoint::Checkpoint(std::string path, CheckpointIdentity identity, const std::optional<nlohmann::json>& previous)
  : m_path(std::move(path)), m_lock(m_path.empty() ? std::string() : m_path + ".lock", m_path),
    m_identity(std::move(identity)) {
  m_identity.shard.count = std::max(1, m_identity.shard.count);
  if (!previous) {
    open_log(false);
    return;
  }
  const auto& c = *previous;
  expect_same(m_path, c, "seed", m_identity.seed);
  expect_same(m_path, c, "window", m_identity.window);
  expect_same(m_path, c, "timezone", m_identity.timezone);
  expect_same(m_path, c, "visits", m_identity.visits);
  expect_same(m_path, c, "shard", shard_text(m_identity.shard));
  try {
    m_watermark = c.at("watermark").get<std::uint64_t>();
    for (const auto& i : c.at("completed")) {
      m_above.insert(i.get<std::uint64_t>());
    }
    for (const auto& p : c.value("partial", nlohmann::json::array())) {
      m_partial[{p.at(0).get<std::uint64_t>(), p.at(1).get<std::size_t>()}] = p.at(2).get<std::size_t>();
    }
  } catch (const nlohmann::json::exception&) {
    throw bad_file(m_path, "expected \"watermark\" (an index), \"completed\" (an array of indices) and "
                           "\"partial\" (an array of [index, target, hits])");
  }
  m_completed = below(m_watermark, m_identity.shard);
  for (auto it = m_above.begin(); it != m_above.end();) {
    if (*it < m_watermark) {
      it = m_above.erase(it);
    } else {
      ++m_completed;
      ++it;
    }
  }
  advance();
  open_log(true);
}

Checkpoint::~Checkpoint() {
  if (m_log >= 0) {
    ::close(m_log);
  }
}

void Checkpoint::open_log(bool resume) {
  if (m_path.empty()) {
    return;
  }
  const std::string log = m_path + ".wal";
  if (resume) {
    // Acks since the last save; a line cut by a crash is skipped.
    std::ifstream in(log);
    std::uint64_t visit = 0;
    std::size_t target = 0, hits = 0;
    for (std::string line; std::getline(in, line);) {
      std::istringstream fields(line);
      if ((fields >> visit >> target >> hits) && fields.eof() && visit >= m_watermark && m_above.count(visit) == 0) {
        auto& recorded = m_partial[{visit, target}];
        recorded = std::max(recorded, hits);
      }
    }
  }
  m_log = ::open(log.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | (resume ? 0 : O_TRUNC), 0644);
  if (m_log < 0) {
    throw Error(fmt::format("--checkpoint {}: cannot open {}: {}", m_path, log, std::strerror(errno)));
  }
  std::lock_guard lock(m_mutex);
  save_locked();  // the file exists before the first ack is logged, and holds the log's acks
}

std::uint64_t Checkpoint::next_of_shard(std::uint64_t index) const {
  const auto n = static_cast<std::uint64_t>(m_identity.shard.count);
  const auto k = static_cast<std::uint64_t>(m_identity.shard.index);
  const auto r = index % n;
  return r <= k ? index + (k - r) : index + (n - r) + k;
}

void Checkpoint::advance() {
  auto next = next_of_shard(m_watermark);
  while (!m_above.empty() && *m_above.begin() == next) {
    m_above.erase(m_above.begin());
    m_watermark = next + 1;
    next = next_of_shard(m_watermark);
  }
}

bool Checkpoint::done(std::uint64_t visit) const {
  std::lock_guard lock(m_mutex);
  return visit < m_watermark || m_above.count(visit) > 0;
}

void Checkpoint::complete(std::uint64_t visit) {
  std::lock_guard lock(m_mutex);
  if (visit < m_watermark || !m_above.insert(visit).second) {
    return;
  }
  ++m_completed;
  m_partial.erase(m_partial.lower_bound({visit, 0}), m_partial.lower_bound({visit + 1, 0}));
  m_live.erase(visit);
  advance();
}

void Checkpoint::acked(std::uint64_t visit, std::size_t target, std::size_t step) {
  std::lock_guard lock(m_mutex);
  if (m_log < 0) {  // a visit in progress is never complete: no need to look that up
    return;
  }
  const auto earlier = m_partial.empty() ? m_partial.end() : m_partial.find({visit, target});
  const std::size_t hits = (earlier == m_partial.end() ? 0 : earlier->second) + step + 1;
  auto& targets = m_live[visit];
  auto it = std::find_if(targets.begin(), targets.end(), [&](const auto& t) { return t.first == target; });
  if (it == targets.end()) {
    targets.emplace_back(target, hits);
  } else {
    it->second = std::max(it->second, hits);
  }
  // "VISIT TARGET HITS\n" with to_chars: this runs once per acked hit (fmt costs ~10x more)
  char line[64];
  char* at = std::to_chars(line, line + 20, visit).ptr;
  *at++ = ' ';
  at = std::to_chars(at, at + 20, target).ptr;
  *at++ = ' ';
  at = std::to_chars(at, at + 20, hits).ptr;
  *at++ = '\n';
  const auto size = static_cast<std::size_t>(at - line);
  if (::write(m_log, line, size) != static_cast<ssize_t>(size)) {
    // Without the log a crash resends this visit's acked hits: say so once, keep running.
    std::fprintf(stderr, "trafficinator: warning: --checkpoint %s: write-ahead log failed: %s\n", m_path.c_str(),
                 std::strerror(errno));
    ::close(m_log);
    m_log = -1;
  }
}

void Checkpoint::partial(std::uint64_t visit, std::size_t target, std::size_t hits) {
  std::lock_guard lock(m_mutex);
  if (visit < m_watermark || m_above.count(visit) > 0) {
    return;
  }
  auto& recorded = m_partial[{visit, target}];
  recorded = std::max(recorded, hits);
}

std::size_t Checkpoint::sent(std::uint64_t visit, std::size_t target) const {
  std::lock_guard lock(m_mutex);
  const auto it = m_partial.find({visit, target});
  return it == m_partial.end() ? 0 : it->second;
}

nlohmann::json Checkpoint::to_json_locked() const {
  nlohmann::json j;
  j["trafficinator_checkpoint"] = k_format;
  j["seed"] = m_identity.seed;
  j["window"] = m_identity.window;
  j["timezone"] = m_identity.timezone;
  j["visits"] = m_identity.visits;
  j["shard"] = shard_text(m_identity.shard);
  j["watermark"] = m_watermark;
  j["completed"] = m_above;
  j["completed_visits"] = m_completed;
  auto acked = m_partial;
  for (const auto& [visit, targets] : m_live) {
    for (const auto& [target, hits] : targets) {
      auto& merged = acked[{visit, target}];
      merged = std::max(merged, hits);
    }
  }
  nlohmann::json partial = nlohmann::json::array();
  for (const auto& [key, hits] : acked) {
    partial.push_back({key.first, key.second, hits});
  }
  j["partial"] = std::move(partial);
  return j;
}

nlohmann::json Checkpoint::to_json() const {
  std::lock_guard lock(m_mutex);
  return to_json_locked();
}

void Checkpoint::save() {
  if (m_path.empty()) {
    return;
  }
  std::lock_guard lock(m_mutex);
  save_locked();
}

void Checkpoint::save_locked() {
  report::write_output_file(m_path, to_json_locked().dump() + "\n");
  // The file now holds every ack logged so far (under the same lock): the log starts again.
  if (m_log >= 0 && ::ftruncate(m_log, 0) != 0) {
    throw Error(fmt::format("--checkpoint {}: cannot empty {}.wal: {}", m_path, m_path, std::strerror(errno)),
                ExitCode::runtime);
  }
}

void Checkpoint::save_if_due(SteadyTime now, std::chrono::milliseconds every) {
  if (m_path.empty()) {
    return;
  }
  std::lock_guard lock(m_mutex);
  if (m_last_save && now - *m_last_save < every) {
    return;
  }
  m_last_save = now;
  save_locked();
}

std::uint64_t Checkpoint::completed() const {
  std::lock_guard lock(m_mutex);
  return m_completed;
}

std::uint64_t Checkpoint::watermark() const {
  std::lock_guard lock(m_mutex);
  return m_watermark;
}

} // namespace tf::app
