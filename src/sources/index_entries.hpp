#pragma once
// Internal to sources/: the entries of a repository's index file, read directly for the working-tree listing.
// libgit2's git_repository_index() hashes the whole file (SHA-1 with collision detection), copies every entry and
// builds a path map: ~6M instructions (1.3 ms) for 1k entries on the serial start of every working-tree scan. This
// reader reads the file with one read() and hands out views into its bytes.
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
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
  };

  // Reads the index file at `index_path` (one open, fstat and read). nullopt: use libgit2 (see above).
  static std::optional<IndexEntries> read(const std::string& index_path);
  // Parses the `size` bytes of an index file in `bytes`, which the result keeps. nullopt: use libgit2.
  static std::optional<IndexEntries> parse(std::unique_ptr<unsigned char[]> bytes, std::size_t size);

  // In file order (git writes them sorted by path, then stage; libgit2 keeps the file's order too).
  const std::vector<Entry>& entries() const { return m_entries; }

private:
  std::unique_ptr<unsigned char[]> m_data;
  std::vector<Entry> m_entries;
};

}  // namespace dsnguard::sources
