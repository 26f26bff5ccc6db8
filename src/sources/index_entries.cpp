// Index format: git/git Documentation/gitformat-index.txt. Each check below that declines mirrors a place where
// libgit2 1.5 (src/libgit2/index.c parse_index, read_entry, read_extension; tree-cache.c; path.c) fails, or where
// its result would differ from the bytes as they are (path length in the flags disagreeing with the NUL).
#include "sources/index_entries.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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

// A path libgit2 stores exactly as these bytes: not empty, no NUL (libgit2 takes the path up to the first NUL),
// every component valid.
bool valid_path(std::string_view path)
{
  if (path.empty() || std::memchr(path.data(), '\0', path.size()) != nullptr) {
    return false;
  }
  for (std::size_t start = 0;;) {
    const std::size_t slash = path.find('/', start);
    const std::string_view c = path.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (!c.empty() && (c[0] == '.' || c[0] == 'g' || c[0] == 'G') && !valid_component(c)) {
      return false;
    }
    if (slash == std::string_view::npos) {
      return true;
    }
    start = slash + 1;
  }
}

// True when `path` is not empty and holds no NUL and no component starting with '.', 'g' or 'G': then valid_path()
// holds without looking further. False says nothing. Sixteen bytes at a time: this runs on every entry of the
// working-tree listing and the staged scan (~58 instructions per 19-byte path, where valid_path() makes a memchr()
// call per component). Reads up to 15 bytes past the path: in an index file, its NUL padding and what follows (at
// least the checksum).
bool plainly_valid(std::string_view path)
{
#if defined(__SSE2__)
  const char* s = path.data();
  const std::size_t n = path.size();
  if (n == 0) {
    return false;
  }
  // The '/' bytes of the 16 bytes at s + i, and those bytes that are a NUL or start a component (after a '/', or
  // the first when `first` is 1) with '.', 'g' or 'G'.
  const auto block = [s](std::size_t i, unsigned first, unsigned& slash) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    const auto mask = [](__m128i m) { return static_cast<unsigned>(_mm_movemask_epi8(m)); };
    slash = mask(_mm_cmpeq_epi8(x, _mm_set1_epi8('/')));
    const unsigned nul = mask(_mm_cmpeq_epi8(x, _mm_setzero_si128()));
    const unsigned suspect = mask(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')),
                                               _mm_cmpeq_epi8(_mm_or_si128(x, _mm_set1_epi8(0x20)), _mm_set1_epi8('g'))));
    return nul | (suspect & ((slash << 1) | first));
  };
  unsigned first = 1;
  unsigned slash = 0;
  std::size_t i = 0;
  for (; n - i > 16; i += 16) {
    if (block(i, first, slash) != 0) {
      return false;
    }
    first = slash >> 15;  // a '/' ending this block: the next one starts a component
  }
  return (block(i, first, slash) & (0xffffu >> (16 - (n - i)))) == 0;  // not the bytes past the path
#else
  (void)path;
  return false;
#endif
}

// An ASCII decimal of 1 to 9 digits (optionally negative) at p[q..n); advances q. (libgit2 reads more forms,
// such as leading spaces or '+'; git writes none of them: the file is declined, not misread.)
inline bool parse_decimal(const unsigned char* p, std::size_t& q, std::size_t n, bool allow_negative,
                          std::int32_t& out)
{
  const bool negative = allow_negative && q < n && p[q] == '-';
  q += negative ? 1 : 0;
  const std::size_t start = q;
  const std::size_t stop = std::min(n, start + 9);
  std::int32_t value = 0;
  while (q < stop && static_cast<unsigned>(p[q] - '0') < 10u) {
    value = value * 10 + (p[q] - '0');
    ++q;
  }
  if (q == start || (q < n && static_cast<unsigned>(p[q] - '0') < 10u)) {
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
    IndexEntries::TreeNode& node = nodes.emplace_back();
    std::int32_t subtrees = 0;
    if (!parse_tree_node(p, q, end, node, subtrees)) {
      return false;
    }
    if (!open.empty()) {
      --open.back().second;  // `node` is a subtree of the innermost open node
    }
    if (subtrees > 0) {
      open.emplace_back(static_cast<std::uint32_t>(nodes.size() - 1), subtrees);
    } else {
      node.end = static_cast<std::uint32_t>(nodes.size());  // most nodes: no subtree to wait for
    }
    while (!open.empty() && open.back().second == 0) {
      nodes[open.back().first].end = static_cast<std::uint32_t>(nodes.size());
      open.pop_back();
    }
  } while (!open.empty());
  return q == end;
}

}  // namespace

void IndexEntries::Unmap::operator()(const unsigned char* p) const
{
  ::munmap(const_cast<unsigned char*>(p), size);
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
    // git (and libgit2) replace the index by renaming a new file over it: the mapped file does not change.
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map != MAP_FAILED) {
      bytes = Bytes(static_cast<const unsigned char*>(map), Unmap{size});
    }
  }
  ::close(fd);
  if (bytes == nullptr) {
    return std::nullopt;
  }
  return parse(std::move(bytes), size);
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
  out.m_offsets.resize(count);
  std::uint16_t stages = 0;  // the flags of all entries or'ed: any stage bit set means a conflict
  std::size_t pos = k_header;
  for (std::uint32_t& offset : out.m_offsets) {
    if (end - pos < k_short_entry) {
      return std::nullopt;
    }
    const unsigned char* e = p + pos;
    const std::uint16_t flags = be16(e + 60);
    stages = static_cast<std::uint16_t>(stages | flags);
    std::size_t name_at = k_short_entry;
    if ((flags & k_extended) != 0) {  // libgit2 reads the word whatever the version says (as entry() does)
      if (end - pos < k_long_entry) {
        return std::nullopt;
      }
      name_at = k_long_entry;
    }
    const auto* name = reinterpret_cast<const char*>(e + name_at);
    const std::size_t room = end - pos - name_at;  // bytes from the name to the extensions
    std::size_t len = flags & 0xfffu;
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
    if (!plainly_valid(std::string_view(name, len)) && !valid_path(std::string_view(name, len))) {
      return std::nullopt;
    }
    offset = static_cast<std::uint32_t>(pos);
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

std::size_t IndexEntries::lower_bound(std::string_view path_) const
{
  std::size_t lo = 0;
  std::size_t hi = size();
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (path(mid) < path_) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

}  // namespace dsnguard::sources
