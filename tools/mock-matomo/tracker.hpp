#pragma once
// The tracking endpoint's logic without HTTP: parses a request, applies the per-hit checks
// (tf::matomo::check_hit) and the per-visitor checks, records accepted hits and builds the
// answer Matomo would give (reference/matomo-tracking.md §2, §3, §7).
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "config.hpp"
#include "stats.hpp"
#include "util/clock.hpp"
#include "visits.hpp"
#include "wire.hpp"

namespace tf::mock {

/// One HTTP request as the tracker needs it.
struct RequestInfo {
  std::string method;  ///< GET, POST
  std::string target;  ///< raw request target: path and query
  std::string body;
  std::string content_type;
  std::string remote_ip;
  std::string connection;  ///< "addr:port"
  std::string user_agent;  ///< User-Agent header
};

/// The hits a request carries, parsed before any fault or check is applied.
struct ParsedRequest {
  bool bulk = false;
  bool empty = false;  ///< no parameters and no body
  bool token_in_url = false;  ///< token_auth appeared in the URL query
  std::string error;  ///< request-level reason code (bulk body, content type)
  std::vector<std::string> conflicts;  ///< parameters given twice with different values
  std::string token;  ///< request-level token (bulk)
  bool send_image = true;
  std::vector<BulkElement> hits;  ///< one for a single hit
  std::vector<std::string> visitor_keys;  ///< distinct, for the in-flight check
};

struct TrackResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

/// The 43-byte transparent GIF Matomo answers with.
const std::string& tracking_gif();

class Tracker {
public:
  Tracker(MockConfig config, const tf::Clock& clock);

  ParsedRequest parse(const RequestInfo& request) const;
  /// Checks and records the hits. `busy_keys`: visitors that already had a request in flight;
  /// `first_k` ≥ 0 records only the first k bulk elements and answers 500 (fault injection).
  TrackResponse handle(const RequestInfo& request, const ParsedRequest& parsed,
                       const std::vector<std::string>& busy_keys, int first_k);

  /// Asked for each hit about to be stored: true answers success but stores nothing (the
  /// store_nothing_rate fault). Set once, before serving.
  void set_store_nothing(std::function<bool()> decide) { m_store_nothing = std::move(decide); }
  /// A Reporting API request (index.php?module=API, reporting.hpp) answered from the stored hits.
  TrackResponse api(const RequestInfo& request) const;

  /// Counts a tracking request (before faults), its kind and a token in its URL.
  void count_request(const ParsedRequest& parsed);
  nlohmann::json stats_json(int max_concurrent, const std::map<std::string, long long>& faults) const;
  std::string hits_ndjson() const;
  std::string visits_ndjson() const;
  std::string violations_ndjson() const;
  void reset();
  bool strict() const { return m_config.strict; }

private:
  enum class Outcome { accepted, rejected, ignored, excluded };
  struct HitResult {
    Outcome outcome = Outcome::ignored;
    std::vector<tf::matomo::Violation> violations;
  };
  HitResult process_hit(const tf::matomo::Params& params, const std::string& batch_token, const RequestInfo& request,
                        const ParsedRequest& parsed, const std::vector<std::string>& busy_keys);
  std::vector<tf::matomo::Violation> checks_for(const tf::matomo::Params& params, int site_id, const Site* site,
                                                const std::string& token, std::int64_t now_s) const;
  TrackResponse single(const RequestInfo& request, const ParsedRequest& parsed,
                       const std::vector<std::string>& busy_keys);
  TrackResponse bulk(const RequestInfo& request, const ParsedRequest& parsed, const std::vector<std::string>& busy_keys,
                     int first_k);
  std::string key_for(const tf::matomo::Params& params, const RequestInfo& request) const;
  bool rejects(const tf::matomo::Violation& v) const;

  MockConfig m_config;
  const tf::Clock& m_clock;
  std::vector<int> m_site_ids;
  mutable std::mutex m_mutex;  ///< guards m_visits and m_stats
  VisitTracker m_visits;
  Stats m_stats;
  std::function<bool()> m_store_nothing;
};

}  // namespace tf::mock
