#include "delivery/dry_run.hpp"

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "engine/transport.hpp"

namespace tf::delivery {

namespace {

/// `body` with the value of token_auth replaced by *** (form `token_auth=…` and bulk JSON
/// `"token_auth":"…"`).
std::string redact_token(std::string body) {
  for (const std::string_view key : {std::string_view("token_auth="), std::string_view("\"token_auth\":\"")}) {
    for (auto at = body.find(key); at != std::string::npos; at = body.find(key, at + 1)) {
      const auto start = at + key.size();
      const auto end = body.find(key.front() == '"' ? '"' : '&', start);
      body.replace(start, (end == std::string::npos ? body.size() : end) - start, "***");
    }
  }
  return body;
}

/// Dry run: every request "answered" 204 at once, nothing sent; each request is printed to
/// stdout instead, one line: `POST URL BODY` (tokens as ***).
class DryRunTransport final : public engine::Transport {
public:
  void start(std::uint64_t token, engine::HttpRequest& request) override {
    const std::string line =
      fmt::format("{} {} {}\n", request.post ? "POST" : "GET", request.url, redact_token(request.body));
    std::fwrite(line.data(), 1, line.size(), stdout);
    engine::Completion c;
    c.token = token;
    c.result.status = 204;
    m_done.push_back(std::move(c));
  }
  void wait(SteadyTime deadline, std::vector<engine::Completion>& out) override {
    if (m_done.empty()) {
      const auto now = std::chrono::steady_clock::now();
      if (deadline > now) {
        std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(deadline - now, Millis{50}));
      }
      return;
    }
    for (auto& c : m_done) {
      out.push_back(std::move(c));
    }
    m_done.clear();
  }
  void wakeup() noexcept override {}
  void cancel_all() override { m_done.clear(); }

private:
  std::vector<engine::Completion> m_done;
};

}  // namespace

engine::TransportFactory make_dry_run_transport() {
  return [](const engine::EngineConfig&) { return std::make_unique<DryRunTransport>(); };
}

}  // namespace tf::delivery
