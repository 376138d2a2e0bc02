#pragma once
// Matomo's Reporting API for `verify`: one POST per call to index.php?module=API, the token in
// the body (never in the URL), JSON answers. Blocking: verify makes a handful of requests.
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace tf::app {

/// The API endpoint (…/index.php) of a Matomo URL: a tracking endpoint (matomo.php, piwik.php)
/// or index.php has its last path segment replaced, any other URL gets "index.php" appended;
/// a query or fragment is dropped. Throws tf::Error (usage) when `url` is not http(s).
std::string api_endpoint(const std::string& url);

/// application/x-www-form-urlencoded of `fields`.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

class ReportingClient {
public:
  /// `token`: token_auth with view access ("" = anonymous).
  ReportingClient(std::string endpoint, std::string token, std::chrono::milliseconds timeout);

  /// Calls `method` (e.g. "VisitsSummary.get") with `params`; returns the JSON answer. Throws
  /// tf::Error (ExitCode::runtime) when Matomo cannot be reached, answers other than 2xx,
  /// answers something that is not JSON, or answers {"result":"error"} (its message quoted;
  /// the token is never part of a message).
  nlohmann::json call(const std::string& method, std::vector<std::pair<std::string, std::string>> params) const;
  const std::string& endpoint() const { return m_endpoint; }

private:
  std::string m_endpoint;
  std::string m_token;
  std::chrono::milliseconds m_timeout;
};

}  // namespace tf::app
