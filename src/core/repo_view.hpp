#pragma once
// RepoView: the questions lint/ asks about a repository (tracked? ignored? by which rule?) without seeing
// libgit2. sources/ implements it; tests can fake it.

#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace dsnguard::core {

enum class TrackState { tracked, untracked_not_ignored, ignored };

// Where the ignore rule that decides a path lives.
enum class IgnoreScope { none, repo_gitignore, info_exclude, global_excludes };

struct IgnoreVerdict {
  bool ignored = false;
  IgnoreScope scope = IgnoreScope::none;  // which layer decided (best effort)
  std::string source_file;                // e.g. ".gitignore", "sub/.gitignore", ".git/info/exclude"
  std::uint32_t line = 0;                 // line of the deciding pattern, 0 when unknown
  std::string pattern;                    // the deciding pattern text, "" when unknown
  bool negated = false;                   // the deciding pattern starts with '!'
};

class RepoView {
public:
  virtual ~RepoView() = default;
  virtual bool is_git() const = 0;
  // Absolute path of the work tree root.
  virtual std::string root() const = 0;
  // Files present in the work tree (repo-relative), tracked, untracked and ignored alike, not descending
  // into .git or submodules, nor into ignored directories that hold no tracked file (node_modules/, .venv/:
  // everything below them is ignored).
  virtual Expected<std::vector<std::string>> worktree_files() const = 0;
  virtual Expected<TrackState> track_state(const std::string& path) const = 0;
  // Would `path` be ignored with every ignore source (.gitignore files, info/exclude, core.excludesFile)?
  virtual Expected<IgnoreVerdict> ignore_verdict(const std::string& path) const = 0;
  // Same question using only the rules committed in the repository (.gitignore files): what the next
  // clone gets.
  virtual Expected<bool> ignored_by_repo_rules(const std::string& path) const = 0;
};

}  // namespace dsnguard::core
