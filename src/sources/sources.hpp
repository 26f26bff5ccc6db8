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

// --- Git history (issue 3) ---

struct HistoryOptions {
  std::string path = ".";    // any path inside the repository
  bool all_objects = false;  // also blobs no ref reaches (every blob in the object database)
  std::string since;         // --since REV: only commits reachable from the refs but not from REV
  std::string range;         // --range A..B: only commits reachable from B but not from A ("" A = all of B)
  std::uint64_t max_file_size = 10ull * 1024 * 1024;
  unsigned threads = 0;      // 0 = hardware concurrency
  bool progress = false;     // progress line on stderr (callers pass true only when stderr is a TTY)
};

// A Source over git objects that can say, after for_each(), where what it scanned came from. Fragments carry
// Origin{path = first path the blob was seen at, commit = the commit that introduced it there, blob}.
class HistorySource : public core::Source {
public:
  // Commits walked and unique blobs listed (valid after for_each).
  virtual std::uint64_t commits() const = 0;
  virtual std::uint64_t blobs() const = 0;
  // A shallow boundary was reached: older history is not in this clone.
  virtual bool shallow() const = 0;
  // Only part of history was scanned (shallow, --since, --range, pre-push).
  virtual bool partial() const = 0;
  // Every place the blob scanned as (path, commit) (a Fragment's origin) was introduced: each path it appears at
  // with the first commit (history order: parents before children) that had it there, that commit's author and
  // time, the refs that reach that commit, and whether the path holds that blob at HEAD. Oldest first. Empty
  // when unknown (e.g. unreachable blobs). Valid after for_each, single-threaded.
  // Detail::dated fills everything but refs and at_head: enough to find the oldest occurrence of a finding that
  // will not be reported, without the ref names that make up most of a full answer.
  enum class Detail { full, dated };
  virtual std::vector<core::Occurrence> occurrences(const std::string& path, const std::string& commit,
                                                    Detail detail = Detail::full) = 0;
  // True when HEAD's tree has an entry at `path`.
  virtual bool path_at_head(const std::string& path) = 0;
};

// Every blob reachable from all refs (branches, tags, remote-tracking refs, notes, HEAD, refs/stash and every
// older stash entry in its reflog), each unique blob read and scanned once, in pack order, by `threads`
// workers. With since/range: only the blobs the selected commits introduce relative to their parents (for a
// merge, relative to every parent). Shallow clones: the commits in $GIT_DIR/shallow are roots, a note says how to
// fetch everything, shallow() turns true. Missing objects -> Skipped missing_object (by id), the rest is scanned.
// Errors: git when the repository cannot be opened, not_found for an unknown revision, usage for a bad --range.
core::Expected<std::unique_ptr<HistorySource>> make_history_source(const HistoryOptions& options);

struct StagedOptions {
  std::string path = ".";
  std::string index_file;  // GIT_INDEX_FILE as given ("" = the repository's index); relative to `cwd`
  std::string cwd;         // directory a relative index_file is resolved against ("" = process cwd)
  std::uint64_t max_file_size = 10ull * 1024 * 1024;
};

// What the next commit adds: HEAD's tree (empty when HEAD is unborn) against the index (`index_file` when set,
// as git sets GIT_INDEX_FILE for `commit -a` and `commit <path>`). Added, modified, renamed/copied and type-changed
// entries are read from the index blobs, never the work tree; Fragment::added_lines holds the added lines.
// Unmerged entries are skipped with a note; submodules -> Skipped submodule; intent-to-add entries are
// skipped (nothing is staged). Errors: git when the repository or index cannot be read.
core::Expected<std::unique_ptr<core::Source>> make_staged_source(const StagedOptions& options);

struct PrePushOptions {
  std::string path = ".";
  std::string remote;           // remote name (the hook's $1)
  std::istream* input = nullptr;  // git's pre-push stdin: "<local ref> <local oid> <remote ref> <remote oid>"
  std::string from_ref;         // PRE_COMMIT_FROM_REF (pre-commit framework), "" when unset
  std::string to_ref;           // PRE_COMMIT_TO_REF
  std::string local_branch;     // PRE_COMMIT_LOCAL_BRANCH
  std::uint64_t max_file_size = 10ull * 1024 * 1024;
  unsigned threads = 0;
};

// The commits a push sends. With from_ref/to_ref (pre-commit framework): from..to. Otherwise per stdin line:
// deletions (local oid all zeros) are skipped; a new remote ref (remote oid all zeros), or a remote oid this
// clone does not have (force push over unknown history), scans the local oid minus everything reachable from
// refs/remotes/<remote>/*; otherwise remote..local. No line at all: local_branch (else HEAD) minus the remote's
// refs. Per commit only the blobs it introduces are read, and only findings on the lines it adds are kept.
// Errors: usage for a malformed line, git for unreadable objects.
core::Expected<std::unique_ptr<HistorySource>> make_prepush_source(const PrePushOptions& options);

// A RepoView over the repository containing `path` (lint/ uses it).
core::Expected<std::unique_ptr<core::RepoView>> open_repo_view(const std::string& path, bool no_git);

}  // namespace dsnguard::sources
