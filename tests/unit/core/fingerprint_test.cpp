#include "core/fingerprint.hpp"
#include "util/sha256.hpp"

#include <gtest/gtest.h>

namespace dsnguard {

TEST(Sha256, KnownVectors)
{
  EXPECT_EQ(util::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(util::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(util::sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Fingerprint, ContentKeyedAndVersioned)
{
  const auto a = core::fingerprint("postgres-uri", "app/settings.py", "s3cret");
  EXPECT_EQ(a.rfind("v1:", 0), 0u);
  EXPECT_EQ(a.size(), 3u + 32u);
  EXPECT_EQ(a, core::fingerprint("postgres-uri", "app/settings.py", "s3cret"));
  EXPECT_NE(a, core::fingerprint("postgres-uri", "app/other.py", "s3cret"));
  EXPECT_NE(a, core::fingerprint("mysql-uri", "app/settings.py", "s3cret"));
  EXPECT_NE(a, core::fingerprint("postgres-uri", "app/settings.py", "s3cret2"));
  EXPECT_EQ(a.find("s3cret"), std::string::npos);
}

}  // namespace dsnguard
