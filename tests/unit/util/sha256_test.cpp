// SHA-256 against the FIPS 180-4 / NIST example vectors, on whichever compression the CPU selects (the SHA
// extensions here) and on the portable one, and updates split at random points against one-shot hashing.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "util/sha256.hpp"

namespace dsnguard::util {
namespace {

std::string hex(const std::array<std::uint8_t, 32>& d)
{
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  for (const auto b : d) {
    out.push_back(k_hex[b >> 4]);
    out.push_back(k_hex[b & 15]);
  }
  return out;
}

TEST(Sha256, NistVectors)
{
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                       "mnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PortableCompressionGivesTheSameState)
{
  // "abc" padded to one block: its state after compression is the digest's words.
  std::array<std::uint8_t, 64> block{};
  block[0] = 'a';
  block[1] = 'b';
  block[2] = 'c';
  block[3] = 0x80;
  block[63] = 24;
  std::array<std::uint32_t, 8> state = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  Sha256::compress_portable(state, block.data(), 1);
  const std::array<std::uint32_t, 8> expected = {0xba7816bf, 0x8f01cfea, 0x414140de, 0x5dae2223,
                                                 0xb00361a3, 0x96177a9c, 0xb410ff61, 0xf20015ad};
  EXPECT_EQ(state, expected);
}

TEST(Sha256, SplitUpdatesMatchOneShot)
{
  std::mt19937 rng(3);
  for (int round = 0; round < 300; ++round) {
    std::string data(rng() % 300, '\0');
    for (auto& c : data) {
      c = static_cast<char>(rng() % 256);
    }
    const std::string whole = sha256_hex(data);
    Sha256 h;
    std::size_t at = 0;
    while (at < data.size()) {
      const std::size_t take = std::min<std::size_t>(data.size() - at, rng() % 90);
      h.update(std::string_view(data).substr(at, take));
      at += take;
    }
    ASSERT_EQ(hex(h.digest()), whole) << "round " << round << ", " << data.size() << " bytes";
  }
}

}  // namespace
}  // namespace dsnguard::util
