#pragma once
// What the mock saw: counters, violations by reason, and the accepted hits for /mock/hits.
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "matomo/checks.hpp"
#include "visits.hpp"

namespace tf::mock {

struct StoredHit {
  tf::matomo::Params params;  ///< token_auth redacted
  std::int64_t arrival_ms = 0;  ///< UNIX milliseconds
  std::string connection;  ///< "addr:port" of the client connection
  std::string visitor;
  std::uint64_t visit = 0;
  std::string user_agent;  ///< the request's User-Agent header ("" when none)
};

/// Counters of the tracking endpoints. Not thread-safe: the server serialises calls.
class Stats {
public:
  explicit Stats(std::size_t max_stored_hits) : m_max_stored(max_stored_hits) {}

  void count_request(bool bulk);
  void count_received() { ++m_received; }
  void count_ignored() { ++m_ignored; }
  /// A hit from a bot user agent: answered as tracked, recorded nowhere (as Matomo excludes it).
  void count_excluded_bot() { ++m_excluded_bot; }
  void count_accepted() { ++m_accepted; }
  /// Counts an accepted hit whose parameters (token_auth aside) equal an earlier accepted one's:
  /// the same hit recorded twice (a resend after a lost answer).
  void note_params(const tf::matomo::Params& params);
  void count_rejected() { ++m_rejected; }
  void count_token_in_url() { ++m_token_in_url; }
  /// Counts each violation under its code: all of them as strict violations, and those real
  /// Matomo also rejects as Matomo-equivalent ones.
  void count_violations(const std::vector<tf::matomo::Violation>& violations);
  /// Keeps the violations of one hit for /mock/violations (the latest k_recent_violations).
  void note_violations(const std::vector<tf::matomo::Violation>& violations, const std::string& visitor, bool rejected);
  void store(StoredHit hit);
  /// The stored hits (at most max_stored_hits), in arrival order.
  const std::vector<StoredHit>& hits() const { return m_hits; }

  /// The /mock/stats document.
  nlohmann::json to_json(const VisitTracker& visits, int max_concurrent,
                         const std::map<std::string, long long>& faults) const;
  /// Accepted hits as NDJSON, in arrival order.
  std::string hits_ndjson() const;
  /// The latest violations as NDJSON: code, detail, visitor, rejected.
  std::string violations_ndjson() const;
  void clear();

  static constexpr std::size_t k_recent_violations = 1000;

private:
  std::size_t m_max_stored;
  std::uint64_t m_requests = 0, m_bulk_requests = 0, m_received = 0, m_ignored = 0;
  std::uint64_t m_accepted = 0, m_rejected = 0, m_token_in_url = 0, m_not_stored = 0, m_excluded_bot = 0;
  std::uint64_t m_duplicates = 0;
  std::unordered_set<std::uint64_t> m_seen;  ///< hashes of accepted hits' parameters
  std::map<std::string, std::uint64_t> m_violations, m_matomo_violations;
  std::vector<StoredHit> m_hits;
  std::deque<nlohmann::json> m_recent;
};

/// Visits as NDJSON, in the order they started.
std::string visits_ndjson(const VisitTracker& visits);

}  // namespace tf::mock
