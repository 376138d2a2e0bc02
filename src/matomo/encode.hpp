#pragma once
// Hit → Matomo parameters. The only place that maps model::Hit fields to parameter names.
//
// Parameter order (stable): idsite, rec, url, action_name, _id, cid, uid, cdt, h, m, s,
// new_visit, urlref, pv_id, ua, lang, res, cip, dimensionN (custom dimensions), then by kind: pageview: _pkn, _pks,
// _pkc, _pkp (product page), pf_net, pf_srv, pf_tfr, pf_dm1, pf_dm2, pf_onl (timings) | search, search_cat,
// search_count | link | download | e_c, e_a, e_n, e_v | c_i (interaction), c_n, c_p, c_t |
// idgoal=0, ec_id, ec_items, revenue, ec_st, ec_tx, ec_sh, ec_dt | cart update: idgoal=0,
// ec_items, revenue | idgoal=N, revenue | ping=1. Empty optional values are omitted. `token_auth` is never a
// hit parameter: the body encoders (wire.hpp) add it.
//
// Time: `cdt` is UNIX seconds, floor((anchor_ms + offset_ms) / 1000), so it is never after the
// hit's simulated time; `h`/`m`/`s` are that instant's wall clock in the visitor's time zone
// (Visitor::zone), else in `time_zone` (UTC if null).
// For a realtime visit the caller passes anchor_ms = send time of the visit's last hit −
// duration_ms, which keeps every cdt at or before its send time. The caller must not send a cdt
// older than 24 h without a token (backfill requires a token).
// `cip` is sent only when the target has a token and `send_cip` is set.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "matomo/params.hpp"
#include "model/visit.hpp"

namespace date {
class time_zone;
}

namespace tf::matomo {

struct EncodeContext {
  int site_id = 1;
  bool has_token = false;  ///< the target has a token_auth
  std::int64_t anchor_ms = 0;  ///< simulated visit start, UNIX ms
  const date::time_zone* time_zone = nullptr;  ///< for local h/m/s; nullptr = UTC
  bool send_cip = true;  ///< RANDOMIZE_VISITOR_COUNTRIES (needs has_token too)
};

/// The parameters of hit `hit` of `visit`.
Params encode_hit(const model::Visit& visit, std::size_t hit, const EncodeContext& ctx);

/// Same, into `out`, reusing its storage (no allocation once warm for same-shaped hits).
void encode_hit(const model::Visit& visit, std::size_t hit, const EncodeContext& ctx, Params& out);

/// The query string of the hit, appended to `out`: the same bytes as
/// `append_query_string(encode_hit(visit, hit, ctx), out)`, without building Params.
void append_hit_query(const model::Visit& visit, std::size_t hit, const EncodeContext& ctx, std::string& out);

/// The form body of the hit, appended to `out`: the same bytes as
/// `form_body(encode_hit(visit, hit, ctx), token)`, without building Params.
void append_hit_form(const model::Visit& visit, std::size_t hit, const EncodeContext& ctx, std::string_view token,
                     std::string& out);

/// The bulk element of the hit, appended to `out`: the same bytes as
/// `bulk_element(encode_hit(visit, hit, ctx)).dump()`, without building Params or JSON values.
/// Each invalid UTF-8 sequence in a string becomes U+FFFD (as dump with
/// error_handler_t::replace), where dump() would throw; the model makes none (its inputs are
/// checked as UTF-8).
void append_hit_bulk_element(const model::Visit& visit, std::size_t hit, const EncodeContext& ctx, std::string& out);

/// Cents as a decimal amount with two digits: 1234 → "12.34", -5 → "-0.05".
std::string format_cents(model::Cents cents);

/// The `ec_items` JSON of an order: [[sku, name, category, price, quantity], ...].
std::string ec_items_json(const model::Order& order);

}  // namespace tf::matomo
