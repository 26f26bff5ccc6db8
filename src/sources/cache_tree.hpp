#pragma once
// Internal to sources/: the index file read directly, with its cache-tree extension ("TREE"), which records the
// tree id of every directory whose index entries have not changed since the last write-tree/commit. libgit2 1.5
// does not expose it; the staged scan uses it like `git diff-index --cached` does, to skip unchanged directories
// instead of reading the whole HEAD tree (issue 3: <= 20 ms on 50k tracked files).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sources/git_util.hpp"

namespace dsnguard::sources {

struct IndexFileEntry {
  std::string_view path;  // points into the mapped index file
  git_oid id{};
  std::uint32_t mode = 0;
  unsigned stage = 0;
  bool intent_to_add = false;
};

// What the cache tree records for one directory.
struct CacheTreeNode {
  std::int64_t entry_count = -1;  // index entries under this directory; -1: invalidated (id unknown)
  git_oid id{};                   // the directory's tree id, when entry_count >= 0
};

// A version 2/3 index file, mapped read-only. Entries are decoded on demand (libgit2's reader allocates per
// entry: ~40 ms for 50k entries, most of a pre-commit hook's budget).
class IndexFile {
public:
  IndexFile() = default;
  ~IndexFile();
  IndexFile(IndexFile&& other) noexcept;
  IndexFile& operator=(IndexFile&& other) noexcept;
  IndexFile(const IndexFile&) = delete;
  IndexFile& operator=(const IndexFile&) = delete;

  // Maps and checks the index file at `path`. The result is !ok() when it is unreadable, version 4, malformed,
  // or uses an extension this reader does not follow (split index "link", sparse index "sdir"): use libgit2.
  static IndexFile read(const std::string& index_path);

  bool ok() const { return m_ok; }
  // Number of entries (all stages), sorted by path then stage as git writes them.
  std::size_t size() const { return m_offsets.size(); }
  IndexFileEntry entry(std::size_t i) const;
  std::string_view path(std::size_t i) const;
  // Position of the first entry whose path is not less than `path` (size() when none).
  std::size_t lower_bound(std::string_view path) const;
  bool has_path(std::string_view path) const;
  bool has_prefix(std::string_view prefix) const;
  // True when some entry is unmerged (stage 1-3).
  bool has_conflicts() const { return m_has_conflicts; }

  // True when the index has a cache-tree extension.
  bool has_cache_tree() const { return !m_tree.empty(); }
  // The cache-tree record of directory `dir` ("" = root, else "a/b" without a trailing slash), if any.
  // Not thread-safe (builds a sorted child list per directory searched, on first use).
  std::optional<CacheTreeNode> tree(std::string_view dir) const;

private:
  void unmap();
  bool parse_entries();
  bool parse_cache_tree(std::size_t begin, std::size_t end);
  std::string_view node_name(std::uint32_t node) const;

  // One directory of the cache tree, in the extension's pre-order; 20 bytes (19k of them for 50k files).
  struct Node {
    std::uint32_t name = 0;      // offset of the name in the file
    std::uint32_t name_len = 0;  // "" for the root
    std::int32_t entry_count = -1;
    std::uint32_t end = 0;       // position of the node after this subtree (children are in (this, end))
    std::uint32_t id = 0;        // offset of the raw tree id in the file, when entry_count >= 0
  };

  const unsigned char* m_data = nullptr;
  std::size_t m_size = 0;  // mapped bytes
  bool m_ok = false;
  bool m_has_conflicts = false;
  std::vector<std::uint32_t> m_offsets;  // entry i starts at m_data + m_offsets[i]
  std::vector<Node> m_tree;              // pre-order; m_tree[0] is the root
  mutable std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> m_children;  // node -> children by name
};

}  // namespace dsnguard::sources
