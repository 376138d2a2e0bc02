#pragma once
// Per-visitor state: Matomo's visit reconstruction (reference/matomo-tracking.md §4) and the
// session checks of §7.3 (ordering, pings, orders, goals, fingerprint merging, concurrency).
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "config.hpp"
#include "matomo/checks.hpp"

namespace tf::mock {

/// What the visit logic needs to know about one hit.
struct HitFacts {
  int site = 0;
  std::string visitor_id;  ///< wire::visitor_id_of; empty = fingerprint only
  bool id_from_cookie_only = false;  ///< only `_id` identifies the visitor (no cid/uid)
  std::string fingerprint;  ///< IP|UA|lang, as in Matomo's config id
  std::int64_t time_s = 0;  ///< effective time, UNIX seconds
  bool new_visit = false;
  bool ping = false;
  int idgoal = -1;  ///< -1 none, 0 ecommerce order, >0 goal
  std::string ec_id;
  std::string campaign;  ///< wire::campaign_of
};

/// HitFacts from the parameters and the request's IP and User-Agent header.
HitFacts facts_of(const tf::matomo::Params& params, int site, std::int64_t time_s, const std::string& remote_ip,
                  const std::string& user_agent_header);

struct VisitRecord {
  std::string visitor;  ///< "site|visitor key"
  int site = 0;
  std::uint64_t number = 0;  ///< 1-based per visitor
  std::int64_t first_s = 0, last_s = 0;
  std::uint64_t hits = 0, actions = 0, conversions = 0;
  std::string campaign;
  std::int64_t local_day = 0;  ///< days since epoch in the site's timezone
};

/// Visit state of all visitors. Not thread-safe: the server serialises calls.
class VisitTracker {
public:
  /// Session violations of a hit against the current state, without changing it.
  std::vector<tf::matomo::Violation> evaluate(const HitFacts& hit, const Site& site) const;
  /// Records an accepted hit; returns its visitor key and visit number.
  std::pair<std::string, std::uint64_t> record(const HitFacts& hit, const Site& site);

  static std::string key_of(const HitFacts& hit);
  const std::vector<VisitRecord>& visits() const { return m_visits; }
  std::size_t visitors() const { return m_visitors.size(); }
  /// {"min","max","mean"} of accepted hits per visitor.
  nlohmann::json hits_per_visitor() const;
  void clear();

private:
  struct VisitorState {
    std::int64_t last_time_s = 0;
    std::size_t current = 0;  ///< index into m_visits + 1; 0 = no visit yet
    std::uint64_t visits = 0, hits = 0;
    std::set<int> goals_in_visit;
  };
  struct Seen {
    std::string key;
    std::int64_t time_s = 0;
  };
  /// Matomo's rule (§4); `by_campaign` false ignores campaign changes.
  bool starts_new_visit(const HitFacts& hit, const Site& site, const VisitorState* state, bool by_campaign) const;
  static std::int64_t local_day(const Site& site, std::int64_t time_s);

  std::unordered_map<std::string, VisitorState> m_visitors;
  std::vector<VisitRecord> m_visits;
  std::set<std::pair<int, std::string>> m_orders;
  std::unordered_map<std::string, Seen> m_fingerprints;
};

/// Requests in flight per visitor key, across the server's worker threads.
class InFlight {
public:
  /// Marks each key in flight; returns the keys that already had a request in flight.
  std::vector<std::string> enter(const std::vector<std::string>& keys);
  void leave(const std::vector<std::string>& keys);
  int max_concurrent() const;
  void reset_max();

private:
  mutable std::mutex m_mutex;
  std::unordered_map<std::string, int> m_count;
  int m_max = 0;
};

}  // namespace tf::mock
