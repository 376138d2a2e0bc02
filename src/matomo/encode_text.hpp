#pragma once
// The percent-encodings of interned texts (model::Text::intern: a catalogue's page URLs and
// titles, dimension values), made once per text and kept with it (Text::annex): a hit copies
// them instead of encoding the same text again.
#include <string>

#include "model/text.hpp"

namespace tf::matomo {

struct TextEncodings {
  std::string form;  ///< percent_encode_to(text, true): a form body, a space as '+'
  std::string query;  ///< percent_encode_to(text, false): a query string, a space as %20
  const std::string& of(bool plus_for_space) const { return plus_for_space ? form : query; }
};

/// The encodings of `text` if it is interned (made on first use, thread-safe, kept for the life
/// of the process), else null.
const TextEncodings* interned_encodings(const model::Text& text);

}  // namespace tf::matomo
