// discover(): where a scan runs. See sources.hpp for the contract.
#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "sources/git_util.hpp"
#include "sources/sources.hpp"
#include "sources/worktree_walk.hpp"

namespace dsnguard::sources {

namespace {

std::string strip_trailing_slash(std::string s)
{
  while (s.size() > 1 && s.back() == '/') {
    s.pop_back();
  }
  return s;
}

std::string parent_of(const std::string& abs)
{
  const auto slash = abs.rfind('/');
  return slash == 0 || slash == std::string::npos ? std::string("/") : abs.substr(0, slash);
}

}  // namespace

core::Expected<std::string> absolute_path(const std::string& path)
{
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    return core::fail(core::ErrorCode::not_found, "cannot scan '" + path + "': " + std::strerror(errno));
  }
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf) == nullptr) {
    return core::fail(core::ErrorCode::io, "cannot resolve '" + path + "': " + std::strerror(errno));
  }
  return std::string(buf);
}

core::Expected<RepoInfo> discover(const std::string& path, bool no_git)
{
  DSNGUARD_TRY_ASSIGN(const auto abs, absolute_path(path));
  struct stat st {};
  const bool is_dir = ::stat(abs.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  RepoInfo info;
  info.root = is_dir ? abs : parent_of(abs);
  if (no_git) {
    return info;
  }
  git_repository* raw = nullptr;
  const int rc = open_repository_raw(&raw, abs);
  if (rc == GIT_ENOTFOUND) {
    return info;  // not inside a repository: scan as plain files
  }
  if (rc != 0) {
    return git_fail("cannot open the git repository containing '" + path + "'");
  }
  const RepoPtr repo(raw);
  info.is_git = true;
  info.git_dir = strip_trailing_slash(git_repository_path(repo.get()));
  info.bare = git_repository_is_bare(repo.get()) == 1;
  info.shallow = git_repository_is_shallow(repo.get()) == 1;
  if (const char* workdir = git_repository_workdir(repo.get()); workdir != nullptr) {
    info.root = strip_trailing_slash(workdir);
  } else {
    info.root = info.git_dir;
  }
  return info;
}

}  // namespace dsnguard::sources
