#include "model/text.hpp"

#include <memory>
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
    Text owned(text);
    char* block = std::exchange(owned.m_data, nullptr);
    table.storage.emplace_back(block);
    it = table.blocks.emplace(std::string_view(block + sizeof(std::uint32_t), text.size()), block).first;
  }
  result.m_data = reinterpret_cast<char*>(reinterpret_cast<std::uintptr_t>(it->second) | k_interned);
  return result;
}

}  // namespace tf::model
