#include "matomo/encode_visitor.hpp"

#include <cstring>
#include <string>
#include <vector>

#include "matomo/encode_text.hpp"
#include "matomo/wire.hpp"

namespace tf::matomo::detail {
namespace {

/// Slots of the memo: visits in progress on a thread (50 for single hits, 500 for tuned bulk)
/// have consecutive indices, so each has its own slot; beyond that a slot is remade when needed.
constexpr std::size_t k_visitor_slots = 512;

/// `key=value` pairs appended to a string, encoded as PairEncoder does (interned texts copy
/// their encodings).
class PairAppender {
public:
  PairAppender(std::string& out, bool plus_for_space) : m_out(out), m_plus(plus_for_space) {}

  void put(std::string_view key, std::string_view value) {
    const std::size_t at = start_pair(key, 3 * value.size());
    m_out.resize(static_cast<std::size_t>(percent_encode_to(value, m_plus, m_out.data() + at) - m_out.data()));
  }
  void put_text(std::string_view key, const model::Text& value, bool) {
    if (const std::string* encoded = interned_encoding(value, m_plus)) {
      m_out.resize(start_pair(key, 0));
      m_out += *encoded;
    } else {
      put(key, value.view());
    }
  }
  void put_recurring(std::string_view key, std::string_view value) { put(key, value); }
  void put_int(std::string_view key, std::int64_t value) { put(key, std::to_string(value)); }

private:
  /// Appends `&key=` (no '&' first) and room for `room` bytes; returns where the value goes.
  std::size_t start_pair(std::string_view key, std::size_t room) {
    if (!m_out.empty()) {
      m_out += '&';
    }
    m_out.append(key).append("=");
    const std::size_t at = m_out.size();
    m_out.resize(at + room);
    return at;
  }

  std::string& m_out;
  bool m_plus;
};

/// Equal texts, by identity first (interned texts: one block per content).
bool same_text(std::string_view a, std::string_view b) {
  return a.size() == b.size() && (a.data() == b.data() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

/// One visitor's encoded pairs and the fields they were made from.
struct VisitorMemoEntry {
  bool made = false;
  bool plus = false;
  bool cip = false;
  std::string id, uid, ip;
  model::Text user_agent, lang, res;
  VisitorPairs pairs;

  bool matches(const model::Visitor& v, bool plus_for_space, bool with_cip) const {
    return made && plus == plus_for_space && cip == with_cip && same_text(id, v.id) && same_text(uid, v.uid) &&
      same_text(user_agent, v.user_agent) && same_text(lang, v.lang) && same_text(res, v.res) &&
      (!with_cip || same_text(ip, v.ip));
  }
  void make(const model::Visitor& v, const EncodeContext& ctx, bool plus_for_space, bool with_cip) {
    made = true;
    plus = plus_for_space;
    cip = with_cip;
    id = v.id;
    uid = v.uid;
    ip = v.ip;
    user_agent = v.user_agent;
    lang = v.lang;
    res = v.res;
    pairs.ids.clear();
    pairs.client.clear();
    PairAppender id_writer(pairs.ids, plus_for_space);
    put_visitor_ids(id_writer, v);
    PairAppender client_writer(pairs.client, plus_for_space);
    put_visitor_client(client_writer, v, ctx);
  }
};

}  // namespace

const VisitorPairs& visitor_pairs(const model::Visit& visit, const EncodeContext& ctx, bool plus_for_space) {
  thread_local std::vector<VisitorMemoEntry> entries(k_visitor_slots);
  VisitorMemoEntry& entry = entries[visit.index % k_visitor_slots];
  const bool with_cip = ctx.has_token && ctx.send_cip;
  if (!entry.matches(visit.visitor, plus_for_space, with_cip)) [[unlikely]] {
    entry.make(visit.visitor, ctx, plus_for_space, with_cip);
  }
  return entry.pairs;
}

}  // namespace tf::matomo::detail
