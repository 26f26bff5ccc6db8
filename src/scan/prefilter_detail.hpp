#pragma once
// Word-level helpers shared by the prefilter's index (prefilter.cpp) and its SIMD search (prefilter_simd.cpp):
// ASCII folding, the prefix masks and hashes of the bit tables, and unaligned loads. Internal to scan/.

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace dsnguard::scan::prefilter_detail {

constexpr std::array<unsigned char, 256> make_lower()
{
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[static_cast<std::size_t>(c)] = static_cast<unsigned char>((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
  }
  return t;
}

inline constexpr std::array<unsigned char, 256> k_lower = make_lower();
inline constexpr std::uint32_t k_fold = 0x20202020u;
inline constexpr unsigned k_hash_bits = 18;
inline constexpr std::size_t k_table_bits = std::size_t{1} << k_hash_bits;  // 32 KiB of bits

// Mask keeping the first `len` (1..4) bytes of a word loaded with memcpy.
constexpr std::uint32_t prefix_mask(std::size_t len)
{
  const std::uint32_t low = len >= 4 ? 0xffffffffu : ((std::uint32_t{1} << (8 * len)) - 1);
  if constexpr (std::endian::native == std::endian::little) {
    return low;
  } else {
    return len >= 4 ? low : low << (8 * (4 - len));
  }
}

inline constexpr std::array<std::uint32_t, 4> k_masks = {prefix_mask(1), prefix_mask(2), prefix_mask(3), prefix_mask(4)};

inline std::uint32_t hash(std::uint32_t folded)
{
  return (folded * 0x9e3779b1u) >> (32 - k_hash_bits);
}

inline constexpr unsigned k_long_hash_bits = 16;  // 8 KiB of bits for the 8-byte check

inline std::uint32_t hash_long(std::uint64_t folded)
{
  return static_cast<std::uint32_t>((folded * 0x9e3779b97f4a7c15ull) >> (64 - k_long_hash_bits));
}

inline std::uint64_t bit(const std::uint64_t* bits, std::uint32_t h)
{
  return (bits[h >> 6] >> (h & 63)) & 1u;
}

// std::popcount compiles to a libgcc call when the target may lack POPCNT (the default x86-64 flags): this is a
// dozen inline instructions.
inline std::uint32_t popcount64(std::uint64_t x)
{
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return static_cast<std::uint32_t>((x * 0x0101010101010101ull) >> 56);
}

inline std::uint32_t load(const unsigned char* p)
{
  std::uint32_t w = 0;
  std::memcpy(&w, p, 4);
  return w;
}

}  // namespace dsnguard::scan::prefilter_detail
