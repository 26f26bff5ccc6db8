#pragma once
// sources/: where git runs hooks for a repository (install-hook/uninstall-hook use it). libgit2 stays inside
// sources/; callers get plain paths.

#include <string>

#include "core/error.hpp"

namespace dsnguard::sources {

struct HooksLocation {
  std::string dir;            // absolute directory git runs hooks from (may not exist yet)
  std::string work_tree;      // absolute work tree root ("" for a bare repository)
  bool from_core_hooks_path = false;  // true when core.hooksPath chose `dir`
  std::string configured;     // the core.hooksPath value as configured ("" when unset)
};

// The hooks directory of the repository containing `path`, as git 2.39 resolves it:
// - core.hooksPath when set (any config level; "~/" expanded); a relative value is relative to the directory
//   hooks run in: the work tree root, or the git directory of a bare repository;
// - otherwise <common git dir>/hooks, so a linked worktree shares the main repository's hooks.
// Error (git) when `path` is not inside a git repository or the config cannot be read.
core::Expected<HooksLocation> hooks_location(const std::string& path);

}  // namespace dsnguard::sources
