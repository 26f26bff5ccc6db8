#pragma once
// sources/: the Source implementations (worktree, staged, history, pre-push) and the RepoView; the only
// user of libgit2. Each factory opens what it needs and reports open failures as Expected errors.

#include <cstdint>
#include <istream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/repo_view.hpp"
#include "core/source.hpp"

namespace dsnguard::sources {

struct WorktreeOptions {
  std::string path = ".";  // any path inside the repository (or a directory for --no-git)
  bool no_git = false;     // scan every regular file under path
  std::uint64_t max_file_size = 10ull * 1024 * 1024;
  unsigned threads = 0;    // 0 = hardware concurrency
};

// Describes where a scan ran (for the report header and for relative paths).
struct RepoInfo {
  bool is_git = false;
  std::string root;     // absolute work tree root (or the scanned directory without git)
  std::string git_dir;  // absolute, "" without git
  bool bare = false;
  bool shallow = false;
};

// Where PATH lives: discovers the repository (unless no_git). Error only when PATH does not exist.
core::Expected<RepoInfo> discover(const std::string& path, bool no_git);

// Working tree: tracked files plus untracked files that are not ignored (libgit2 index + status); without git,
// every regular file under the path. Symlinks are never followed out of the root; submodules are not entered;
// binary (NUL in the first 8 KiB) and oversized files are reported through sink.skipped().
core::Expected<std::unique_ptr<core::Source>> make_worktree_source(const WorktreeOptions& options);

// A RepoView over the repository containing `path` (lint/ uses it).
core::Expected<std::unique_ptr<core::RepoView>> open_repo_view(const std::string& path, bool no_git);

}  // namespace dsnguard::sources
