#include "matomo/encode_text.hpp"

#include <atomic>
#include <memory>

#include "matomo/wire.hpp"

namespace tf::matomo {
namespace {

/// An interned text's annex: its encodings, each made when first asked for.
struct Encodings {
  mutable std::atomic<const std::string*> form{nullptr};  ///< a space as '+' (form bodies)
  mutable std::atomic<const std::string*> query{nullptr};  ///< a space as %20 (query strings)
};

/// Sets `slot` (if no other thread did first) to `value` and returns the one kept; values live
/// for good, reachable from the interned text's block.
template <class T>
const T* publish(std::atomic<const T*>& slot, std::unique_ptr<T> value) {
  const T* none = nullptr;
  if (slot.compare_exchange_strong(none, value.get(), std::memory_order_acq_rel)) {
    return value.release();
  }
  return none;  // the other thread's
}

const Encodings& encodings_of(const model::Text& text) {
  if (const void* annex = text.annex()) {
    return *static_cast<const Encodings*>(annex);
  }
  auto made = std::make_unique<Encodings>();
  if (text.set_annex(made.get())) {
    return *made.release();
  }
  return *static_cast<const Encodings*>(text.annex());  // another thread was first
}

}  // namespace

const std::string* interned_encoding(const model::Text& text, bool plus_for_space) {
  if (!text.interned()) {
    return nullptr;
  }
  const Encodings& encodings = encodings_of(text);
  auto& slot = plus_for_space ? encodings.form : encodings.query;
  if (const std::string* done = slot.load(std::memory_order_acquire)) {
    return done;
  }
  const std::string_view view = text.view();
  auto encoded = std::make_unique<std::string>(3 * view.size(), '\0');
  encoded->resize(static_cast<std::size_t>(percent_encode_to(view, plus_for_space, encoded->data()) - encoded->data()));
  return publish(slot, std::move(encoded));
}

}  // namespace tf::matomo
