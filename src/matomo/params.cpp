#include "matomo/params.hpp"

namespace tf::matomo {

std::optional<std::string_view> find(const Params& params, std::string_view name) {
  for (const auto& [key, value] : params) {
    if (key == name) {
      return std::string_view{value};
    }
  }
  return std::nullopt;
}

}  // namespace tf::matomo
