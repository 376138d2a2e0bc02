#pragma once
// The percent-encodings of interned texts (model::Text::intern: a catalogue's page URLs and
// titles, dimension values), made once per text and form and kept with it (Text::annex): a hit
// copies them instead of encoding the same text again.
#include <string>

#include "model/text.hpp"

namespace tf::matomo {

/// percent_encode_to(text, plus_for_space) of `text` if it is interned (made on first use,
/// thread-safe, kept for the life of the process), else null.
const std::string* interned_encoding(const model::Text& text, bool plus_for_space);

}  // namespace tf::matomo
