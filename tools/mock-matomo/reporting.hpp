#pragma once
// The Reporting API subset `trafficinator verify` reads (index.php?module=API&format=json),
// computed from the stored hits and the mock's visit reconstruction, as Matomo's archives
// would hold them: VisitsSummary.get, Actions.get, Events.getCategory, Goals.get (idGoal =
// ecommerceOrder or a goal id) and Live.getLastVisitsDetails (paged by filter_limit/offset).
// period "day" or "range"; date YYYY-MM-DD or, for a range, "YYYY-MM-DD,YYYY-MM-DD".
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config.hpp"
#include "stats.hpp"
#include "visits.hpp"
#include "wire.hpp"

namespace tf::mock {

/// The answer to one API call. Errors are Matomo's: {"result":"error","message":…} (HTTP 200),
/// e.g. a token without view access to the site: "You can't access this resource as it
/// requires 'view' access for the website id = N." When the mock has no tokens, every caller
/// has view access.
nlohmann::json reporting_answer(const Params& params, const MockConfig& config, const std::vector<StoredHit>& hits,
                                const std::vector<VisitRecord>& visits);

/// Matomo's idvisitor of a mock visitor key ("site|u:UID" → first 16 hex of sha1(UID),
/// "site|v:HEX" → HEX, a fingerprint → 16 hex of its sha1).
std::string matomo_visitor_id(const std::string& visitor_key);

}  // namespace tf::mock
