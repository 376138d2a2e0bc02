#include "app/replay_progress.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "app/replay_flow.hpp"
#include "util/error.hpp"

namespace tf::app {

ReplayProgress::ReplayProgress(const std::string& file, bool resume) : m_path(file + ".progress") {
  if (resume) {
    std::ifstream in(m_path);
    m_found = static_cast<bool>(in);
    std::string line;
    while (std::getline(in, line)) {
      if (in.eof() || line.size() < 3 || line[1] != ' ') {
        continue;  // a line cut by a crash
      }
      const int number = std::atoi(line.c_str() + 2);
      if (line[0] == 'd') {
        m_settled.insert(number);
        m_in_flight.erase(number);
      } else if (line[0] == 's' && m_settled.count(number) == 0) {
        m_in_flight.insert(number);
      }
    }
  }
  m_resume = resume;
}

void ReplayProgress::open() {
  m_fd = ::open(m_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | (m_resume ? 0 : O_TRUNC), 0644);
  if (m_fd < 0) {
    throw Error(fmt::format("replay: cannot open {}: {}", m_path, std::strerror(errno)), ExitCode::runtime);
  }
}

ReplayProgress::~ReplayProgress() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

void ReplayProgress::write(const std::string& records) {
  if (m_fd >= 0 && ::write(m_fd, records.data(), records.size()) != static_cast<ssize_t>(records.size())) {
    // Without it a crash could resend acked lines: say so once, keep replaying.
    std::fprintf(stderr, "trafficinator: warning: %s: cannot record the replay's progress: %s\n", m_path.c_str(),
                 std::strerror(errno));
    ::close(m_fd);
    m_fd = -1;
  }
}

void ReplayProgress::on_sending(const std::vector<engine::BatchItem>& items) {
  std::lock_guard lock(m_mutex);
  m_records.clear();
  for (const auto& item : items) {
    m_records += fmt::format("s {}\n", static_cast<ReplayFlow*>(item.flow)->visit().hits.at(item.step).line);
  }
  write(m_records);
}

void ReplayProgress::settle(int line) {
  std::lock_guard lock(m_mutex);
  write(fmt::format("d {}\n", line));
}

ReplayResume resume_replay(delivery::DeadLetterFile& file, const ReplayProgress& progress, bool include_unconfirmed) {
  ReplayResume out;
  for (auto& visit : file.visits) {
    auto& hits = visit.hits;
    hits.erase(std::remove_if(hits.begin(), hits.end(),
                              [&](delivery::ReplayHit& hit) {
                                if (progress.settled().count(hit.line) > 0) {
                                  ++out.settled;
                                  return true;
                                }
                                if (progress.in_flight().count(hit.line) == 0) {
                                  return false;
                                }
                                hit.maybe_recorded = true;
                                ++(include_unconfirmed ? out.in_flight_resent : out.in_flight_skipped);
                                return !include_unconfirmed;
                              }),
               hits.end());
  }
  file.visits.erase(std::remove_if(file.visits.begin(), file.visits.end(),
                                   [](const delivery::ReplayVisit& v) { return v.hits.empty(); }),
                    file.visits.end());
  file.hits -= out.settled + out.in_flight_skipped;
  return out;
}

namespace {

class ProgressObserver final : public engine::Observer {
public:
  ProgressObserver(engine::Observer& inner, ReplayProgress& progress) : m_inner(inner), m_progress(progress) {}
  void on_flow_started(engine::Flow& flow, Micros lag) override { m_inner.on_flow_started(flow, lag); }
  void on_attempt(std::size_t target, const engine::AttemptResult& r, bool retry) override {
    m_inner.on_attempt(target, r, retry);
  }
  void on_step_done(engine::Flow& flow, std::size_t step, engine::StepOutcome outcome, std::string_view reason,
                    std::string_view detail, int attempts) override {
    m_inner.on_step_done(flow, step, outcome, reason, detail, attempts);  // acked, or written: settled
    m_progress.settle(static_cast<ReplayFlow&>(flow).visit().hits.at(step).line);
  }
  void on_flow_done(engine::Flow& flow) override { m_inner.on_flow_done(flow); }
  void on_log(std::string_view line) override { m_inner.on_log(line); }

private:
  engine::Observer& m_inner;
  ReplayProgress& m_progress;
};

}  // namespace

std::unique_ptr<engine::Observer> progress_observer(engine::Observer& inner, ReplayProgress& progress) {
  return std::make_unique<ProgressObserver>(inner, progress);
}

}  // namespace tf::app
