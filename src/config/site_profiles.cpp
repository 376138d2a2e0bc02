#include "config/embedded.hpp"

namespace tf::config {

const EmbeddedProfile* find_embedded_profile(std::string_view name) {
  for (const auto& profile : embedded_profiles()) {
    if (profile.name == name) {
      return &profile;
    }
  }
  return nullptr;
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

} // namespace tf::config
