#include "model/visit.hpp"

namespace tf::model {

const char* to_string(HitKind kind) {
  switch (kind) {
    case HitKind::pageview: return "pageview";
    case HitKind::site_search: return "site_search";
    case HitKind::outlink: return "outlink";
    case HitKind::download: return "download";
    case HitKind::event: return "event";
    case HitKind::content: return "content";
    case HitKind::ecommerce_order: return "ecommerce_order";
    case HitKind::cart_update: return "cart_update";
    case HitKind::goal: return "goal";
    case HitKind::ping: return "ping";
  }
  return "unknown";
}

}  // namespace tf::model
