#pragma once
// Internal to sources/: the index's cache-tree extension ("TREE"), which records the tree id of every directory
// whose index entries have not changed since the last write-tree/commit. libgit2 1.5 does not expose it; the
// staged scan uses it like `git diff-index --cached` does, to skip unchanged directories instead of reading the
// whole HEAD tree (issue 3: <= 20 ms on 50k tracked files).

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sources/git_util.hpp"

namespace dsnguard::sources {

struct IndexFileEntry {
  std::string_view path;  // points into IndexFile::data
  git_oid id{};
  std::uint32_t mode = 0;
  unsigned stage = 0;
  bool intent_to_add = false;
};

// A version 2/3 index file read directly (libgit2's reader allocates per entry: ~40 ms for 50k entries, most of
// a pre-commit hook's budget).
struct IndexFile {
  bool ok = false;  // false: unreadable, version 4, malformed: use libgit2
  std::string data;
  std::vector<IndexFileEntry> entries;                 // sorted by path, then stage (as written by git)
  std::unordered_map<std::string, git_oid> cache_tree;  // valid directories: "" = root, else "a/b"
};

// Reads the index file at `path`: its entries and the valid cache-tree directories with their tree ids.
IndexFile read_index_file(const std::string& index_path);

}  // namespace dsnguard::sources
