#pragma once
// The 16-byte block loop shared by the escaping writers (query/form percent-encoding in wire.cpp,
// JSON strings in bulk_writer.cpp): a block whose bytes all pass through is stored whole; else
// its passing prefix is kept and the first byte that needs escaping goes to `escape`. Internal.
#include <cstddef>
#include <cstring>

namespace tf::matomo::detail {

/// While 16 or more bytes are left: `mask(src)` has bit i set when byte i passes through
/// unchanged; `escape(src, dest)` writes the escape of the byte (or sequence) at src and
/// advances both. `dest` must have room for 16 bytes beyond what is written (blocks are stored
/// ahead of the end). Stops with fewer than 16 bytes left, for the caller's scalar tail.
template <class Byte, class Mask, class Escape>
void copy_blocks(const Byte*& src, const Byte* end, char*& dest, Mask mask, Escape escape) {
  constexpr unsigned k_all = 0xffffU;
  while (end - src >= 16) {
    const unsigned passing = mask(src);
    std::memcpy(dest, src, 16);
    if (passing == k_all) {
      src += 16;
      dest += 16;
      continue;
    }
    const auto prefix = static_cast<std::size_t>(__builtin_ctz(~passing));
    src += prefix;
    dest += prefix;
    escape(src, dest);
  }
}

}  // namespace tf::matomo::detail
