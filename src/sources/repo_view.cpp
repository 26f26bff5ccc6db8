// RepoView over a real repository (libgit2) or a plain directory (--no-git / not a repository).
#include "sources/git_util.hpp"
#include "sources/ignore_rules.hpp"
#include "sources/sources.hpp"

#include <git2.h>
#include <git2/sys/repository.h>

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <system_error>

#include "util/file.hpp"

namespace dsnguard::sources {

namespace fs = std::filesystem;
using core::ErrorCode;
using core::fail;

namespace {

// Walks `root` depth-first, yielding regular files (repo-relative, '/'-separated). `enter(dir)` decides whether a
// directory is descended into. Never follows symlinks; ".git" is never entered.
template <typename Enter>
std::vector<std::string> walk(const std::string& root, const Enter& enter)
{
  std::vector<std::string> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  const fs::recursive_directory_iterator end;
  const fs::path base(root);
  while (!ec && it != end) {
    const auto& entry = *it;
    const std::string rel = entry.path().lexically_relative(base).generic_string();
    std::error_code sec;
    const auto st = entry.symlink_status(sec);
    if (entry.path().filename() == ".git") {
      // The repository itself (a directory, or a "gitdir:" file in linked worktrees and submodules).
      if (!sec && fs::is_directory(st)) {
        it.disable_recursion_pending();
      }
    } else if (!sec && fs::is_directory(st)) {
      const bool nested_repo = fs::exists(entry.path() / ".git", sec);
      if (nested_repo || !enter(rel)) {
        it.disable_recursion_pending();
      }
    } else if (!sec && fs::is_regular_file(st)) {
      out.push_back(rel);
    }
    it.increment(ec);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_text(const std::string& path)
{
  auto r = util::read_file(path);
  return r.ok ? std::move(r.data) : std::string();
}

class DirView : public core::RepoView {
public:
  explicit DirView(std::string root) : m_root(std::move(root)) {}
  bool is_git() const override { return false; }
  std::string root() const override { return m_root; }
  core::Expected<std::vector<std::string>> worktree_files() const override
  {
    return walk(m_root, [](const std::string&) { return true; });
  }
  core::Expected<core::TrackState> track_state(const std::string&) const override
  {
    return core::TrackState::untracked_not_ignored;
  }
  core::Expected<core::IgnoreVerdict> ignore_verdict(const std::string&) const override
  {
    return core::IgnoreVerdict{};
  }
  core::Expected<bool> ignored_by_repo_rules(const std::string&) const override { return false; }

private:
  std::string m_root;
};

class GitView : public core::RepoView {
public:
  GitView(RepoPtr repo, RepoPtr rules_repo, IndexPtr index, std::string root, std::string tmpdir,
          std::vector<IgnoreFile> outer)
      : m_repo(std::move(repo)), m_rules_repo(std::move(rules_repo)), m_index(std::move(index)),
        m_root(std::move(root)), m_tmpdir(std::move(tmpdir)), m_outer(std::move(outer))
  {
  }
  ~GitView() override
  {
    m_rules_repo.reset();
    std::error_code ec;
    fs::remove_all(m_tmpdir, ec);
  }
  GitView(const GitView&) = delete;
  GitView& operator=(const GitView&) = delete;

  bool is_git() const override { return true; }
  std::string root() const override { return m_root; }

  core::Expected<std::vector<std::string>> worktree_files() const override
  {
    // Ignored directories are not entered (everything below them is ignored) unless they hold tracked files.
    return walk(m_root, [&](const std::string& rel) {
      int ignored = 0;
      if (git_ignore_path_is_ignored(&ignored, m_repo.get(), (rel + "/").c_str()) != 0 || ignored == 0) {
        return true;
      }
      std::size_t pos = 0;
      return git_index_find_prefix(&pos, m_index.get(), (rel + "/").c_str()) == 0;
    });
  }

  core::Expected<core::TrackState> track_state(const std::string& path) const override
  {
    std::size_t pos = 0;
    if (git_index_find(&pos, m_index.get(), path.c_str()) == 0) {
      return core::TrackState::tracked;
    }
    int ignored = 0;
    if (git_ignore_path_is_ignored(&ignored, m_repo.get(), path.c_str()) != 0) {
      return fail(ErrorCode::git, "cannot evaluate ignore rules for '" + path + "': " + git_error_text());
    }
    return ignored != 0 ? core::TrackState::ignored : core::TrackState::untracked_not_ignored;
  }

  core::Expected<core::IgnoreVerdict> ignore_verdict(const std::string& path) const override
  {
    core::IgnoreVerdict v;
    int ignored = 0;
    if (git_ignore_path_is_ignored(&ignored, m_repo.get(), path.c_str()) != 0) {
      return fail(ErrorCode::git, "cannot evaluate ignore rules for '" + path + "': " + git_error_text());
    }
    v.ignored = ignored != 0;
    const Decision d = attribute(path, false);
    // libgit2 1.5 does not let a negation in a nested .gitignore override a parent's pattern, where git does
    // (libgit2/libgit2#7284). A security lint must not call such a file protected: git would commit it.
    if (v.ignored && d.pattern != nullptr && d.pattern->negated && d.scope == core::IgnoreScope::repo_gitignore) {
      v.ignored = false;
    }
    if (d.pattern != nullptr) {
      fill(d, v);
    }
    return v;
  }

  core::Expected<bool> ignored_by_repo_rules(const std::string& path) const override
  {
    int ignored = 0;
    if (git_ignore_path_is_ignored(&ignored, m_rules_repo.get(), path.c_str()) != 0) {
      return fail(ErrorCode::git, "cannot evaluate ignore rules for '" + path + "': " + git_error_text());
    }
    const Decision d = attribute(path, true);
    if (ignored != 0 && d.pattern != nullptr && d.pattern->negated) {
      return false;  // libgit2/libgit2#7284, as in ignore_verdict
    }
    return ignored != 0;
  }

private:
  struct Decision {
    const IgnoreFile* file = nullptr;
    const IgnorePattern* pattern = nullptr;
    core::IgnoreScope scope = core::IgnoreScope::none;
  };

  // Finds the pattern that decides `path` (best effort). Ancestor directories are checked first: a file below an
  // ignored directory cannot be re-included. `repo_only` skips info/exclude and the excludes file.
  Decision attribute(const std::string& path, bool repo_only) const
  {
    for (std::size_t i = path.find('/'); i != std::string::npos; i = path.find('/', i + 1)) {
      const auto d = decide(path.substr(0, i), true, repo_only);
      if (d.pattern != nullptr && !d.pattern->negated) {
        return d;
      }
    }
    return decide(path, false, repo_only);
  }

  // Highest precedence first: the deepest .gitignore, ..., the root .gitignore, info/exclude, excludes file.
  Decision decide(const std::string& path, bool is_dir, bool repo_only) const
  {
    std::vector<std::string> dirs{""};
    for (std::size_t i = path.find('/'); i != std::string::npos; i = path.find('/', i + 1)) {
      dirs.push_back(path.substr(0, i));
    }
    for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
      const IgnoreFile& f = gitignore_of(*it);
      if (const auto* p = last_match(f, path, is_dir)) {
        return {&f, p, core::IgnoreScope::repo_gitignore};
      }
    }
    for (std::size_t i = 0; !repo_only && i < m_outer.size(); ++i) {
      if (const auto* p = last_match(m_outer[i], path, is_dir)) {
        return {&m_outer[i], p, i == 0 ? core::IgnoreScope::info_exclude : core::IgnoreScope::global_excludes};
      }
    }
    return {};
  }

  static void fill(const Decision& d, core::IgnoreVerdict& v)
  {
    // Only explain a decision that matches libgit2's answer; otherwise our parse is wrong somewhere.
    if (d.pattern->negated == v.ignored) {
      return;
    }
    v.scope = d.scope;
    v.source_file = d.file->path;
    v.line = d.pattern->line;
    v.pattern = d.pattern->text;
    v.negated = d.pattern->negated;
  }

  const IgnoreFile& gitignore_of(const std::string& dir) const
  {
    auto it = std::find_if(m_cache.begin(), m_cache.end(), [&](const IgnoreFile& f) { return f.base == dir; });
    if (it != m_cache.end()) {
      return *it;
    }
    IgnoreFile f;
    f.base = dir;
    f.path = dir.empty() ? ".gitignore" : dir + "/.gitignore";
    f.patterns = parse_ignore_text(read_text(m_root + "/" + f.path));
    m_cache.push_back(std::move(f));
    return m_cache.back();
  }

  RepoPtr m_repo;
  RepoPtr m_rules_repo;
  IndexPtr m_index;
  std::string m_root;
  std::string m_tmpdir;
  std::vector<IgnoreFile> m_outer;  // [0] info/exclude, [1] core.excludesFile (or the XDG default)
  mutable std::deque<IgnoreFile> m_cache;  // deque: references stay valid as it grows
};

// core.excludesFile of `repo` (any config level), else git's default $XDG_CONFIG_HOME/git/ignore.
std::string excludes_file_of(git_repository* repo)
{
  git_config* cfg = nullptr;
  std::string path;
  if (git_repository_config_snapshot(&cfg, repo) == 0) {
    ConfigPtr owned(cfg);
    git_buf buf = GIT_BUF_INIT;
    if (git_config_get_path(&buf, cfg, "core.excludesfile") == 0) {
      path = buf.ptr;
    }
    git_buf_dispose(&buf);
  }
  if (path.empty()) {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    const char* home = std::getenv("HOME");
    if (xdg != nullptr && *xdg != '\0') {
      path = std::string(xdg) + "/git/ignore";
    } else if (home != nullptr && *home != '\0') {
      path = std::string(home) + "/.config/git/ignore";
    }
  }
  return path;
}

// A second handle on the same work tree that sees only the committed ignore files: no gitdir (so no
// info/exclude) and a private config whose core.excludesFile points at nothing (so neither the configured
// excludes file nor the XDG default applies). Nothing is written to the work tree or the repository.
core::Expected<RepoPtr> open_rules_only(const std::string& root, const std::string& tmpdir, bool ignore_case)
{
  git_repository* raw = nullptr;
  if (git_repository_new(&raw) != 0) {
    return fail(ErrorCode::git, "cannot create a scratch repository: " + git_error_text());
  }
  RepoPtr repo(raw);
  if (git_repository_set_workdir(repo.get(), root.c_str(), 0) != 0) {
    return fail(ErrorCode::git, "cannot set the scratch work tree: " + git_error_text());
  }
  git_config* cfg_raw = nullptr;
  if (git_config_new(&cfg_raw) != 0) {
    return fail(ErrorCode::git, "cannot create a scratch config: " + git_error_text());
  }
  ConfigPtr cfg(cfg_raw);
  const std::string cfg_path = tmpdir + "/config";
  if (git_config_add_file_ondisk(cfg.get(), cfg_path.c_str(), GIT_CONFIG_LEVEL_APP, nullptr, 1) != 0
      || git_config_set_string(cfg.get(), "core.excludesFile", (tmpdir + "/no-excludes").c_str()) != 0
      || git_config_set_bool(cfg.get(), "core.ignorecase", ignore_case ? 1 : 0) != 0) {
    return fail(ErrorCode::git, "cannot write the scratch config: " + git_error_text());
  }
  if (git_repository_set_config(repo.get(), cfg.get()) != 0) {
    return fail(ErrorCode::git, "cannot attach the scratch config: " + git_error_text());
  }
  return repo;
}

}  // namespace

core::Expected<std::unique_ptr<core::RepoView>> open_repo_view(const std::string& path, bool no_git)
{
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return fail(ErrorCode::not_found, "path does not exist: " + path);
  }
  const std::string abs = fs::canonical(path, ec).string();
  if (ec) {
    return fail(ErrorCode::io, "cannot resolve '" + path + "': " + ec.message());
  }
  if (no_git) {
    return std::unique_ptr<core::RepoView>(std::make_unique<DirView>(abs));
  }
  ensure_libgit2();
  git_repository* raw = nullptr;
  if (open_repository_raw(&raw, abs) != 0) {
    return std::unique_ptr<core::RepoView>(std::make_unique<DirView>(abs));
  }
  RepoPtr repo(raw);
  if (git_repository_is_bare(repo.get()) != 0 || git_repository_workdir(repo.get()) == nullptr) {
    return fail(ErrorCode::usage, "'" + path + "' is a bare repository: lint needs a work tree");
  }
  std::string root = git_repository_workdir(repo.get());
  while (root.size() > 1 && root.back() == '/') {
    root.pop_back();
  }
  git_index* index_raw = nullptr;
  if (git_repository_index(&index_raw, repo.get()) != 0) {
    return fail(ErrorCode::git, "cannot read the index of '" + root + "': " + git_error_text());
  }
  IndexPtr index(index_raw);

  std::string tmpl = (fs::temp_directory_path(ec) / "dsnguard-lint-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    return fail(ErrorCode::io, "cannot create a temporary directory");
  }
  int ignore_case = 0;
  {
    git_config* cfg = nullptr;
    if (git_repository_config_snapshot(&cfg, repo.get()) == 0) {
      ConfigPtr owned(cfg);
      git_config_get_bool(&ignore_case, cfg, "core.ignorecase");
    }
  }
  auto rules = open_rules_only(root, tmpl, ignore_case != 0);
  if (!rules) {
    fs::remove_all(tmpl, ec);
    return tl::unexpected(rules.error());
  }

  std::vector<IgnoreFile> outer(2);
  // info/exclude lives in the common dir (shared by linked worktrees).
  const std::string git_dir = git_repository_commondir(repo.get());
  outer[0].path = ".git/info/exclude";
  outer[0].patterns = parse_ignore_text(read_text(git_dir + "info/exclude"));
  const std::string excludes = excludes_file_of(repo.get());
  outer[1].path = excludes.empty() ? "core.excludesFile" : excludes;
  if (!excludes.empty()) {
    outer[1].patterns = parse_ignore_text(read_text(excludes));
  }
  return std::unique_ptr<core::RepoView>(std::make_unique<GitView>(std::move(repo), std::move(*rules), std::move(index),
                                                                   root, tmpl, std::move(outer)));
}

}  // namespace dsnguard::sources
