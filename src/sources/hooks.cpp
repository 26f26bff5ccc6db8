#include "sources/hooks.hpp"

#include "sources/git_util.hpp"

#include <filesystem>
#include <memory>

#include <git2.h>

namespace dsnguard::sources {

namespace {

namespace fs = std::filesystem;

// libgit2 is initialised for the duration of one call (init/shutdown are reference counted).
struct LibGit2Scope {
  LibGit2Scope() { git_libgit2_init(); }
  ~LibGit2Scope() { git_libgit2_shutdown(); }
  LibGit2Scope(const LibGit2Scope&) = delete;
  LibGit2Scope& operator=(const LibGit2Scope&) = delete;
};

std::string last_error()
{
  const git_error* e = git_error_last();
  return e != nullptr && e->message != nullptr ? e->message : "unknown libgit2 error";
}

std::string without_trailing_slash(std::string s)
{
  while (s.size() > 1 && s.back() == '/') {
    s.pop_back();
  }
  return s;
}

}  // namespace

core::Expected<HooksLocation> hooks_location(const std::string& path)
{
  LibGit2Scope scope;
  git_repository* raw = nullptr;
  if (open_repository_raw(&raw, path) != 0) {
    return core::fail(core::ErrorCode::git, "'" + path + "' is not inside a git repository: " + last_error());
  }
  RepoPtr repo(raw);
  HooksLocation loc;
  const char* workdir = git_repository_workdir(repo.get());
  loc.work_tree = workdir != nullptr ? without_trailing_slash(workdir) : std::string();
  const std::string common = without_trailing_slash(git_repository_commondir(repo.get()));
  const std::string gitdir = without_trailing_slash(git_repository_path(repo.get()));

  git_config* raw_cfg = nullptr;
  if (git_repository_config_snapshot(&raw_cfg, repo.get()) != 0) {
    return core::fail(core::ErrorCode::git, "cannot read the git config: " + last_error());
  }
  ConfigPtr cfg(raw_cfg);
  git_buf buf = GIT_BUF_INIT;
  const int rc = git_config_get_path(&buf, cfg.get(), "core.hooksPath");
  if (rc == 0 && buf.ptr != nullptr && buf.ptr[0] != '\0') {
    loc.configured = buf.ptr;
    loc.from_core_hooks_path = true;
    fs::path p(loc.configured);
    if (p.is_relative()) {
      p = fs::path(loc.work_tree.empty() ? gitdir : loc.work_tree) / p;
    }
    loc.dir = without_trailing_slash(p.lexically_normal().string());
  } else if (rc != 0 && rc != GIT_ENOTFOUND) {
    git_buf_dispose(&buf);
    return core::fail(core::ErrorCode::git, "cannot read core.hooksPath: " + last_error());
  } else {
    loc.dir = (fs::path(common) / "hooks").lexically_normal().string();
  }
  git_buf_dispose(&buf);
  return loc;
}

}  // namespace dsnguard::sources
