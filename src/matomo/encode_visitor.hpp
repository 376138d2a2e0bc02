#pragma once
// A visit's visitor pairs (detail::VisitorPart: _id, cid, uid; ua, lang, res, cip), the same in
// every hit of the visit: percent-encoded once per visitor and form, kept per thread, and copied
// by each hit (encode.cpp's PairEncoder).
#include <string>
#include <string_view>

#include "matomo/encode.hpp"
#include "matomo/encode_detail.hpp"
#include "model/visit.hpp"

namespace tf::matomo::detail {

/// The visitor's pairs of a visit as put_hit writes them, percent-encoded (a space as '+' with
/// plus_for_space): `key=value&...` without a leading '&', empty when a part has none.
struct VisitorPairs {
  std::string ids;  ///< VisitorPart::ids: _id, cid, uid
  std::string client;  ///< VisitorPart::client: ua, lang, res, cip (under the context's cip rule)

  std::string_view part(VisitorPart which) const { return which == VisitorPart::ids ? ids : client; }
};

/// The pairs of the visit's visitor under `ctx`, from a per-thread memo with a slot per visit
/// index, checked against every field they encode, so never stale. Valid until the next call on
/// this thread.
const VisitorPairs& visitor_pairs(const model::Visit& visit, const EncodeContext& ctx, bool plus_for_space);

}  // namespace tf::matomo::detail
