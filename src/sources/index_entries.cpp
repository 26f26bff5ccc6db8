// Index format: git/git Documentation/gitformat-index.txt. Each check below that declines mirrors a place where
// libgit2 1.5 (src/libgit2/index.c parse_index, read_entry, read_extension; tree-cache.c; path.c) fails, or where
// its result would differ from the bytes as they are (path length in the flags disagreeing with the NUL).
#include "sources/index_entries.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

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
// every component valid (only those starting with '.', 'g' or 'G' can be invalid).
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
// not negative. Returns the subtree count, or -1 when malformed.
std::int32_t parse_tree_node(const unsigned char* p, std::size_t& q, std::size_t n)
{
  const void* nul = std::memchr(p + q, '\0', n - q);
  if (nul == nullptr) {
    return -1;
  }
  q = static_cast<std::size_t>(static_cast<const unsigned char*>(nul) - p) + 1;
  std::int32_t entries = 0;
  std::int32_t subtrees = 0;
  if (q >= n || !parse_decimal(p, q, n, true, entries) || q >= n || p[q] != ' ' || ++q >= n) {
    return -1;
  }
  if (!parse_decimal(p, q, n, false, subtrees) || q >= n || p[q] != '\n') {
    return -1;
  }
  ++q;
  if (entries >= 0) {
    if (n - q < 20) {
      return -1;
    }
    q += 20;
  }
  return subtrees;
}

// A cache tree libgit2 reads: exactly one root node whose subtrees (pre-order) fill the extension.
bool valid_cache_tree(const unsigned char* p, std::size_t n)
{
  std::size_t q = 0;
  std::vector<std::int32_t> pending;  // subtrees still to read, per open node
  std::int32_t subtrees = parse_tree_node(p, q, n);
  if (subtrees < 0) {
    return false;
  }
  pending.push_back(subtrees);
  while (!pending.empty()) {
    if (pending.back() == 0) {
      pending.pop_back();
      continue;
    }
    --pending.back();
    subtrees = parse_tree_node(p, q, n);
    if (subtrees < 0) {
      return false;
    }
    pending.push_back(subtrees);
  }
  return q == n;
}

}  // namespace

std::optional<IndexEntries> IndexEntries::read(const std::string& index_path)
{
  const int fd = ::open(index_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return std::nullopt;  // libgit2 gives an empty index when there is none, or its error
  }
  struct stat st {};
  std::unique_ptr<unsigned char[]> bytes;
  std::size_t size = 0;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= static_cast<off_t>(k_header + k_checksum)
      && static_cast<std::uint64_t>(st.st_size) <= k_max_file) {
    size = static_cast<std::size_t>(st.st_size);
    bytes = std::make_unique_for_overwrite<unsigned char[]>(size);
    std::size_t got = 0;
    while (got < size) {
      const ssize_t n = ::read(fd, bytes.get() + got, size - got);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        break;
      }
      got += static_cast<std::size_t>(n);
    }
    if (got != size) {
      bytes.reset();
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
  std::size_t pos = k_header;
  for (std::uint32_t i = 0; i < count; ++i) {
    if (end - pos < k_short_entry) {
      return std::nullopt;
    }
    const unsigned char* e = p + pos;
    Entry entry;
    entry.mode = be32(e + 24);
    entry.flags = be16(e + 60);
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
  while (pos < end) {
    if (end - pos < 8) {
      return std::nullopt;
    }
    const unsigned char* sig = p + pos;
    const std::size_t len = be32(p + pos + 4);
    if (len > end - pos - 8) {
      return std::nullopt;
    }
    if (sig[0] < 'A' || sig[0] > 'Z') {
      return std::nullopt;  // mandatory extension ("link": split index, "sdir": sparse index): libgit2 refuses
    }
    if (std::memcmp(sig, "REUC", 4) == 0 || std::memcmp(sig, "NAME", 4) == 0) {
      return std::nullopt;  // libgit2 parses (and may refuse) these; they are rare (conflicts)
    }
    if (std::memcmp(sig, "TREE", 4) == 0 && !valid_cache_tree(p + pos + 8, len)) {
      return std::nullopt;  // libgit2 refuses a damaged cache tree
    }
    pos += 8 + len;  // other optional extensions are skipped, as libgit2 does
  }
  out.m_data = std::move(bytes);
  return out;
}

}  // namespace dsnguard::sources
