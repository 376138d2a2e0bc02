#include "matomo/encode_text.hpp"

#include <memory>

#include "matomo/wire.hpp"

namespace tf::matomo {
namespace {

std::string encoded(std::string_view text, bool plus_for_space) {
  std::string out(3 * text.size(), '\0');
  out.resize(static_cast<std::size_t>(percent_encode_to(text, plus_for_space, out.data()) - out.data()));
  return out;
}

}  // namespace

const TextEncodings* interned_encodings(const model::Text& text) {
  if (!text.interned()) {
    return nullptr;
  }
  if (const void* annex = text.annex()) {
    return static_cast<const TextEncodings*>(annex);
  }
  auto made = std::make_unique<TextEncodings>(TextEncodings{encoded(text, true), encoded(text, false)});
  if (text.set_annex(made.get())) {
    return made.release();  // reachable from the interned text's block until exit
  }
  return static_cast<const TextEncodings*>(text.annex());  // another thread was first
}

}  // namespace tf::matomo
