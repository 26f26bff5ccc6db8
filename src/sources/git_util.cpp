#include "sources/git_util.hpp"

#include <cstdio>
#include <mutex>

namespace dsnguard::sources {

void ensure_libgit2()
{
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();  // never shut down: handles may live until exit
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

core::Expected<RepoPtr> open_repository(const std::string& path)
{
  ensure_libgit2();
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, path.c_str(), 0, nullptr) != 0) {
    return git_fail("cannot open a git repository at '" + path + "'");
  }
  return RepoPtr(raw);
}

}  // namespace dsnguard::sources
