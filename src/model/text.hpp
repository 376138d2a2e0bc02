#pragma once
// Text: a string held in one pointer, for the fields of hits. Visits wait in memory while they
// are delivered (10,000 in progress is normal, ~6 hits each), and most hit fields are empty or
// set once: 8 bytes instead of std::string's 32, one allocation when not empty, none for an
// interned string (a catalogue's URLs and titles, sent in many hits): its copies share it.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace tf::model {

class Text {
public:
  Text() noexcept = default;
  Text(std::string_view text) { assign(text); }  // NOLINT(google-explicit-constructor)
  Text(const std::string& text) { assign(text); }  // NOLINT(google-explicit-constructor)
  Text(const char* text) {
    assign(text == nullptr ? std::string_view{} : std::string_view{text});
  }  // NOLINT(google-explicit-constructor)
  Text(const Text& other) {
    if (other.interned()) {
      m_data = other.m_data;
    } else {
      assign(other.view());
    }
  }
  Text(Text&& other) noexcept : m_data(std::exchange(other.m_data, nullptr)) {}
  Text& operator=(const Text& other) {
    if (this != &other) {
      Text copy(other);
      std::swap(m_data, copy.m_data);
    }
    return *this;
  }
  Text& operator=(Text&& other) noexcept {
    std::swap(m_data, other.m_data);
    return *this;
  }
  ~Text() {
    if (!interned()) {
      delete[] m_data;
    }
  }

  /// `text` kept once for the whole process (per distinct string, never freed; thread-safe):
  /// copies of the result share that storage. For strings of a bounded set, such as a catalogue.
  static Text intern(std::string_view text);

  /// An interned text's annex: one pointer that another module may set once for the life of the
  /// process (the wire module keeps the text's percent-encodings there, so that a hit copies them
  /// instead of encoding the text again). Null until set, and always null for a text not interned.
  const void* annex() const noexcept { return interned() ? annex_slot()->load(std::memory_order_acquire) : nullptr; }
  /// Sets the annex of an interned text if it has none; false when it is not interned or another
  /// thread set one first (read it with annex()). The caller keeps `value` alive for good.
  bool set_annex(const void* value) const noexcept {
    const void* none = nullptr;
    return interned() && annex_slot()->compare_exchange_strong(none, value, std::memory_order_acq_rel);
  }

  std::string_view view() const noexcept {
    if (m_data == nullptr) {
      return {};
    }
    const char* block = this->block();
    std::uint32_t size = 0;
    std::memcpy(&size, block, sizeof size);
    return {block + sizeof size, size};
  }
  bool interned() const noexcept { return (reinterpret_cast<std::uintptr_t>(m_data) & k_interned) != 0; }
  operator std::string_view() const noexcept { return view(); }  // NOLINT(google-explicit-constructor)
  std::string str() const { return std::string(view()); }
  bool empty() const noexcept { return m_data == nullptr; }
  std::size_t size() const noexcept { return view().size(); }

  friend bool operator==(const Text& a, const Text& b) noexcept { return a.view() == b.view(); }
  friend bool operator==(const Text& a, std::string_view b) noexcept { return a.view() == b; }
  friend bool operator==(const Text& a, const std::string& b) noexcept { return a.view() == b; }
  friend bool operator==(const Text& a, const char* b) noexcept { return a.view() == b; }

private:
  /// Tags an interned block in m_data's lowest bit (blocks from new[] are at least 2-aligned).
  static constexpr std::uintptr_t k_interned = 1;

  using AnnexSlot = std::atomic<const void*>;
  /// An interned block is [annex slot][uint32 size][bytes]; m_data points at the size.
  static constexpr std::size_t k_annex_bytes = 8;
  static_assert(sizeof(AnnexSlot) <= k_annex_bytes && alignof(AnnexSlot) <= k_annex_bytes);
  AnnexSlot* annex_slot() const noexcept {
    return reinterpret_cast<AnnexSlot*>(const_cast<char*>(block()) - k_annex_bytes);
  }

  const char* block() const noexcept {
    return reinterpret_cast<const char*>(reinterpret_cast<std::uintptr_t>(m_data) & ~k_interned);
  }
  void assign(std::string_view text) {
    if (text.empty()) {
      return;
    }
    if (text.size() > std::numeric_limits<std::uint32_t>::max()) {
      throw std::length_error("model::Text: longer than 4 GiB");
    }
    const auto size = static_cast<std::uint32_t>(text.size());
    m_data = new char[sizeof size + text.size()];
    std::memcpy(m_data, &size, sizeof size);
    std::memcpy(m_data + sizeof size, text.data(), text.size());
  }

  char* m_data = nullptr;  ///< [uint32 size][bytes] (owned, or interned when tagged), or null when empty
};

}  // namespace tf::model
