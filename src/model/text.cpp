#include "model/text.hpp"

#include <limits>
#include <memory>
#include <new>
#include <stdexcept>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace tf::model {

Text Text::intern(std::string_view text) {
  // Blocks stay reachable from here until exit: an interned Text may outlive any generator.
  struct Table {
    std::mutex mutex;
    std::unordered_map<std::string_view, char*> blocks;  ///< text → its block (views into the blocks)
    std::vector<std::unique_ptr<char[]>> storage;
  };
  static Table& table = *new Table;  // never destroyed: interned Texts may be read until exit
  Text result;
  if (text.empty()) {
    return result;
  }
  const std::lock_guard lock(table.mutex);
  auto it = table.blocks.find(text);
  if (it == table.blocks.end()) {
    // [annex slot][uint32 size][bytes]: new[] aligns the slot, and the size stays 8-aligned, so
    // the block's lowest bit is free for the interned tag
    if (text.size() > std::numeric_limits<std::uint32_t>::max()) {
      throw std::length_error("model::Text: longer than 4 GiB");
    }
    const auto size = static_cast<std::uint32_t>(text.size());
    auto storage = std::make_unique<char[]>(k_annex_bytes + sizeof size + text.size());
    new (storage.get()) AnnexSlot(nullptr);
    char* block = storage.get() + k_annex_bytes;
    std::memcpy(block, &size, sizeof size);
    std::memcpy(block + sizeof size, text.data(), text.size());
    table.storage.push_back(std::move(storage));
    it = table.blocks.emplace(std::string_view(block + sizeof size, text.size()), block).first;
  }
  result.m_data = reinterpret_cast<char*>(reinterpret_cast<std::uintptr_t>(it->second) | k_interned);
  return result;
}

}  // namespace tf::model
