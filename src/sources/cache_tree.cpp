// Index format: git/git Documentation/gitformat-index.txt (entries, padding, extensions, cache tree).
#include "sources/cache_tree.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "sources/pack_format.hpp"

namespace dsnguard::sources {

namespace {

constexpr std::size_t k_header = 12;
constexpr std::size_t k_checksum = 20;
constexpr std::size_t k_fixed = 62;  // stat data, mode, ids, object id, flags

// Parses an ASCII decimal (optionally negative) at p[q..end); advances q. False when there are no digits.
bool parse_number(const unsigned char* p, std::size_t& q, std::size_t end, std::int64_t& out)
{
  bool negative = false;
  if (q < end && p[q] == '-') {
    negative = true;
    ++q;
  }
  const std::size_t start = q;
  std::int64_t value = 0;
  while (q < end && p[q] >= '0' && p[q] <= '9' && value < (std::int64_t{1} << 40)) {
    value = value * 10 + (p[q] - '0');
    ++q;
  }
  out = negative ? -value : value;
  return q > start;
}

}  // namespace

IndexFile::~IndexFile()
{
  unmap();
}

IndexFile::IndexFile(IndexFile&& other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0)),
      m_ok(std::exchange(other.m_ok, false)), m_has_conflicts(std::exchange(other.m_has_conflicts, false)),
      m_offsets(std::move(other.m_offsets)), m_tree(std::move(other.m_tree)),
      m_children(std::move(other.m_children))
{
}

IndexFile& IndexFile::operator=(IndexFile&& other) noexcept
{
  if (this != &other) {
    unmap();
    m_data = std::exchange(other.m_data, nullptr);
    m_size = std::exchange(other.m_size, 0);
    m_ok = std::exchange(other.m_ok, false);
    m_has_conflicts = std::exchange(other.m_has_conflicts, false);
    m_offsets = std::move(other.m_offsets);
    m_tree = std::move(other.m_tree);
    m_children = std::move(other.m_children);
  }
  return *this;
}

void IndexFile::unmap()
{
  if (m_data != nullptr) {
    ::munmap(const_cast<unsigned char*>(m_data), m_size);
    m_data = nullptr;
    m_size = 0;
  }
}

IndexFile IndexFile::read(const std::string& index_path)
{
  IndexFile index;
  const int fd = ::open(index_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return index;
  }
  struct stat st {};
  // git replaces the index by renaming a new file over it, so this mapping stays consistent while it is read.
  if (::fstat(fd, &st) == 0 && st.st_size >= static_cast<off_t>(k_header + k_checksum)
      && static_cast<std::uint64_t>(st.st_size) < std::numeric_limits<std::uint32_t>::max()) {
    void* map = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (map != MAP_FAILED) {
      index.m_data = static_cast<const unsigned char*>(map);
      index.m_size = static_cast<std::size_t>(st.st_size);
    }
  }
  ::close(fd);
  if (index.m_data != nullptr) {
    index.m_ok = index.parse_entries();
  }
  return index;
}

bool IndexFile::parse_entries()
{
  const unsigned char* p = m_data;
  const std::size_t size = m_size - k_checksum;
  const std::uint32_t version = be32(p + 4);
  if (std::memcmp(p, "DIRC", 4) != 0 || (version != 2 && version != 3)) {
    return false;
  }
  const std::uint32_t count = be32(p + 8);
  if (count > size / k_fixed) {
    return false;
  }
  m_offsets.resize(count);
  std::size_t pos = k_header;
  for (std::uint32_t i = 0; i < count; ++i) {
    if (pos + k_fixed > size) {
      return false;
    }
    const std::uint16_t flags = be16(p + pos + 60);
    m_has_conflicts |= (flags & 0x3000) != 0;
    const std::size_t fixed = (flags & 0x4000) != 0 ? k_fixed + 2 : k_fixed;  // extended flags (version 3)
    std::size_t path_len = flags & 0xfff;
    if (path_len == 0xfff || pos + fixed + path_len >= size || p[pos + fixed + path_len] != '\0') {
      if (pos + fixed >= size) {
        return false;
      }
      const void* nul = std::memchr(p + pos + fixed, '\0', size - (pos + fixed));
      if (nul == nullptr) {
        return false;
      }
      path_len = static_cast<std::size_t>(static_cast<const unsigned char*>(nul) - (p + pos + fixed));
    }
    if (path_len == 0) {
      return false;  // nameless entries exist only in split indexes
    }
    m_offsets[i] = static_cast<std::uint32_t>(pos);
    pos += (fixed + path_len + 8) & ~std::size_t{7};
  }
  while (pos + 8 <= size) {
    const unsigned char* sig = p + pos;
    const std::size_t begin = pos + 8;
    const std::size_t end = begin + be32(p + pos + 4);
    if (end > size) {
      return false;
    }
    if (std::memcmp(sig, "link", 4) == 0 || std::memcmp(sig, "sdir", 4) == 0) {
      return false;  // split or sparse index: entries live elsewhere or stand for whole directories
    }
    if (std::memcmp(sig, "TREE", 4) == 0 && !parse_cache_tree(begin, end)) {
      m_tree.clear();  // a damaged cache tree only costs speed
    }
    pos = end;
  }
  return true;
}

// Pre-order: each node names its entry count and subtree count; a stack of (node, children left) finds where each
// subtree ends.
bool IndexFile::parse_cache_tree(std::size_t begin, std::size_t end)
{
  const unsigned char* p = m_data;
  std::vector<std::pair<std::uint32_t, std::int64_t>> stack;
  m_tree.reserve((end - begin) / (GIT_OID_RAWSZ + 5) + 1);  // a valid node takes at least 25 bytes
  std::size_t q = begin;
  while (q < end) {
    std::size_t nul = q;
    while (nul < end && p[nul] != '\0') {  // names are short: a loop beats a memchr call
      ++nul;
    }
    if (nul == end) {
      return false;
    }
    Node node;
    node.name = static_cast<std::uint32_t>(q);
    node.name_len = static_cast<std::uint32_t>(nul - q);
    q = nul + 1;
    std::int64_t entries = 0;
    std::int64_t subtrees = 0;
    if (!parse_number(p, q, end, entries) || entries < -1 || entries > std::numeric_limits<std::int32_t>::max()
        || q >= end || p[q] != ' ') {
      return false;
    }
    ++q;
    if (!parse_number(p, q, end, subtrees) || subtrees < 0 || q >= end || p[q] != '\n') {
      return false;
    }
    ++q;
    node.entry_count = static_cast<std::int32_t>(entries);
    if (entries >= 0) {
      if (q + GIT_OID_RAWSZ > end) {
        return false;
      }
      node.id = static_cast<std::uint32_t>(q);
      q += GIT_OID_RAWSZ;
    }
    while (!stack.empty() && stack.back().second == 0) {
      m_tree[stack.back().first].end = static_cast<std::uint32_t>(m_tree.size());
      stack.pop_back();
    }
    if (stack.empty() != m_tree.empty()) {
      return false;  // a second root
    }
    if (!stack.empty()) {
      --stack.back().second;
    }
    stack.emplace_back(static_cast<std::uint32_t>(m_tree.size()), subtrees);
    m_tree.push_back(node);
  }
  while (!stack.empty()) {
    if (stack.back().second != 0) {
      return false;  // fewer subtrees than announced
    }
    m_tree[stack.back().first].end = static_cast<std::uint32_t>(m_tree.size());
    stack.pop_back();
  }
  return !m_tree.empty() && m_tree[0].name_len == 0;
}

std::string_view IndexFile::node_name(std::uint32_t node) const
{
  return std::string_view(reinterpret_cast<const char*>(m_data + m_tree[node].name), m_tree[node].name_len);
}

std::string_view IndexFile::path(std::size_t i) const
{
  const unsigned char* e = m_data + m_offsets[i];
  const std::uint16_t flags = be16(e + 60);
  const std::size_t fixed = (flags & 0x4000) != 0 ? k_fixed + 2 : k_fixed;
  const auto* name = reinterpret_cast<const char*>(e + fixed);
  const std::size_t len = flags & 0xfff;
  // parse_entries() checked a NUL follows every name; long or inconsistent lengths are measured again.
  return len != 0xfff && name[len] == '\0' ? std::string_view(name, len) : std::string_view(name);
}

IndexFileEntry IndexFile::entry(std::size_t i) const
{
  const unsigned char* e = m_data + m_offsets[i];
  const std::uint16_t flags = be16(e + 60);
  IndexFileEntry out;
  out.path = path(i);
  std::memcpy(out.id.id, e + 40, GIT_OID_RAWSZ);
  out.mode = be32(e + 24);
  out.stage = (flags >> 12) & 3;
  out.intent_to_add = (flags & 0x4000) != 0 && (be16(e + 62) & 0x2000) != 0;
  return out;
}

std::size_t IndexFile::lower_bound(std::string_view path_) const
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

bool IndexFile::has_path(std::string_view path_) const
{
  const std::size_t i = lower_bound(path_);
  return i < size() && path(i) == path_;
}

bool IndexFile::has_prefix(std::string_view prefix) const
{
  const std::size_t i = lower_bound(prefix);
  return i < size() && path(i).substr(0, prefix.size()) == prefix;
}

std::optional<CacheTreeNode> IndexFile::tree(std::string_view dir) const
{
  if (m_tree.empty()) {
    return std::nullopt;
  }
  std::uint32_t node = 0;
  while (!dir.empty()) {
    const std::size_t slash = dir.find('/');
    const std::string_view name = dir.substr(0, slash);
    auto [it, inserted] = m_children.try_emplace(node);
    auto& children = it->second;
    if (inserted) {
      for (std::uint32_t child = node + 1; child < m_tree[node].end; child = m_tree[child].end) {
        children.push_back(child);
      }
      std::sort(children.begin(), children.end(),
                [&](std::uint32_t a, std::uint32_t b) { return node_name(a) < node_name(b); });
    }
    const auto found = std::lower_bound(children.begin(), children.end(), name,
                                        [&](std::uint32_t c, std::string_view n) { return node_name(c) < n; });
    if (found == children.end() || node_name(*found) != name) {
      return std::nullopt;
    }
    node = *found;
    dir = slash == std::string_view::npos ? std::string_view() : dir.substr(slash + 1);
  }
  CacheTreeNode out;
  out.entry_count = m_tree[node].entry_count;
  if (out.entry_count >= 0) {
    std::memcpy(out.id.id, m_data + m_tree[node].id, GIT_OID_RAWSZ);
  }
  return out;
}

}  // namespace dsnguard::sources
