#pragma once
// Test support: the message of the tf::Error a callable throws, or "no error".
#include <functional>
#include <string>

#include "util/error.hpp"

namespace tf::testing {

inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const tf::Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace tf::testing
