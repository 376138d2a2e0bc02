#include "config/embedded.hpp"

#include <fmt/format.h>

#include "util/error.hpp"

namespace tf::config {

const EmbeddedProfile* find_embedded_profile(std::string_view name) {
  for (const auto& profile : embedded_profiles()) {
    if (profile.name == name) {
      return &profile;
    }
  }
  return nullptr;
}

const EmbeddedProfile& embedded_profile(std::string_view name) {
  const EmbeddedProfile* profile = find_embedded_profile(name);
  if (profile == nullptr) {
    throw Error(fmt::format("SITE_PROFILE: expected one of {}, found \"{}\"", profile_choices(), name));
  }
  return *profile;
}

const std::string& profile_choices() {
  static const std::string choices = [] {
    std::string out;
    for (const auto& profile : embedded_profiles()) {
      out.append(out.empty() ? "" : "|").append(profile.name);
    }
    return out;
  }();
  return choices;
}

}  // namespace tf::config
