#include <gtest/gtest.h>

#include <sys/stat.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "sources/git_util.hpp"
#include "support/postgres.hpp"
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

// git_libgit2_init() no longer sets up mbedTLS and libssh2 at start-up (static libgit2: their init runs on first
// use). Both transports still work up to the network: against a loopback listener that closes every connection,
// connecting fails with a handshake error, not a crash on an uninitialised TLS configuration or SSH library.
TEST(GitUtil, TlsAndSshTransportsInitialiseOnFirstUse)
{
  ensure_libgit2();
  test::ClosingListener listener;
  const int features = git_libgit2_features();
  for (const auto& [scheme, feature] : {std::pair{"https", GIT_FEATURE_HTTPS}, std::pair{"ssh", GIT_FEATURE_SSH}}) {
    if ((features & feature) == 0) {
      continue;
    }
    const std::string url = std::string(scheme) + "://127.0.0.1:" + std::to_string(listener.port()) + "/r.git";
    git_remote* raw = nullptr;
    ASSERT_EQ(git_remote_create_detached(&raw, url.c_str()), 0) << git_error_text();
    const std::unique_ptr<git_remote, decltype(&git_remote_free)> remote(raw, &git_remote_free);
    git_remote_callbacks callbacks = GIT_REMOTE_CALLBACKS_INIT;
    {
#if defined(__SANITIZE_ADDRESS__)
      // libgit2 1.5's SSH transport leaks two small git_str buffers when the handshake fails (its
      // _git_ssh_setup_conn error path); with fast unwinding the report shows only libgit2's allocator, so this
      // call's allocations are exempted here rather than by a suppression that would hide every such leak.
      const __lsan::ScopedDisabler libgit2_leaks;
#endif
      EXPECT_LT(git_remote_connect(remote.get(), GIT_DIRECTION_FETCH, &callbacks, nullptr, nullptr), 0) << scheme;
    }
    const std::string message = git_error_text();
    EXPECT_FALSE(message.empty()) << scheme;
    // It connected and failed in the handshake ("SSL error: ... EOF", "failed to start SSH session").
    EXPECT_NE(message.find(std::string(scheme) == "https" ? "SSL" : "SSH"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace dsnguard::sources
