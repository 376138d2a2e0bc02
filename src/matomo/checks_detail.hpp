#pragma once
// Internal to checks*.cpp: the rule groups check_hit runs, and the collector they report to.
#include <string>
#include <string_view>
#include <vector>

#include "matomo/checks.hpp"

namespace tf::matomo::detail {

class Findings {
public:
  /// A rejection real Matomo also makes (HTTP 400 / bulk invalid).
  void reject(std::string_view code, std::string detail) { add(code, std::move(detail), true); }
  /// A strict-only finding: Matomo records it wrongly or drops it silently.
  void strict(std::string_view code, std::string detail) { add(code, std::move(detail), false); }
  std::vector<Violation> take() { return std::move(m_list); }

private:
  void add(std::string_view code, std::string detail, bool rejects) {
    m_list.push_back(Violation{std::string(code), std::move(detail), rejects});
  }
  std::vector<Violation> m_list;
};

/// The value of `name` if present and non-empty (Matomo treats an empty value as absent).
std::string_view value_of(const Params& params, std::string_view name);
bool has(const Params& params, std::string_view name);

void check_identity(const Params& params, const CheckContext& ctx, Findings& out);
void check_time(const Params& params, const CheckContext& ctx, Findings& out);
void check_device(const Params& params, const CheckContext& ctx, Findings& out);
void check_names(const Params& params, Findings& out);
void check_actions(const Params& params, const CheckContext& ctx, Findings& out);
void check_ecommerce(const Params& params, const CheckContext& ctx, Findings& out);

}  // namespace tf::matomo::detail
