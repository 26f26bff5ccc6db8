#pragma once
// Internal to sources/: the one reader of a repository's index file, for the working-tree listing (every entry's
// path, mode, stage and skip-worktree flag) and the staged scan (entry ids, binary search by path, the cache tree).
// libgit2's git_repository_index() hashes the whole file (SHA-1 with collision detection), copies every entry and
// builds a path map: ~6M instructions (1.3 ms) for 1k entries on the serial start of every working-tree scan, ~40 ms
// for 50k entries in a pre-commit hook. This reader maps the file and hands out views into its bytes.
//
// It accepts only files that libgit2 1.5 reads to the same entries in the same order, and declines (nullopt: the
// caller uses libgit2, which then gives its result or its error) everything else: a missing or unreadable file,
// version 4 (prefix-compressed paths), any bound or format error, a mandatory (lower-case) extension such as the
// split index "link" or the sparse index "sdir", a malformed cache tree ("TREE"), the resolve-undo ("REUC") and
// conflict-name ("NAME") extensions, a path libgit2 rejects ("." / ".." components, ".git" and its NTFS
// aliases). One difference is deliberate: the trailing checksum is not verified (git does not either, outside
// fsck), so an index whose bytes changed without a structural error is read where libgit2 refuses it.
// Format: git/git Documentation/gitformat-index.txt.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sources/git_util.hpp"
#include "sources/pack_format.hpp"

namespace dsnguard::sources {

class IndexEntries {
public:
  struct Entry {
    std::string_view path;             // into the file's bytes, kept by the IndexEntries (also across moves)
    std::uint32_t mode = 0;            // e.g. 0100644, 0120000 (symlink), 0160000 (gitlink)
    std::uint16_t flags = 0;           // stage in bits 12-13; 0x4000: extended flags follow
    std::uint16_t flags_extended = 0;  // 0 without the 0x4000 flag

    unsigned stage() const { return (flags >> 12) & 3u; }
    bool skip_worktree() const { return (flags_extended & 0x4000u) != 0; }
    bool intent_to_add() const { return (flags_extended & 0x2000u) != 0; }
    // The blob (or gitlink commit) id, read from the entry's bytes before `path`.
    git_oid id() const;
  };

  // One directory of the cache tree ("TREE" extension), in the extension's pre-order; node 0 is the root.
  struct TreeNode {
    std::uint32_t name = 0;         // offset of the directory's own name in the file (the root's is "")
    std::uint32_t name_size = 0;
    std::int32_t entry_count = -1;  // index entries under the directory; negative: invalidated (no id)
    std::uint32_t end = 0;          // the node after this subtree: the children are the nodes in (this, end)
    std::uint32_t id = 0;           // offset of the directory's raw tree id in the file, when entry_count >= 0
  };

  // Maps the index file at `index_path` read-only and parses it. nullopt: use libgit2 (see above). Mapped, not
  // copied: the staged scan's 50k-entry index (4.9 MB) took 16 ms with read() (page faults on the fresh heap copy)
  // and 9 ms mapped; the working-tree scan of a 1k-entry repository takes the same time either way.
  static std::optional<IndexEntries> read(const std::string& index_path);

  // The entries in file order (git writes them sorted by path, then stage; libgit2 keeps the file's order too),
  // decoded from the file's bytes on access: the reader keeps 4 bytes per entry (a vector of Entry would cost a
  // 50k-entry index 1.2 MB of fresh memory, ~250 page faults, a tenth of a pre-commit hook's time).
  class Entries;
  Entries entries() const;
  std::size_t size() const { return m_offsets.size(); }
  Entry entry(std::size_t i) const;
  // entry(i).path, decoding nothing else (binary searches call it).
  std::string_view path(std::size_t i) const;
  // True when some entry is unmerged (stage 1-3).
  bool has_conflicts() const { return m_has_conflicts; }
  // Position of the first entry whose path is not less than `path` (entries().size() when none). Assumes the
  // entries are sorted by path, as git writes them; on an unsorted (damaged) file the answer is some position.
  std::size_t lower_bound(std::string_view path) const;

  // The cache tree, pre-order; empty when the index has none. (Its last "TREE" extension, as in libgit2.)
  const std::vector<TreeNode>& cache_tree() const { return m_tree; }
  // The node's own name: one path component, "" for the root as git writes it.
  std::string_view name(const TreeNode& node) const;
  // The node's tree id; only meaningful when node.entry_count >= 0.
  git_oid id(const TreeNode& node) const;

private:
  struct Unmap {
    std::size_t size;
    void operator()(const unsigned char* p) const;
  };
  using Bytes = std::unique_ptr<const unsigned char, Unmap>;  // the mapped file

  // Parses the `size` bytes of an index file in `bytes`, which the result keeps. nullopt: use libgit2.
  static std::optional<IndexEntries> parse(Bytes bytes, std::size_t size);
  // Walks the extensions at p[pos..end), keeping the cache tree; false where libgit2 refuses or could differ.
  bool parse_extensions(const unsigned char* p, std::size_t pos, std::size_t end);

  Bytes m_data;
  std::vector<std::uint32_t> m_offsets;  // entry i starts at m_data.get() + m_offsets[i]
  std::vector<TreeNode> m_tree;
  bool m_has_conflicts = false;
};

// A random-access view of an IndexEntries' entries, yielding Entry values; valid while the IndexEntries lives.
class IndexEntries::Entries {
public:
  class Iterator {
  public:
    using value_type = Entry;
    using difference_type = std::ptrdiff_t;
    Iterator(const IndexEntries* index, std::size_t i) : m_index(index), m_i(i) {}
    Entry operator*() const { return m_index->entry(m_i); }
    Iterator& operator++()
    {
      ++m_i;
      return *this;
    }
    bool operator==(const Iterator& other) const { return m_i == other.m_i; }

  private:
    const IndexEntries* m_index;
    std::size_t m_i;
  };

  explicit Entries(const IndexEntries* index) : m_index(index) {}
  std::size_t size() const { return m_index->size(); }
  Entry operator[](std::size_t i) const { return m_index->entry(i); }
  Iterator begin() const { return Iterator(m_index, 0); }
  Iterator end() const { return Iterator(m_index, size()); }

private:
  const IndexEntries* m_index;
};

// --- Inline implementations ---

inline IndexEntries::Entries IndexEntries::entries() const
{
  return Entries(this);
}

inline std::string_view IndexEntries::path(std::size_t i) const
{
  const unsigned char* e = m_data.get() + m_offsets[i];
  const std::uint16_t flags = be16(e + 60);
  const auto* name = reinterpret_cast<const char*>(e + ((flags & 0x4000u) != 0 ? 64 : 62));
  const std::size_t len = flags & 0xfffu;
  return std::string_view(name, len == 0xfff ? std::strlen(name) : len);
}

inline IndexEntries::Entry IndexEntries::entry(std::size_t i) const
{
  // parse() checked every bound and that a NUL ends every path.
  const unsigned char* e = m_data.get() + m_offsets[i];
  Entry out;
  out.mode = be32(e + 24);
  out.flags = be16(e + 60);
  std::size_t name_at = 62;
  if ((out.flags & 0x4000u) != 0) {
    out.flags_extended = be16(e + 62);
    name_at = 64;
  }
  const auto* name = reinterpret_cast<const char*>(e + name_at);
  const std::size_t len = out.flags & 0xfffu;
  out.path = std::string_view(name, len == 0xfff ? std::strlen(name) : len);
  return out;
}

inline git_oid IndexEntries::Entry::id() const
{
  // The entry: 40 bytes of stat data and mode, the 20-byte id, 2 bytes of flags, 2 more when extended, the path.
  const auto* entry = reinterpret_cast<const unsigned char*>(path.data()) - ((flags & 0x4000u) != 0 ? 64 : 62);
  git_oid out;
  std::memcpy(out.id, entry + 40, GIT_OID_RAWSZ);
  return out;
}

inline std::string_view IndexEntries::name(const TreeNode& node) const
{
  return std::string_view(reinterpret_cast<const char*>(m_data.get()) + node.name, node.name_size);
}

inline git_oid IndexEntries::id(const TreeNode& node) const
{
  git_oid out;
  std::memcpy(out.id, m_data.get() + node.id, GIT_OID_RAWSZ);
  return out;
}

}  // namespace dsnguard::sources
