#pragma once
// Internal to sources/: the staged scan's view of the index file (read by index_entries.hpp, the one reader), with
// the cache-tree extension ("TREE") looked up by directory. The cache tree records the tree id of every directory
// whose index entries have not changed since the last write-tree/commit; libgit2 1.5 does not expose it. The staged
// scan uses it like `git diff-index --cached` does, to skip unchanged directories instead of reading the whole HEAD
// tree (issue 3: <= 20 ms on 50k tracked files).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sources/git_util.hpp"
#include "sources/index_entries.hpp"

namespace dsnguard::sources {

struct IndexFileEntry {
  std::string_view path;  // points into the index file's bytes, kept by the IndexFile
  git_oid id{};
  std::uint32_t mode = 0;
  unsigned stage = 0;
  bool intent_to_add = false;
};

// What the cache tree records for one directory.
struct CacheTreeNode {
  std::int64_t entry_count = -1;  // index entries under this directory; negative: invalidated (id unknown)
  git_oid id{};                   // the directory's tree id, when entry_count >= 0
};

class IndexFile {
public:
  // Reads the index file at `index_path` with IndexEntries::read(). The result is !ok() exactly when that declines
  // the file (unreadable, version 4, malformed, an extension it does not follow, a path libgit2 rejects): then
  // use libgit2, which gives its result or its error.
  static IndexFile read(const std::string& index_path);

  bool ok() const { return m_index.has_value(); }

  // Number of entries (all stages), sorted by path then stage as git writes them. 0 when !ok().
  std::size_t size() const { return m_index ? m_index->size() : 0; }
  IndexFileEntry entry(std::size_t i) const;
  std::string_view path(std::size_t i) const { return m_index->path(i); }
  // Position of the first entry whose path is not less than `path` (size() when none).
  std::size_t lower_bound(std::string_view path) const { return m_index ? m_index->lower_bound(path) : 0; }
  bool has_path(std::string_view path) const;
  bool has_prefix(std::string_view prefix) const;
  // True when some entry is unmerged (stage 1-3).
  bool has_conflicts() const { return m_index && m_index->has_conflicts(); }

  // True when the index has a cache-tree extension.
  bool has_cache_tree() const { return m_index && !m_index->cache_tree().empty(); }
  // The cache-tree record of directory `dir` ("" = root, else "a/b" without a trailing slash), if any.
  // Not thread-safe (builds a sorted child list per directory searched, on first use).
  std::optional<CacheTreeNode> tree(std::string_view dir) const;

private:
  std::optional<IndexEntries> m_index;
  mutable std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> m_children;  // node -> children by name
};

}  // namespace dsnguard::sources
