// The staged scan's lookups on the index file parsed by IndexEntries (index_entries.cpp does all the parsing).
#include "sources/cache_tree.hpp"

#include <algorithm>

namespace dsnguard::sources {

IndexFile IndexFile::read(const std::string& index_path)
{
  IndexFile index;
  index.m_index = IndexEntries::read(index_path);
  return index;
}

IndexFileEntry IndexFile::entry(std::size_t i) const
{
  const IndexEntries::Entry e = m_index->entry(i);
  IndexFileEntry out;
  out.path = e.path;
  out.id = e.id();
  out.mode = e.mode;
  out.stage = e.stage();
  out.intent_to_add = e.intent_to_add();
  return out;
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
  if (!has_cache_tree()) {
    return std::nullopt;
  }
  const auto& nodes = m_index->cache_tree();
  const auto name = [&](std::uint32_t node) { return m_index->name(nodes[node]); };
  std::uint32_t node = 0;
  while (!dir.empty()) {
    const std::size_t slash = dir.find('/');
    const std::string_view part = dir.substr(0, slash);
    auto [it, inserted] = m_children.try_emplace(node);
    auto& children = it->second;
    if (inserted) {
      for (std::uint32_t child = node + 1; child < nodes[node].end; child = nodes[child].end) {
        children.push_back(child);
      }
      // git writes subtrees in index order, which is name order unless a name sorts after a sibling's name plus a
      // character below '/' ("a-b" is written before "a"): sort only then.
      const auto by_name = [&](std::uint32_t a, std::uint32_t b) { return name(a) < name(b); };
      if (!std::is_sorted(children.begin(), children.end(), by_name)) {
        std::sort(children.begin(), children.end(), by_name);
      }
    }
    const auto found = std::lower_bound(children.begin(), children.end(), part,
                                        [&](std::uint32_t c, std::string_view n) { return name(c) < n; });
    if (found == children.end() || name(*found) != part) {
      return std::nullopt;
    }
    node = *found;
    dir = slash == std::string_view::npos ? std::string_view() : dir.substr(slash + 1);
  }
  CacheTreeNode out;
  out.entry_count = nodes[node].entry_count;
  if (out.entry_count >= 0) {
    out.id = m_index->id(nodes[node]);
  }
  return out;
}

}  // namespace dsnguard::sources
