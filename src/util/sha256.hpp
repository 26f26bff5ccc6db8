#pragma once
// SHA-256 (FIPS 180-4), for fingerprints and baseline hashes. Project-agnostic. Blocks are compressed with the x86
// SHA extensions where the CPU has them (every finding hashes its secret and its fingerprint: ~5 blocks each),
// otherwise by the portable code.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace dsnguard::util {

class Sha256 {
public:
  Sha256();
  void update(std::string_view data);
  // Finishes the hash; the object must not be updated afterwards.
  std::array<std::uint8_t, 32> digest();

  // The portable compression alone, whatever the CPU (for tests comparing the two).
  static void compress_portable(std::array<std::uint32_t, 8>& state, const std::uint8_t* blocks, std::size_t count);

private:
  void compress(const std::uint8_t* blocks, std::size_t count);
  std::array<std::uint32_t, 8> m_state;
  std::array<std::uint8_t, 64> m_buffer{};
  std::size_t m_buffered = 0;
  std::uint64_t m_length = 0;
};

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace dsnguard::util
