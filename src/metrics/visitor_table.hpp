#pragma once
// The per-visitor counts a LedgerRecorder itemises (LedgerDay::by_visitor), kept in a hash table
// while the run goes and sorted into a ledger's ordered maps only when a snapshot with visitor
// details is taken (once, at the end of a run): an ordered insert per visit cost ~1,600
// instructions, a probe here a fraction of it.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "metrics/ledger.hpp"

namespace tf::metrics {

/// Visitor ids of 16 lowercase hex digits (Matomo's idvisitor; every id the run sends), packed in
/// 64 bits, whose order is the ids' order, per site-local day of a ledger. Other ids are not kept
/// here (the recorder adds them to its ledger directly).
class VisitorTable {
public:
  /// `id` packed (its digits' order kept), or nullopt when it is not 16 lowercase hex digits.
  static std::optional<std::uint64_t> pack(std::string_view id) noexcept;
  /// The 16 lowercase hex digits of `packed`.
  static std::string unpack(std::uint64_t packed);

  /// The counts of visitor `id` on `day` (a day node of the recorder's ledger), or nullptr.
  VisitorCounts* find(const LedgerDay& day, std::uint64_t id);
  /// A new entry of visitor `id`, absent before, on `day`, which is day `day_number` of target
  /// `target` (a node of the same ledger: its name is stable).
  VisitorCounts& add(const LedgerDay& day, const LedgerTarget& target, std::int64_t day_number, std::uint64_t id,
                     const VisitorCounts& counts);
  /// Adds every entry to `into`'s by_visitor of the same target (by name) and day, making them
  /// where absent; into an empty by_visitor in order, each at its end.
  void add_to(Ledger& into) const;
  std::size_t size() const noexcept { return m_counts.size(); }

private:
  struct Key {
    const LedgerDay* day = nullptr;
    std::uint64_t id = 0;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& key) const noexcept;
  };
  /// Which day of which target a day node is (the days with entries; a handful).
  struct DayOf {
    const LedgerDay* day = nullptr;
    const LedgerTarget* target = nullptr;
    std::int64_t number = 0;
  };

  /// Adds `sorted` (packed ids in order, their counts) to `visitors`.
  static void add_sorted(const std::vector<std::pair<std::uint64_t, const VisitorCounts*>>& sorted,
                         std::map<std::string, VisitorCounts>& visitors);

  std::unordered_map<Key, VisitorCounts, KeyHash> m_counts;
  std::vector<DayOf> m_days;
};

}  // namespace tf::metrics
