// Index format: git/git Documentation/gitformat-index.txt (entries, padding, extensions, cache tree).
#include "sources/cache_tree.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "util/file.hpp"

namespace dsnguard::sources {

namespace {

std::uint32_t be32(const unsigned char* p)
{
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

}  // namespace

IndexFile read_index_file(const std::string& index_path)
{
  IndexFile index;
  auto file = util::read_file(index_path);
  if (!file.ok || file.data.size() < 12 + 20) {
    return index;
  }
  index.data = std::move(file.data);
  auto& out = index.cache_tree;
  const auto* p = reinterpret_cast<const unsigned char*>(index.data.data());
  const std::size_t size = index.data.size() - 20;  // trailing checksum
  const std::uint32_t version = be32(p + 4);
  if (std::memcmp(p, "DIRC", 4) != 0 || (version != 2 && version != 3)) {
    return index;
  }
  const std::uint32_t count = be32(p + 8);
  index.entries.reserve(count);
  std::size_t pos = 12;
  for (std::uint32_t i = 0; i < count; ++i) {
    if (pos + 62 > size) {
      return index;
    }
    const std::uint16_t flags = static_cast<std::uint16_t>((p[pos + 60] << 8) | p[pos + 61]);
    std::size_t fixed = 62;
    std::uint16_t extended = 0;
    if ((flags & 0x4000) != 0) {
      if (pos + 64 > size) {
        return index;
      }
      extended = static_cast<std::uint16_t>((p[pos + 62] << 8) | p[pos + 63]);
      fixed += 2;  // extended flags (version 3)
    }
    std::size_t path_len = flags & 0xfff;
    if (path_len == 0xfff || pos + fixed + path_len >= size || p[pos + fixed + path_len] != '\0') {
      const void* nul = std::memchr(p + pos + fixed, '\0', size - std::min(size, pos + fixed));
      if (nul == nullptr) {
        return index;
      }
      path_len = static_cast<std::size_t>(static_cast<const unsigned char*>(nul) - (p + pos + fixed));
    }
    IndexFileEntry e;
    e.path = std::string_view(index.data.data() + pos + fixed, path_len);
    git_oid_fromraw(&e.id, p + pos + 40);
    e.mode = be32(p + pos + 24);
    e.stage = (flags >> 12) & 3;
    e.intent_to_add = (extended & 0x2000) != 0;
    index.entries.push_back(e);
    pos += (fixed + path_len + 8) & ~std::size_t{7};
  }
  while (pos + 8 <= size) {
    const std::uint32_t ext_size = be32(p + pos + 4);
    const bool is_tree = std::memcmp(p + pos, "TREE", 4) == 0;
    const std::size_t begin = pos + 8;
    const std::size_t end = begin + ext_size;
    if (end > size) {
      return index;
    }
    if (is_tree) {
      // Pre-order: each node names its subtree count; a stack of (path, children left) rebuilds full paths.
      std::vector<std::pair<std::string, long>> stack;
      std::size_t q = begin;
      while (q < end) {
        const void* nul = std::memchr(p + q, '\0', end - q);
        if (nul == nullptr) {
          index.cache_tree.clear();
          return index;
        }
        const std::string name(reinterpret_cast<const char*>(p + q), static_cast<const unsigned char*>(nul) - (p + q));
        q = static_cast<std::size_t>(static_cast<const unsigned char*>(nul) - p) + 1;
        char* after = nullptr;
        const long entries = std::strtol(reinterpret_cast<const char*>(p + q), &after, 10);
        const long subtrees = std::strtol(after, &after, 10);
        q = static_cast<std::size_t>(reinterpret_cast<const unsigned char*>(after) - p);
        if (q >= end || p[q] != '\n') {
          index.cache_tree.clear();
          return index;
        }
        ++q;
        while (!stack.empty() && stack.back().second == 0) {
          stack.pop_back();
        }
        std::string full;
        if (!stack.empty()) {
          --stack.back().second;
          full = stack.back().first.empty() ? name : stack.back().first + "/" + name;
        }
        if (entries >= 0) {
          if (q + 20 > end) {
            index.cache_tree.clear();
          return index;
          }
          git_oid id{};
          git_oid_fromraw(&id, p + q);
          out.emplace(full, id);
          q += 20;
        }
        stack.emplace_back(full, subtrees);
      }
    }
    pos = end;
  }
  index.ok = true;
  return index;
}

}  // namespace dsnguard::sources
