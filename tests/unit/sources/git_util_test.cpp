#include <gtest/gtest.h>

#include <sys/stat.h>

#include "sources/git_util.hpp"
#include "support/process.hpp"

namespace dsnguard::sources {
namespace {

// ensure_libgit2() skips only libgit2's start-up load of the system CA bundle; explicit certificate loads still
// reach the real parser (a file that is not PEM is rejected, the system bundle is accepted).
TEST(GitUtil, CertificateLoadsAfterInitReachTheRealParser)
{
  ensure_libgit2();
  if ((git_libgit2_features() & GIT_FEATURE_HTTPS) == 0) {
    GTEST_SKIP() << "libgit2 built without HTTPS";
  }
  test::TempDir dir;
  const std::string bogus = dir.path() + "/not-a-cert.pem";
  test::write_file(dir.path(), "not-a-cert.pem", "-----BEGIN CERTIFICATE-----\nnot base64 !!\n-----END CERTIFICATE-----\n");
  EXPECT_LT(git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, bogus.c_str(), nullptr), 0);
  const char* bundle = "/etc/ssl/certs/ca-certificates.crt";
  struct stat st {};
  if (::stat(bundle, &st) == 0) {
    EXPECT_EQ(git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, bundle, nullptr), 0) << git_error_text();
  }
}

}  // namespace
}  // namespace dsnguard::sources
