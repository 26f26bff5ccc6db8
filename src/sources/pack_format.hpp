#pragma once
// Internal to sources/: byte-level pieces of git's on-disk formats shared by the pack, tree, blob and index readers
// (git/git Documentation/gitformat-pack.txt: big-endian words, size varints, delta instructions).

#include <cstddef>
#include <cstdint>

namespace dsnguard::sources {

// A big-endian 16-bit word.
inline std::uint16_t be16(const unsigned char* p)
{
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

// A big-endian 32-bit word.
inline std::uint32_t be32(const unsigned char* p)
{
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// A delta header size (little-endian base-128), advancing `p`; stops at `end`.
inline std::uint64_t delta_varint(const unsigned char*& p, const unsigned char* end)
{
  std::uint64_t v = 0;
  int shift = 0;
  while (p < end) {
    const unsigned char c = *p++;
    v |= std::uint64_t{c & 0x7fu} << shift;
    shift += 7;
    if ((c & 0x80) == 0 || shift > 63) {
      break;
    }
  }
  return v;
}

// Walks the instructions of a git delta from `p` (just past its two size varints) to `end`, in order:
// copy(base_offset, length) for a copy from the base, insert(bytes, length) for inserted bytes. Each callback
// returns false to stop (a bound it checks failed). Returns false when stopped or on a malformed instruction (the
// reserved opcode 0, an insert running past `end`).
template <typename Copy, typename Insert>
bool for_each_delta_op(const unsigned char* p, const unsigned char* end, Copy&& copy, Insert&& insert)
{
  while (p < end) {
    const unsigned char op = *p++;
    if ((op & 0x80) != 0) {
      std::uint64_t off = 0;
      std::uint64_t len = 0;
      for (int i = 0; i < 4; ++i) {
        if ((op & (1u << i)) != 0 && p < end) {
          off |= std::uint64_t{*p++} << (8 * i);
        }
      }
      for (int i = 0; i < 3; ++i) {
        if ((op & (0x10u << i)) != 0 && p < end) {
          len |= std::uint64_t{*p++} << (8 * i);
        }
      }
      if (!copy(off, len == 0 ? std::uint64_t{0x10000} : len)) {
        return false;
      }
    } else if (op != 0) {
      if (op > end - p || !insert(p, std::size_t{op})) {
        return false;
      }
      p += op;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace dsnguard::sources
