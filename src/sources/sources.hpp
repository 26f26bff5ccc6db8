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

// Where PATH lives: discovers the repository containing PATH (unless no_git). Outside a repository, or with
// no_git, root is PATH itself (its directory when PATH is a file) and is_git is false. Errors: not_found when
// PATH does not exist, git when a repository exists but cannot be opened.
core::Expected<RepoInfo> discover(const std::string& path, bool no_git);

// Working tree: tracked files (the index) plus untracked files that are not ignored (.gitignore files at every
// level, .git/info/exclude, core.excludesFile); without git (or outside a repository), every regular file under
// the path except `.git` directories. When PATH is a subdirectory (or a file) of the repository, only files under
// PATH are scanned, with paths still relative to the repository root.
// Per file, nothing is dropped silently (sink.skipped()):
// - symlinks are never followed: pointing outside the root -> symlink_outside; inside the root -> not_regular
//   (git stores the link text, not the target; the target is scanned at its own path when it is listed);
//   dangling -> not_regular;
// - submodules (gitlinks) and untracked nested repositories are not entered -> submodule;
// - NUL in the first 8 KiB -> binary; larger than max_file_size -> too_large; FIFOs, sockets -> not_regular;
// - open/read failures -> unreadable (makes the scan incomplete; everything else is still scanned).
// Tracked files deleted from the work tree are not errors. Files are read by `threads` workers, so the sink must
// be thread-safe. Errors: those of discover(); usage for a bare repository; git when the index cannot be read.
core::Expected<std::unique_ptr<core::Source>> make_worktree_source(const WorktreeOptions& options);

// A RepoView over the repository containing `path` (lint/ uses it).
core::Expected<std::unique_ptr<core::RepoView>> open_repo_view(const std::string& path, bool no_git);

}  // namespace dsnguard::sources
