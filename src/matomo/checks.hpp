#pragma once
// The correctness rules of reference/matomo-tracking.md as one function, shared by the tests,
// `generate` self-checks and the strict mock (tools/mock-matomo). Per-hit rules only; the
// per-visitor rules (ordering, concurrency, visits, ec_id reuse, campaign changes, pings of
// finished visits) live in the mock.
//
// Reason codes (R = matomo_rejects: real Matomo answers 400 / counts the bulk element invalid;
// S = strict-only: Matomo records it wrongly or drops it silently):
//   R BAD_IDSITE            idsite missing, not an integer, or <= 0
//   R UNKNOWN_SITE          idsite not in CheckContext::known_sites (when that is non-empty)
//   R BAD_CID_LENGTH        cid present with length != 16
//   R CIP_WITHOUT_TOKEN     cip/country/region/city/lat/long without a valid token
//   R OLD_CDT_WITHOUT_TOKEN effective time >= 24 h before now without a valid token
//   R UNKNOWN_GOAL          idgoal > 0 not in known_goals (S: idgoal not an integer or < -1)
//   R EVENT_INCOMPLETE      e_c or e_a whitespace-only (S: exactly one of e_c/e_a set)
//   R BAD_CONTENT           content hit (c_n/c_p/c_t/c_i) with a blank c_n
//   R BAD_PERF_TIMING       pf_* < -1 (S: pf_* not an integer)
//   R CA_MISUSE             ca=1 with ping or without any action family (Matomo: 500)
//   S MISSING_REC           rec missing or != 1
//   S BAD_VISITOR_ID        _id or cid not 16 hex characters; uid empty
//   S BAD_CDT               cdt neither UNIX seconds nor YYYY-MM-DD HH:MM:SS; cdo not an integer
//   S CDT_MILLISECONDS      cdt > 10^11 (milliseconds)
//   S FUTURE_CDT            effective time after now
//   S CDT_TOO_OLD           effective time more than 20 years before now
//   S BAD_URL               url missing on an action hit, or url/link/download not http(s)://host
//   S URL_TOO_LONG          url/link/download longer than 1024 characters
//   S BAD_URLREF            urlref not an absolute http(s) URL
//   S BAD_ACTION_NAME       action_name longer than 1024 characters or containing CR/LF
//   S MULTIPLE_ACTION_FAMILIES more than one of download, link, event, content, search, idgoal, ping
//   S BAD_EVENT_VALUE       e_v not numeric
//   S SEARCH_DISABLED       search on a site with site search disabled
//   S URL_SEARCH_PARAM      pageview url with a site-search keyword parameter (q, s, search, ...)
//   S BAD_SEARCH_COUNT      search_count not a non-negative integer
//   S BAD_EC_ITEMS          idgoal=0 with ec_items not an array of [sku, name, category, price, qty]
//   S ORDER_WITHOUT_REVENUE ec_id without revenue
//   S BAD_AMOUNT            revenue/ec_st/ec_tx/ec_sh/ec_dt not numeric
//   S REVENUE_MISMATCH      revenue != ec_st + ec_tx + ec_sh - ec_dt (to the cent)
//   S SUBTOTAL_MISMATCH     ec_st != sum of price x quantity (to the cent)
//   S BAD_RES               res not \d{1,4}x\d{1,4}
//   S BAD_HMS               h/m/s not an integer in range
//   S BAD_LANG              lang present but empty
//   S BOT_UA                ua matches a bot pattern and bots != 1
//   S BOT_IP                cip in a bot IP range (matomo-tracking.md §1.3) and bots != 1
//   S BAD_CIP               cip not a valid IPv4/IPv6 address
//   S BAD_COUNTRY           country not 2 lowercase letters
//   S BAD_PV_ID             pv_id not 6 characters [0-9A-Za-z]
//   S PF_WITHOUT_PV_ID      pf_* without pv_id
//   S BAD_DIMENSION         dimensionN value longer than 250 characters
//   S BAD_CVAR              _cvar/cvar not a JSON object {"1..5": [name, value]}
//   S UNKNOWN_PARAM         a parameter Matomo does not read (typos such as action-name)
//   S CURRENCY_PARAM        ec_currency (Matomo has no currency parameter)
//   S DUPLICATE_PARAM       the same parameter name twice in one hit
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "matomo/params.hpp"

namespace tf::matomo {

struct Violation {
  std::string code;  ///< stable reason code, e.g. "BAD_VISITOR_ID", "FUTURE_CDT"
  std::string detail;  ///< human detail: parameter and value
  bool matomo_rejects = false;  ///< true: real Matomo answers 400; false: strict-only
};

struct CheckContext {
  std::int64_t now_s = 0;  ///< server "now" in UNIX seconds (cdt checks); 0 = skip time checks
  bool token_valid = false;  ///< a valid token for this site accompanies the hit
  bool site_search_enabled = true;
  std::vector<int> known_sites;  ///< empty = any site id ≥ 1
  std::vector<int> known_goals;  ///< goal ids defined for the site; empty = any
};

/// Every violation of the per-hit rules (empty = a strict Matomo records it as intended).
std::vector<Violation> check_hit(const Params& params, const CheckContext& ctx);

}  // namespace tf::matomo
