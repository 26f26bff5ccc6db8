#pragma once
// Internal to sources/: the pieces of the working-tree source. Listing (which files a worktree scan covers)
// is separate from reading (a small thread pool that pushes file bytes to a FragmentSink).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/source.hpp"
#include "core/types.hpp"

namespace dsnguard::sources {

// Absolute, symlink-free form of `path`. Errors: not_found when it does not exist, io when it cannot be resolved.
core::Expected<std::string> absolute_path(const std::string& path);

// Repo- or root-relative paths to read, plus what was already decided not to read (submodules, unreadable dirs).
struct FileList {
  std::vector<std::string> files;
  std::vector<core::Skipped> skipped;
};

// True when `rel` is `prefix` itself or lies under it ("" = everything).
bool under_prefix(std::string_view rel, std::string_view prefix);

// How list_git_worktree reads the index: `automatic` reads the file directly (index_entries.hpp) and uses libgit2
// when that reader declines; `libgit2` always uses git_repository_index() (tests compare the two).
enum class IndexReader { automatic, libgit2 };

// Tracked files (index, stage 0 or the first conflict stage) plus untracked, non-ignored files (libgit2 status)
// of the repository whose work tree is `root`, limited to `prefix`. Gitlinks and nested repositories become
// Skipped submodule; unreadable untracked directories Skipped unreadable. Error (git) when the index or status
// cannot be read. Both readers give the same result (files in index order, then the untracked walk).
core::Expected<FileList> list_git_worktree(const std::string& root, const std::string& prefix,
                                           IndexReader reader = IndexReader::automatic);

// Every file under root/prefix without git, not descending into `.git` directories nor through symlinks.
// FIFOs, sockets and devices become Skipped not_regular; unreadable directories Skipped unreadable.
FileList list_directory(const std::string& root, const std::string& prefix);

struct ReadOptions {
  std::uint64_t max_file_size = 10ull * 1024 * 1024;
  unsigned threads = 0;       // 0 = hardware concurrency
  bool missing_is_ok = true;  // tracked files deleted from the work tree are not errors
};

// Reads root/<file> for every file with a small pool of threads (taking files from both ends of the list; the
// order in which the sink sees them is not the list's) and pushes each to `sink` as a worktree
// Fragment (sink must be thread-safe). Per file: symlinks are not followed (outside the root: Skipped
// symlink_outside; inside: Skipped not_regular, the target is scanned at its own path when listed), non-regular
// files Skipped not_regular, files above max_file_size Skipped too_large, NUL in the first 8 KiB Skipped
// binary, open/read failures Skipped unreadable. Stops early when the sink returns Visit::stop.
void read_files(const std::string& root, const std::vector<std::string>& files, const ReadOptions& options,
                core::FragmentSink& sink);

}  // namespace dsnguard::sources
