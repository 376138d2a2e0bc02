#include "delivery/visitor_tally.hpp"

#include <algorithm>
#include <memory>
#include <string_view>

#include <openssl/evp.h>

#include "delivery/visit_flow.hpp"
#include "model/visit.hpp"

namespace tf::delivery {
namespace {

/// SHA-1 fetched once: EVP_sha1() makes EVP_Digest fetch the implementation on every call
/// (~9,000 instructions of a ~11,000 digest of a user id).
const EVP_MD* fetched_sha1() {
  static const std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md{EVP_MD_fetch(nullptr, "SHA1", nullptr), &EVP_MD_free};
  return md ? md.get() : EVP_sha1();
}

}  // namespace

std::string matomo_visitor_id(const model::Visitor& visitor) {
  if (visitor.uid.empty()) {
    return visitor.id;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(visitor.uid.data(), visitor.uid.size(), digest, &size, fetched_sha1(), nullptr);
  // 8 bytes as 16 lowercase hex digits, without a format call per byte (this runs once per visit)
  constexpr std::string_view k_hex = "0123456789abcdef";
  std::string out(2 * std::min<std::size_t>(size, 8), '0');
  for (std::size_t i = 0; i < out.size() / 2; ++i) {
    out[2 * i] = k_hex[digest[i] >> 4U];
    out[2 * i + 1] = k_hex[digest[i] & 0xfU];
  }
  return out;
}

bool is_visit_action(metrics::Measure action) noexcept {
  using metrics::Measure;
  switch (action) {
    case Measure::pageviews:
    case Measure::site_searches:
    case Measure::outlinks:
    case Measure::downloads:
    case Measure::events:
    case Measure::content_interactions: return true;
    default: return false;
  }
}

void tally_hit(metrics::Ledger& ledger, metrics::LedgerRecorder& recorder, VisitFlow& flow,
               const metrics::LedgerHit& hit, bool acked) {
  auto& tally = flow.tally;
  if (hit.starts_visit || tally.counts.empty()) {
    flush_tally(ledger, recorder, flow, *hit.target);
    tally.day = hit.day;
  }
  auto bump = [acked](metrics::Bound& bound) { ++(acked ? bound.acked : bound.unconfirmed); };
  if (hit.starts_visit) {
    bump(tally.counts.visits);
  }
  if (hit.action && is_visit_action(*hit.action)) {
    bump(tally.counts.actions);
  }
}

void flush_tally(metrics::Ledger& ledger, metrics::LedgerRecorder& recorder, VisitFlow& flow,
                 const std::string& target) {
  auto& tally = flow.tally;
  if (!tally.counts.empty()) {
    if (tally.visitor_id.empty()) {
      tally.visitor_id = matomo_visitor_id(flow.visit().visitor);
    }
    recorder.record_visitor(ledger, target, flow.context().site_id, tally.day, tally.visitor_id, tally.counts);
    tally.counts = {};
  }
}

}  // namespace tf::delivery
