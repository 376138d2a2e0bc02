#include "app/backfill_checkpoint.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "app/checkpoint_log.hpp"
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
    throw bad_file(path,
                   fmt::format("written for another backfill: {} {} there, {} now (delete the file to start over)", key,
                               nlohmann::json(theirs).dump(), nlohmann::json(ours).dump()));
  }
}

}  // namespace

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
    throw bad_file(path,
                   "not a trafficinator checkpoint (expected a JSON object with \"trafficinator_checkpoint\": 1)");
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
    for (const auto& p : c.value("in_flight", nlohmann::json::array())) {
      m_in_flight[{p.at(0).get<std::uint64_t>(), p.at(1).get<std::size_t>()}] = {p.at(2).get<std::size_t>(),
                                                                                 p.at(3).get<std::size_t>()};
    }
  } catch (const nlohmann::json::exception&) {
    throw bad_file(m_path,
                   "expected \"watermark\" (an index), \"completed\" (an array of indices), "
                   "\"partial\" (an array of [index, target, hits]) and \"in_flight\" (an array of "
                   "[index, target, from, to])");
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
  if (!m_settled_records.empty()) {
    log_write(m_settled_records.data(), m_settled_records.size());
  }
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
    read_log(log);
  }
  m_log = ::open(log.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | (resume ? 0 : O_TRUNC), 0644);
  if (m_log < 0) {
    throw Error(fmt::format("--checkpoint {}: cannot open {}: {}", m_path, log, std::strerror(errno)));
  }
  std::lock_guard lock(m_mutex);
  save_locked();  // the file exists before the first record is logged, and holds the log's records
}

void Checkpoint::read_log(const std::string& log) {
  // Records since the last save: settled hits, and hits handed over without an answer.
  const auto replayed = checkpoint_log::read(log);
  auto open = [&](std::uint64_t visit) { return visit >= m_watermark && m_above.count(visit) == 0; };
  for (const auto& [key, hits] : replayed.settled) {
    if (open(key.first)) {
      auto& recorded = m_partial[key];
      recorded = std::max(recorded, hits);
    }
  }
  for (const auto& key : replayed.not_recorded) {
    m_in_flight.erase(key);
  }
  for (const auto& [key, hit] : replayed.sent) {
    if (open(key.first)) {
      auto& range = m_in_flight.try_emplace(key, hit, hit).first->second;
      range = {std::min(range.first, hit - 1), std::max(range.second, hit)};
    }
  }
  // What was settled later (acked, or reported by a run) is not in flight.
  for (auto it = m_in_flight.begin(); it != m_in_flight.end();) {
    const auto settled = earlier(it->first.first, it->first.second);
    auto& [from, to] = it->second;
    from = std::max(from, settled);
    it = !open(it->first.first) || from >= to ? m_in_flight.erase(it) : std::next(it);
  }
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
  m_in_flight.erase(m_in_flight.lower_bound({visit, 0}), m_in_flight.lower_bound({visit + 1, 0}));
  if (m_ring[visit % k_ring_slots].visit == visit) {
    auto& slot = m_ring[visit % k_ring_slots];
    slot.visit = k_no_visit;
    slot.targets.clear();  // keeps the allocation for the slot's next visit
  } else {
    m_live.erase(visit);
  }
  advance();
}

std::size_t Checkpoint::earlier(std::uint64_t visit, std::size_t target) const {
  const auto it = m_partial.empty() ? m_partial.end() : m_partial.find({visit, target});
  return it == m_partial.end() ? 0 : it->second;
}

void Checkpoint::start_records() {
  m_records.swap(m_settled_records);
  m_settled_records.clear();
}

void Checkpoint::log_write(const char* data, std::size_t size) {
  if (m_log >= 0 && ::write(m_log, data, size) != static_cast<ssize_t>(size)) {
    // Without the log a crash resends this visit's acked hits: say so once, keep running.
    std::fprintf(stderr, "trafficinator: warning: --checkpoint %s: write-ahead log failed: %s\n", m_path.c_str(),
                 std::strerror(errno));
    ::close(m_log);
    m_log = -1;
  }
}

void Checkpoint::acked(std::uint64_t visit, std::size_t target, std::size_t step) {
  std::lock_guard lock(m_mutex);
  if (m_log < 0) {  // a visit in progress is never complete: no need to look that up
    return;
  }
  auto& t = live(visit, target);
  const std::size_t hits = t.earlier + step + 1;
  t.settled = std::max(t.settled, hits);
  // Written with the next record that must follow it (a send, an "x", a report), so before the
  // visit's next hit is sent, in one write(2) with that send; a save folds it in and drops it.
  checkpoint_log::append_settled(m_settled_records, t.prefix, hits);
}

void Checkpoint::settled(std::uint64_t visit, std::size_t target, std::size_t step) { acked(visit, target, step); }

void Checkpoint::sending(const std::vector<Sending>& hits) {
  std::lock_guard lock(m_mutex);
  if (m_log < 0) {
    return;
  }
  start_records();
  for (const auto& h : hits) {
    auto& t = live(h.visit, h.target);
    const std::size_t hit = t.earlier + h.step + 1;
    t.sent = std::max(t.sent, hit);
    checkpoint_log::append_sending(m_records, t.prefix, hit);
  }
  log_write(m_records.data(), m_records.size());
}

void Checkpoint::not_recorded(std::uint64_t visit, std::size_t target) {
  std::lock_guard lock(m_mutex);
  if (m_log < 0) {
    return;
  }
  auto* const found = find_live(visit);
  if (found == nullptr) {
    return;  // nothing handed over: nothing to take back
  }
  auto t = std::find_if(found->begin(), found->end(), [&](const auto& l) { return l.target == target; });
  if (t == found->end() || t->sent <= t->settled) {
    return;
  }
  t->sent = 0;
  start_records();
  checkpoint_log::append_not_recorded(m_records, visit, target);
  log_write(m_records.data(), m_records.size());
}

std::vector<Checkpoint::InFlight> Checkpoint::in_flight(std::uint64_t visit) const {
  std::lock_guard lock(m_mutex);
  std::vector<InFlight> out;
  for (auto it = m_in_flight.lower_bound({visit, 0}); it != m_in_flight.end() && it->first.first == visit; ++it) {
    out.push_back({it->first.second, it->second.first, it->second.second});
  }
  return out;
}

void Checkpoint::reported(std::uint64_t visit, const InFlight& range) {
  std::lock_guard lock(m_mutex);
  m_in_flight.erase({visit, range.target});
  auto& recorded = m_partial[{visit, range.target}];
  recorded = std::max(recorded, range.to);
  start_records();
  checkpoint_log::append_settled(m_records, visit, range.target, recorded);
  log_write(m_records.data(), m_records.size());
}

void Checkpoint::forget(std::uint64_t visit, const InFlight& range) {
  std::lock_guard lock(m_mutex);
  m_in_flight.erase({visit, range.target});
  // The file still lists the range until the next save; a crash before it reports it again.
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
  auto in_flight = m_in_flight;
  auto merge = [&](std::uint64_t visit, const std::vector<LiveTarget>& targets) {
    for (const auto& t : targets) {
      auto& merged = acked[{visit, t.target}];
      merged = std::max(merged, t.settled);
      if (t.sent > t.settled) {
        in_flight[{visit, t.target}] = {t.settled, t.sent};
      }
    }
  };
  for (const auto& slot : m_ring) {
    if (slot.visit != k_no_visit) {
      merge(slot.visit, slot.targets);
    }
  }
  for (const auto& [visit, targets] : m_live) {
    merge(visit, targets);
  }
  nlohmann::json partial = nlohmann::json::array();
  for (const auto& [key, hits] : acked) {
    if (hits > 0) {
      partial.push_back({key.first, key.second, hits});
    }
  }
  j["partial"] = std::move(partial);
  nlohmann::json flying = nlohmann::json::array();
  for (const auto& [key, range] : in_flight) {
    flying.push_back({key.first, key.second, range.first, range.second});
  }
  j["in_flight"] = std::move(flying);
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
  m_settled_records.clear();  // the file holds them
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

}  // namespace tf::app
