// Start-up cost guards for the pre-commit hook path (issue 3: scan --staged <= 20 ms): the properties the
// speed depends on, checked on the built binary (timings themselves are measured by bench/staged-bench.sh).
#include <gtest/gtest.h>

#include <filesystem>

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

// Whether the binary carries mbedTLS code, statically (libgit2 linked from its archive) or through libgit2's
// shared libraries.
bool uses_mbedtls()
{
  const auto libs = run({"ldd", binary_path()});
  const auto symbols = run({"nm", binary_path()});
  return libs.out.find("libmbedx509") != std::string::npos
         || symbols.out.find("mbedtls_x509_crt_parse_file") != std::string::npos;
}

// The files a scan of a one-file repository (with one finding) opens, traced by strace.
std::string files_opened_by_a_scan()
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "app.py", "DATABASE_URL = 'postgresql://app:Xk92mQv7pLz@db.internal:5432/app'\n");
  TempDir traces;
  const std::string trace = traces / "scan.trace";
  RunOptions traced;
  traced.env["ASAN_OPTIONS"] = "detect_leaks=0";  // LeakSanitizer refuses to run under ptrace (sanitizer build)
  const auto r = run({"strace", "-f", "-qq", "-e", "trace=open,openat", "-o", trace, binary_path(), "scan", dir.path()},
                     traced);
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the finding: the scan really ran under the trace
  const std::string opened = read_file(trace);
  EXPECT_NE(opened.find("app.py"), std::string::npos) << opened;
  return opened;
}

// An mbedTLS-built libgit2 parses the whole system CA bundle inside git_libgit2_init(); dsnguard never opens a
// network transport and skips that load (src/sources/git_util.cpp), whether libgit2 is linked statically (the
// linker wraps the call) or shared (the executable's definition is found first). Checked on what a scan opens.
TEST(Startup, CaBundleIsNotReadByAScan)
{
  constexpr const char* k_bundle = "/etc/ssl/certs/ca-certificates.crt";
  if (!uses_mbedtls()) {
    GTEST_SKIP() << "libgit2 is not built with mbedTLS here";
  }
  if (!std::filesystem::exists(k_bundle)) {
    GTEST_SKIP() << k_bundle << " does not exist: nothing to skip";
  }
  const std::string opened = files_opened_by_a_scan();
  EXPECT_EQ(opened.find(k_bundle), std::string::npos) << opened;
}

// GSSAPI, which the static libgit2 needs only for HTTP Negotiate authentication, is loaded on first use
// (sources/gssapi_lazy.cpp), and a scan never uses it: no Kerberos library is opened.
TEST(Startup, ScanLoadsNoKerberosLibrary)
{
  const auto libs = run({"ldd", binary_path()});
  ASSERT_EQ(libs.exit_code, 0) << libs.err;
  if (libs.out.find("libgit2") != std::string::npos) {
    GTEST_SKIP() << "libgit2 is linked as a shared library here (it loads GSSAPI itself)";
  }
  const std::string opened = files_opened_by_a_scan();
  for (const char* lib : {"libgssapi_krb5", "libkrb5", "libk5crypto"}) {
    EXPECT_EQ(opened.find(lib), std::string::npos) << lib << " opened:\n" << opened;
  }
}

// With a shared libgit2 the executable's definition of the parser must be in its dynamic symbol table for
// libgit2's call to reach it.
TEST(Startup, SharedLibgit2CallReachesTheExecutable)
{
  const auto libs = run({"ldd", binary_path()});
  if (libs.out.find("libmbedx509") == std::string::npos) {
    GTEST_SKIP() << "libgit2 is linked statically or not built with mbedTLS here";
  }
  const auto r = run({"nm", "-D", "--defined-only", binary_path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(" mbedtls_x509_crt_parse_file"), std::string::npos);
}

}  // namespace
}  // namespace dsnguard::test
