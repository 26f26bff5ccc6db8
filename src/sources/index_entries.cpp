// Index format: git/git Documentation/gitformat-index.txt. Each check below that declines mirrors a place where
// libgit2 1.5 (src/libgit2/index.c parse_index, read_entry, read_extension; tree-cache.c; path.c) fails, or where
// its result would differ from the bytes as they are (path length in the flags disagreeing with the NUL).
#include "sources/index_entries.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <utility>

#include "sources/pack_format.hpp"
#include "util/strings.hpp"

namespace dsnguard::sources {

namespace {

constexpr std::size_t k_header = 12;          // "DIRC", version, entry count
constexpr std::size_t k_checksum = 20;        // trailing SHA-1
constexpr std::size_t k_short_entry = 62;     // stat data, mode, ids, size, object id, flags
constexpr std::size_t k_long_entry = 64;      // ... and the extended flags
constexpr std::uint16_t k_extended = 0x4000;  // flags: the extended flags word follows
constexpr std::size_t k_max_file = std::size_t{1} << 30;  // larger: leave it to libgit2
// From this size on the file is mapped rather than copied: the copy's page faults (one per 4 KiB of fresh heap)
// cost more than the mapping's (the kernel maps up to 16 cached pages per fault) and its two extra system calls.
constexpr std::size_t k_map_from = std::size_t{256} << 10;

// False for a path component libgit2 rejects when it reads an index (traversal, ".git" and the NTFS forms it
// checks on every platform: ".git" or "GIT~1" followed by nothing, '\\', ':' or only spaces and dots). Declines a
// little more than that (any such name followed by a space or dot) to stay simple.
bool valid_component(std::string_view c)
{
  if (c == "." || c == "..") {
    return false;
  }
  for (const std::string_view reserved : {std::string_view(".git"), std::string_view("git~1")}) {
    if (util::starts_with_icase(c, reserved)) {
      const std::string_view rest = c.substr(reserved.size());
      if (rest.empty() || rest[0] == '\\' || rest[0] == ':' || rest[0] == ' ' || rest[0] == '.') {
        return false;
      }
    }
  }
  return true;
}

// True when `c` may begin a component libgit2 rejects ('.', 'g', 'G').
bool suspect(char c)
{
  return c == '.' || (c | 0x20) == 'g';
}

// False when the component of `path` starting at `start` is one libgit2 rejects (see valid_component).
bool valid_component_at(std::string_view path, std::size_t start)
{
  const std::size_t slash = path.find('/', start);
  return valid_component(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
}

// A path libgit2 stores exactly as these bytes: not empty, no NUL (libgit2 takes the path up to the first NUL),
// every component valid. Reads up to 7 bytes past the path, which in an index file are its NUL padding and what
// follows (the trailing checksum at the least). Looks at eight bytes at a time for NULs and slashes: this runs on
// every entry of the working-tree listing and the staged scan.
bool valid_path(std::string_view path)
{
  constexpr std::uint64_t k_ones = 0x0101010101010101;
  constexpr std::uint64_t k_high = 0x8080808080808080;
  constexpr std::uint64_t k_slashes = k_ones * '/';
  const char* s = path.data();
  const std::size_t n = path.size();
  if (n == 0 || (suspect(s[0]) && !valid_component_at(path, 0))) {
    return false;
  }
  for (std::size_t i = 0; i < n; i += 8) {
    std::uint64_t x = 0;
    std::memcpy(&x, s + i, 8);
    if constexpr (std::endian::native == std::endian::big) {
      x = __builtin_bswap64(x);  // the byte at the lowest address in the lowest bits, as below assumes
    }
    // Flags every NUL and '/' byte (and, harmlessly, some bytes above one: each flagged byte is looked at).
    const std::uint64_t y = x ^ k_slashes;
    std::uint64_t hits = (((x - k_ones) & ~x) | ((y - k_ones) & ~y)) & k_high;
    while (hits != 0) {
      const std::size_t j = i + static_cast<std::size_t>(std::countr_zero(hits) / 8);
      if (j >= n) {
        return true;  // past the path (only in its last eight bytes)
      }
      hits &= hits - 1;
      if (s[j] == '\0') {
        return false;
      }
      // s[j + 1] is the NUL after the path when j is its last byte.
      if (s[j] == '/' && suspect(s[j + 1]) && !valid_component_at(path, j + 1)) {
        return false;
      }
    }
  }
  return true;
}

// An ASCII decimal of 1 to 9 digits (optionally negative) at p[q..n); advances q.
bool parse_decimal(const unsigned char* p, std::size_t& q, std::size_t n, bool allow_negative, std::int32_t& out)
{
  bool negative = false;
  if (allow_negative && q < n && p[q] == '-') {
    negative = true;
    ++q;
  }
  const std::size_t start = q;
  std::int32_t value = 0;
  while (q < n && p[q] >= '0' && p[q] <= '9' && q - start < 9) {
    value = value * 10 + (p[q] - '0');
    ++q;
  }
  if (q == start || (q < n && p[q] >= '0' && p[q] <= '9')) {
    return false;  // no digits, or more than 9
  }
  out = negative ? -value : value;
  return true;
}

// One cache-tree node at p[q..n): name NUL, entry count ' ', subtree count '\n', object id when the entry count is
// not negative (libgit2 tree-cache.c read_tree_internal). Fills `node` (offsets in the file) and `subtrees`;
// false when malformed.
bool parse_tree_node(const unsigned char* p, std::size_t& q, std::size_t n, IndexEntries::TreeNode& node,
                     std::int32_t& subtrees)
{
  const std::size_t name = q;
  while (q < n && p[q] != '\0') {  // names are short: a loop beats a memchr call
    ++q;
  }
  if (q == n) {
    return false;
  }
  node.name = static_cast<std::uint32_t>(name);
  node.name_size = static_cast<std::uint32_t>(q - name);
  ++q;
  if (q >= n || !parse_decimal(p, q, n, true, node.entry_count) || q >= n || p[q] != ' ' || ++q >= n) {
    return false;
  }
  if (!parse_decimal(p, q, n, false, subtrees) || q >= n || p[q] != '\n') {
    return false;
  }
  ++q;
  if (node.entry_count >= 0) {
    if (n - q < GIT_OID_RAWSZ) {
      return false;
    }
    node.id = static_cast<std::uint32_t>(q);
    q += GIT_OID_RAWSZ;
  }
  return true;
}

// The cache tree at p[begin..end) into `nodes`, pre-order. False when libgit2 refuses it: it reads exactly one
// root node whose subtrees (recursively) fill the extension.
bool parse_cache_tree(const unsigned char* p, std::size_t begin, std::size_t end,
                      std::vector<IndexEntries::TreeNode>& nodes)
{
  nodes.reserve((end - begin) / (GIT_OID_RAWSZ + 5) + 1);  // a valid node with an id takes 25 bytes or more
  std::vector<std::pair<std::uint32_t, std::int32_t>> open;  // (node, subtrees still to read)
  std::size_t q = begin;
  do {
    IndexEntries::TreeNode node;
    std::int32_t subtrees = 0;
    if (!parse_tree_node(p, q, end, node, subtrees)) {
      return false;
    }
    if (!open.empty()) {
      --open.back().second;  // `node` is a subtree of the innermost open node
    }
    open.emplace_back(static_cast<std::uint32_t>(nodes.size()), subtrees);
    nodes.push_back(node);
    while (!open.empty() && open.back().second == 0) {
      nodes[open.back().first].end = static_cast<std::uint32_t>(nodes.size());
      open.pop_back();
    }
  } while (!open.empty());
  return q == end;
}

}  // namespace

void IndexBytesRelease::operator()(const unsigned char* p) const
{
  if (mapped != 0) {
    ::munmap(const_cast<unsigned char*>(p), mapped);
  } else {
    delete[] p;
  }
}

std::optional<IndexEntries> IndexEntries::read(const std::string& index_path)
{
  const int fd = ::open(index_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return std::nullopt;  // libgit2 gives an empty index when there is none, or its error
  }
  struct stat st {};
  Bytes bytes;
  std::size_t size = 0;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= static_cast<off_t>(k_header + k_checksum)
      && static_cast<std::uint64_t>(st.st_size) <= k_max_file) {
    size = static_cast<std::size_t>(st.st_size);
    if (size >= k_map_from) {
      // git replaces the index by renaming a new file over it, so the mapping stays consistent while it is read.
      void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (map != MAP_FAILED) {
        bytes = Bytes(static_cast<const unsigned char*>(map), IndexBytesRelease{size});
      }
    } else {
      auto heap = std::make_unique_for_overwrite<unsigned char[]>(size);
      std::size_t got = 0;
      while (got < size) {
        const ssize_t n = ::read(fd, heap.get() + got, size - got);
        if (n < 0 && errno == EINTR) {
          continue;
        }
        if (n <= 0) {
          break;
        }
        got += static_cast<std::size_t>(n);
      }
      if (got == size) {
        bytes = Bytes(heap.release());
      }
    }
  }
  ::close(fd);
  if (bytes == nullptr) {
    return std::nullopt;
  }
  return parse(std::move(bytes), size);
}

std::optional<IndexEntries> IndexEntries::parse(std::unique_ptr<unsigned char[]> bytes, std::size_t size)
{
  return parse(Bytes(bytes.release()), size);
}

std::optional<IndexEntries> IndexEntries::parse(Bytes bytes, std::size_t size)
{
  if (bytes == nullptr || size < k_header + k_checksum) {
    return std::nullopt;
  }
  const unsigned char* p = bytes.get();
  const std::uint32_t version = be32(p + 4);
  if (std::memcmp(p, "DIRC", 4) != 0 || (version != 2 && version != 3)) {
    return std::nullopt;  // version 4 compresses paths: libgit2 reads it
  }
  const std::size_t end = size - k_checksum;  // entries and extensions end here
  const std::uint32_t count = be32(p + 8);
  if (count > (end - k_header) / k_short_entry) {
    return std::nullopt;
  }
  IndexEntries out;
  out.m_entries.reserve(count);
  std::uint16_t stages = 0;  // the flags of all entries or'ed: any stage bit set means a conflict
  std::size_t pos = k_header;
  for (std::uint32_t i = 0; i < count; ++i) {
    if (end - pos < k_short_entry) {
      return std::nullopt;
    }
    const unsigned char* e = p + pos;
    Entry entry;
    entry.mode = be32(e + 24);
    entry.flags = be16(e + 60);
    stages = static_cast<std::uint16_t>(stages | entry.flags);
    std::size_t name_at = k_short_entry;
    if ((entry.flags & k_extended) != 0) {  // libgit2 reads the word whatever the version says
      if (end - pos < k_long_entry) {
        return std::nullopt;
      }
      entry.flags_extended = be16(e + 62);
      name_at = k_long_entry;
    }
    const auto* name = reinterpret_cast<const char*>(e + name_at);
    const std::size_t room = end - pos - name_at;  // bytes from the name to the extensions
    std::size_t len = entry.flags & 0xfffu;
    if (len == 0xfff) {  // 0xfff or longer: the NUL tells
      const void* nul = std::memchr(name, '\0', room);
      if (nul == nullptr) {
        return std::nullopt;
      }
      len = static_cast<std::size_t>(static_cast<const char*>(nul) - name);
    } else if (len >= room || name[len] != '\0') {
      return std::nullopt;  // libgit2 would take the path up to some other NUL
    }
    const std::size_t entry_size = (name_at + len + 8) & ~std::size_t{7};  // 1 to 8 NULs of padding
    if (entry_size > end - pos) {
      return std::nullopt;
    }
    entry.path = std::string_view(name, len);
    if (!valid_path(entry.path)) {
      return std::nullopt;
    }
    out.m_entries.push_back(entry);
    pos += entry_size;
  }
  out.m_has_conflicts = (stages & 0x3000u) != 0;
  if (!out.parse_extensions(p, pos, end)) {
    return std::nullopt;
  }
  out.m_data = std::move(bytes);
  return out;
}

bool IndexEntries::parse_extensions(const unsigned char* p, std::size_t pos, std::size_t end)
{
  while (pos < end) {
    if (end - pos < 8) {
      return false;
    }
    const unsigned char* sig = p + pos;
    const std::size_t len = be32(p + pos + 4);
    if (len > end - pos - 8) {
      return false;
    }
    if (sig[0] < 'A' || sig[0] > 'Z') {
      return false;  // mandatory extension ("link": split index, "sdir": sparse index): libgit2 refuses
    }
    if (std::memcmp(sig, "REUC", 4) == 0 || std::memcmp(sig, "NAME", 4) == 0) {
      return false;  // libgit2 parses (and may refuse) these; they are rare (conflicts)
    }
    if (std::memcmp(sig, "TREE", 4) == 0) {
      m_tree.clear();  // libgit2 keeps the last one
      if (!parse_cache_tree(p, pos + 8, pos + 8 + len, m_tree)) {
        return false;  // libgit2 refuses a damaged cache tree
      }
    }
    pos += 8 + len;  // other optional extensions are skipped, as libgit2 does
  }
  return true;
}

std::size_t IndexEntries::lower_bound(std::string_view path) const
{
  const auto it = std::lower_bound(m_entries.begin(), m_entries.end(), path,
                                   [](const Entry& e, std::string_view p) { return e.path < p; });
  return static_cast<std::size_t>(it - m_entries.begin());
}

}  // namespace dsnguard::sources
