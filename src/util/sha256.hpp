#pragma once
// SHA-256 (FIPS 180-4), for fingerprints and baseline hashes. Project-agnostic.

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

private:
  void block(const std::uint8_t* p);
  std::array<std::uint32_t, 8> m_state;
  std::array<std::uint8_t, 64> m_buffer{};
  std::size_t m_buffered = 0;
  std::uint64_t m_length = 0;
};

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace dsnguard::util
