#include "app/reporting_client.hpp"

#include <cctype>

#include <fmt/format.h>

#include "config/url.hpp"
#include "engine/probe.hpp"
#include "util/error.hpp"

namespace tf::app {
namespace {

constexpr std::size_t k_answer_cap = 256U * 1024U * 1024U;  ///< a Live page of many visits

bool ends_with(std::string_view text, std::string_view tail) {
  return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

}  // namespace

std::string api_endpoint(const std::string& url) {
  if (!config::is_http_url(url)) {
    throw Error(
      fmt::format("--url: expected an http:// or https:// URL of Matomo, found \"{}\"", config::redact_url(url)));
  }
  std::string base = url.substr(0, url.find_first_of("?#"));
  const auto scheme_end = base.find("://") + 3;
  const auto slash = base.rfind('/');
  if (slash != std::string::npos && slash >= scheme_end) {
    const auto last = std::string_view{base}.substr(slash + 1);
    if (last == "matomo.php" || last == "piwik.php" || last == "index.php") {
      base.erase(slash + 1);
    }
  }
  if (!ends_with(base, "/")) {
    base += '/';
  }
  return base + "index.php";
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  auto encode = [&out](std::string_view text) {
    for (const char ch : text) {
      const auto c = static_cast<unsigned char>(ch);
      if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
        out += static_cast<char>(c);
      } else {
        out += fmt::format("%{:02X}", c);
      }
    }
  };
  for (const auto& [name, value] : fields) {
    if (!out.empty()) {
      out += '&';
    }
    encode(name);
    out += '=';
    encode(value);
  }
  return out;
}

ReportingClient::ReportingClient(std::string endpoint, std::string token, std::chrono::milliseconds timeout)
  : m_endpoint(std::move(endpoint)), m_token(std::move(token)), m_timeout(timeout) {}

nlohmann::json ReportingClient::call(const std::string& method,
                                     std::vector<std::pair<std::string, std::string>> params) const {
  params.insert(params.begin(), {{"module", "API"}, {"method", method}, {"format", "json"}});
  if (!m_token.empty()) {
    params.emplace_back("token_auth", m_token);
  }
  engine::HttpRequest request;
  request.url = m_endpoint;
  request.post = true;
  request.body = form_encode(params);
  request.content_type = "application/x-www-form-urlencoded";
  request.user_agent = "trafficinator verify";
  engine::ProbeOptions options;
  options.timeout = m_timeout;
  options.body_cap = k_answer_cap;
  const auto answer = engine::probe(request, options).result;
  const auto where = fmt::format("{} ({})", config::redact_url(m_endpoint), method);
  if (answer.status == 0) {
    throw Error(fmt::format("cannot reach Matomo at {}: {}", where, answer.error_text), ExitCode::runtime);
  }
  if (answer.status < 200 || answer.status >= 300) {
    throw Error(
      fmt::format("Matomo at {} answered HTTP {}: {}", where, answer.status, engine::answer_detail(answer.body)),
      ExitCode::runtime);
  }
  auto doc = nlohmann::json::parse(answer.body, nullptr, false);
  if (doc.is_discarded()) {
    throw Error(fmt::format("Matomo at {} did not answer JSON: {}", where, engine::answer_detail(answer.body)),
                ExitCode::runtime);
  }
  if (doc.is_object() && doc.value("result", "") == "error") {
    throw Error(fmt::format("Matomo at {} refused the request: {}", where, doc.value("message", std::string{})),
                ExitCode::runtime);
  }
  return doc;
}

}  // namespace tf::app
