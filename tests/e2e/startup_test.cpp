// Start-up cost guards for the pre-commit hook path (issue 3: scan --staged <= 20 ms): the properties the
// speed depends on, checked on the built binary (timings themselves are measured by bench/staged-bench.sh).
#include <gtest/gtest.h>

#include "support/process.hpp"

namespace dsnguard::test {
namespace {

// libpq and its ~20 dependencies are loaded only when verify needs them (src/verify/libpq_lazy.cpp).
TEST(Startup, BinaryDoesNotLinkLibpq)
{
  const auto r = run({"readelf", "-d", binary_path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("(NEEDED)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("libpq"), std::string::npos) << r.out;
}

// The executable defines the CA-bundle parser libgit2 calls during init (src/sources/git_util.cpp), so that
// load is skipped; it must be in the dynamic symbol table for libgit2's call to reach it.
TEST(Startup, CaBundleLoadIsInterposed)
{
  const auto libs = run({"ldd", binary_path()});
  if (libs.out.find("libmbedx509") == std::string::npos) {
    GTEST_SKIP() << "libgit2 is not built with mbedTLS here";
  }
  const auto r = run({"nm", "-D", "--defined-only", binary_path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(" mbedtls_x509_crt_parse_file"), std::string::npos);
}

}  // namespace
}  // namespace dsnguard::test
