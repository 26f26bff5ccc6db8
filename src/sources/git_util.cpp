#include "sources/git_util.hpp"

#include <dlfcn.h>

#include <atomic>
#include <cstdlib>
#include <mutex>

#include <git2/sys/stream.h>

#if defined(DSNGUARD_STATIC_LIBGIT2)
// With libgit2 linked in, the start-up work of the transports a scan never opens is deferred to their first use
// instead (the linker redirects these calls: --wrap in src/sources/CMakeLists.txt). git_libgit2_init() no longer
// seeds mbedTLS's random generator from HAVEGE entropy (~0.4 ms of rdtsc loops), parses the system CA bundle, or
// runs OpenSSL's crypto init for libssh2 (~0.3 ms): about 0.75 ms of every scan's serial start.
// - mbedTLS: the four entry points that use its configuration run the real init once, first.
// - libssh2 initialises itself when the SSH transport creates a session (libssh2_session_init_ex).
extern "C" {
int __real_git_mbedtls_stream_global_init(void);
int __real_git_mbedtls_stream_new(git_stream** out, const char* host, const char* port);
int __real_git_mbedtls_stream_wrap(git_stream** out, git_stream* in, const char* host);
int __real_git_mbedtls__set_cert_location(const char* file, const char* path);
}

namespace {

int mbedtls_ready()
{
  static const int rc = __real_git_mbedtls_stream_global_init();  // thread-safe, once
  return rc;
}

}  // namespace

extern "C" {
int __wrap_git_mbedtls_stream_global_init(void)
{
  return 0;
}
int __wrap_git_transport_ssh_global_init(void)
{
  return 0;
}
int __wrap_git_mbedtls_stream_new(git_stream** out, const char* host, const char* port)
{
  const int rc = mbedtls_ready();
  return rc < 0 ? rc : __real_git_mbedtls_stream_new(out, host, port);
}
int __wrap_git_mbedtls_stream_wrap(git_stream** out, git_stream* in, const char* host)
{
  const int rc = mbedtls_ready();
  return rc < 0 ? rc : __real_git_mbedtls_stream_wrap(out, in, host);
}
int __wrap_git_mbedtls__set_cert_location(const char* file, const char* path)
{
  const int rc = mbedtls_ready();
  return rc < 0 ? rc : __real_git_mbedtls__set_cert_location(file, path);
}
}
#else
namespace {

// True only while ensure_libgit2() runs git_libgit2_init().
std::atomic<bool> g_in_libgit2_init{false};

}  // namespace

// With a shared libgit2 (DSNGUARD_STATIC_LIBGIT2=OFF or an archive missing), libgit2's internal calls cannot be
// redirected.
// Debian's libgit2 is built with mbedTLS and parses the whole system CA bundle (~140 certificates, PEM + base64)
// inside git_libgit2_init(): a third of a pre-commit hook's start-up (issue 3: <= 20 ms). That one load is skipped:
// this definition in the executable takes precedence over libmbedx509's, returns "no certificate added" during
// the init only, and forwards every other call (e.g. GIT_OPT_SET_SSL_CERT_LOCATIONS) to the real parser. With an
// OpenSSL-built libgit2 it is never called. Without the bundle a TLS handshake would fail certificate verification
// (fails closed).
extern "C" int mbedtls_x509_crt_parse_file(void* chain, const char* path)
{
  if (g_in_libgit2_init.load(std::memory_order_acquire)) {
    return 0;
  }
  using ParseFile = int (*)(void*, const char*);
  static const auto real = reinterpret_cast<ParseFile>(::dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file"));
  return real != nullptr ? real(chain, path) : -1;
}
#endif

namespace dsnguard::sources {

void ensure_libgit2()
{
  static std::once_flag once;
  std::call_once(once, [] {
#if !defined(DSNGUARD_STATIC_LIBGIT2)
    g_in_libgit2_init.store(true, std::memory_order_release);
#endif
    git_libgit2_init();  // never shut down: handles may live until exit
#if !defined(DSNGUARD_STATIC_LIBGIT2)
    g_in_libgit2_init.store(false, std::memory_order_release);
#endif
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    // The object cache (default 256 MiB) only ever helps the tree walk, which reads each tree once; a smaller
    // cache keeps the history scan's peak RSS low (issue 3 budget: 300 MB on git/git).
    git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, static_cast<ssize_t>(32 * 1024 * 1024));
  });
}

std::string git_error_text(const char* fallback)
{
  const git_error* e = git_error_last();
  return (e != nullptr && e->message != nullptr) ? std::string(e->message) : std::string(fallback);
}

tl::unexpected<core::Error> git_fail(const std::string& what)
{
  return core::fail(core::ErrorCode::git, what + ": " + git_error_text());
}

std::string oid_hex(const git_oid& oid)
{
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return buf;
}

int open_repository_raw(git_repository** out, const std::string& path)
{
  ensure_libgit2();
  const char* git_dir = std::getenv("GIT_DIR");
  if (git_dir == nullptr || *git_dir == '\0') {
    return git_repository_open_ext(out, path.c_str(), 0, nullptr);
  }
  const int rc = git_repository_open_ext(out, git_dir, GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  if (rc != 0) {
    return rc;
  }
  const char* work_tree = std::getenv("GIT_WORK_TREE");
  if (work_tree != nullptr && *work_tree != '\0') {
    const int wt = git_repository_set_workdir(*out, work_tree, 0);
    if (wt != 0) {
      git_repository_free(*out);
      *out = nullptr;
      return wt;
    }
  }
  return 0;
}

core::Expected<RepoPtr> open_repository(const std::string& path)
{
  git_repository* raw = nullptr;
  if (open_repository_raw(&raw, path) != 0) {
    return git_fail("cannot open a git repository at '" + path + "'");
  }
  return RepoPtr(raw);
}

}  // namespace dsnguard::sources
