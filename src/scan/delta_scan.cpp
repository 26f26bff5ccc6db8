#include "scan/delta_scan.hpp"

#include <algorithm>
#include <tuple>

#include "scan/window.hpp"

namespace dsnguard::scan {

namespace {

// Dirty neighbourhoods closer than this are searched as one range.
constexpr std::size_t k_dirty_gap = 128;

// The piece holding byte `offset` (pieces cover the blob in order).
std::vector<core::DeltaPiece>::const_iterator piece_at(const std::vector<core::DeltaPiece>& pieces,
                                                       std::size_t offset)
{
  auto it = std::upper_bound(pieces.begin(), pieces.end(), offset,
                             [](std::size_t o, const core::DeltaPiece& p) { return o < p.offset; });
  return it == pieces.begin() ? pieces.end() : std::prev(it);
}

// The first element of sorted [begin, end) whose key is not below `target`. Copies mostly move forward through
// the base: when the target lies ahead of `cursor` (where the previous search ended), a few steps from there
// usually reach it; else it is searched.
template <typename It, typename Key>
It seek(It begin, It cursor, It end, std::size_t target, const Key& key)
{
  It it = cursor != begin && key(*std::prev(cursor)) < target ? cursor : begin;
  for (int step = 0; it != end && key(*it) < target; ++it, ++step) {
    if (step == 8) {
      return std::lower_bound(it, end, target, [&](const auto& e, std::size_t t) { return key(e) < t; });
    }
  }
  return it;
}

}  // namespace

std::vector<Prefilter::Hit> derive_hits(const Prefilter& prefilter, std::string_view bytes,
                                        const std::vector<core::DeltaPiece>& pieces,
                                        const std::vector<Prefilter::Hit>& base_hits)
{
  using Hit = Prefilter::Hit;
  const auto& keywords = prefilter.keywords();
  // A hit crossing a seam starts at most this far before it.
  const std::size_t reach = std::max<std::size_t>(prefilter.longest_keyword(), 1) - 1;
  const std::size_t n = bytes.size();

  // Hits wholly inside copied runs: the base's, moved (in offset order: pieces come in order).
  std::vector<Hit> copied;
  copied.reserve(base_hits.size());
  auto cursor = base_hits.begin();
  for (const auto& p : pieces) {
    if (!p.copy) {
      continue;
    }
    const std::size_t end = p.base_offset + p.size;
    auto it = seek(base_hits.begin(), cursor, base_hits.end(), p.base_offset, [](const Hit& h) { return h.offset; });
    for (; it != base_hits.end() && it->offset < end; ++it) {
      if (it->offset + keywords[it->keyword].size() <= end) {
        copied.push_back({it->keyword, p.offset + (it->offset - p.base_offset)});
      }
    }
    cursor = it;
  }
  // Hits touching inserted bytes or a seam between pieces: the prefilter over those neighbourhoods (in order).
  // The working lists are kept per thread with their capacity (this runs for every delta of a history).
  thread_local std::vector<std::pair<std::size_t, std::size_t>> dirty;
  thread_local std::vector<Hit> fresh;
  thread_local std::vector<Hit> found;
  dirty.clear();
  fresh.clear();
  for (const auto& p : pieces) {
    const std::size_t from = p.offset > reach ? p.offset - reach : 0;
    if (!p.copy) {
      dirty.emplace_back(from, std::min(n, p.offset + p.size + reach));
    } else if (p.offset > 0) {
      dirty.emplace_back(from, std::min(n, p.offset + reach));
    }
  }
  auto piece = pieces.begin();
  // Neighbourhoods a few dozen bytes apart are searched as one range (the hits in between are inside a copied
  // run and dropped below): one prefilter call per range costs more than the bytes between them.
  merge_ranges_in_place(dirty);
  auto& ranges = dirty;
  std::size_t kept = 0;
  for (const auto& r : ranges) {
    if (kept > 0 && r.first - ranges[kept - 1].second < k_dirty_gap) {
      ranges[kept - 1].second = r.second;
    } else {
      ranges[kept++] = r;
    }
  }
  ranges.resize(kept);
  for (const auto& [from, to] : ranges) {
    if (to <= from) {
      continue;
    }
    prefilter.find(bytes.substr(from, to - from), SIZE_MAX, found);
    for (const auto& h : found) {
      const std::size_t at = from + h.offset;
      while (piece != pieces.end() && piece->offset + piece->size <= at) {
        ++piece;
      }
      const bool inside_copy =
          piece != pieces.end() && piece->copy && at + keywords[h.keyword].size() <= piece->offset + piece->size;
      if (!inside_copy) {
        fresh.push_back({h.keyword, at});
      }
    }
  }
  const auto trim = [](auto& list) {
    if (list.capacity() > (std::size_t{1} << 16)) {
      list.clear();
      list.shrink_to_fit();  // one huge delta should not pin its lists for the rest of the scan
    }
  };
  trim(dirty);
  trim(found);
  if (fresh.empty()) {
    return copied;
  }
  std::vector<Hit> hits(copied.size() + fresh.size());
  std::merge(copied.begin(), copied.end(), fresh.begin(), fresh.end(), hits.begin(), [](const Hit& a, const Hit& b) {
    return std::tie(a.offset, a.keyword) < std::tie(b.offset, b.keyword);
  });
  trim(fresh);
  return hits;
}

std::vector<std::pair<std::size_t, std::size_t>> carry_candidates(const std::vector<core::DeltaPiece>& pieces,
                                                                  const BlobMemo& base)
{
  std::vector<std::pair<std::size_t, std::size_t>> out;
  if (base.cold.empty()) {
    return out;
  }
  const auto region_start = [](const std::pair<std::size_t, std::size_t>& r) { return r.first; };
  auto cursor = base.cold.begin();
  for (const auto& p : pieces) {
    if (!p.copy || p.size < 2) {
      continue;
    }
    // Regions whose preceding newline (from - 1) and closing newline (to) are both inside the run.
    const std::size_t end = p.base_offset + p.size;
    auto it = seek(base.cold.begin(), cursor, base.cold.end(), p.base_offset + 1, region_start);
    for (; it != base.cold.end() && it->second < end; ++it) {
      out.emplace_back(it->first - p.base_offset + p.offset, it->second - p.base_offset + p.offset);
    }
    cursor = it;
  }
  return out;
}

std::vector<std::pair<std::size_t, std::size_t>> cold_regions(
    std::string_view bytes, const std::vector<std::pair<std::size_t, std::size_t>>& regions,
    const std::vector<std::pair<std::size_t, std::size_t>>& carried, const std::vector<Component>& hot,
    const std::vector<std::size_t>& split_hits)
{
  std::vector<bool> warm(regions.size(), false);
  const auto mark = [&](std::size_t offset) {
    auto it = std::upper_bound(regions.begin(), regions.end(), offset,
                               [](std::size_t o, const std::pair<std::size_t, std::size_t>& r) { return o < r.first; });
    if (it != regions.begin() && offset < std::prev(it)->second) {
      warm[static_cast<std::size_t>(std::prev(it) - regions.begin())] = true;
    }
  };
  for (const auto& c : hot) {
    mark(c.from);
  }
  for (const std::size_t offset : split_hits) {
    mark(offset);
  }
  std::vector<std::pair<std::size_t, std::size_t>> out;
  out.reserve(regions.size() + carried.size());
  auto kept = carried.begin();
  for (std::size_t k = 0; k < regions.size(); ++k) {
    const auto [from, to] = regions[k];
    if (warm[k] || from == 0 || to >= bytes.size() || bytes[from - 1] != '\n' || bytes[to] != '\n') {
      continue;
    }
    for (; kept != carried.end() && kept->first < from; ++kept) {
      out.push_back(*kept);
    }
    out.emplace_back(from, to);
  }
  out.insert(out.end(), kept, carried.end());
  return out;
}

bool provably_clean(std::string_view bytes, const std::vector<core::DeltaPiece>& pieces, const BlobMemo& base,
                    std::size_t rule, std::size_t from, std::size_t to)
{
  if (from == 0 || to >= bytes.size() || to <= from || bytes[from - 1] != '\n' || bytes[to] != '\n') {
    return false;
  }
  const auto it = piece_at(pieces, from - 1);
  if (it == pieces.end() || !it->copy || to + 1 > it->offset + it->size) {
    return false;
  }
  const std::size_t base_from = from - it->offset + it->base_offset;
  const std::size_t base_to = to - it->offset + it->base_offset;
  // The last hot component of `rule` starting before base_to: the only one that can overlap.
  auto hot = std::lower_bound(base.hot.begin(), base.hot.end(), std::make_pair(rule, base_to),
                              [](const Component& c, const std::pair<std::size_t, std::size_t>& k) {
                                return std::tie(c.rule, c.from) < std::tie(k.first, k.second);
                              });
  if (hot == base.hot.begin()) {
    return true;
  }
  --hot;
  return hot->rule != rule || hot->to <= base_from;
}

const Component* exact_twin(const std::vector<core::DeltaPiece>& pieces, const BlobMemo& base, std::size_t rule,
                            std::size_t from, std::size_t to)
{
  const auto it = piece_at(pieces, from);
  if (it == pieces.end() || !it->copy || to > it->offset + it->size) {
    return nullptr;
  }
  const std::size_t base_from = from - it->offset + it->base_offset;
  const std::size_t base_to = to - it->offset + it->base_offset;
  const auto twin = std::lower_bound(base.hot.begin(), base.hot.end(), std::make_pair(rule, base_from),
                                     [](const Component& c, const std::pair<std::size_t, std::size_t>& k) {
                                       return std::tie(c.rule, c.from) < std::tie(k.first, k.second);
                                     });
  if (twin == base.hot.end() || twin->rule != rule || twin->from != base_from || twin->to != base_to) {
    return nullptr;
  }
  return &*twin;
}

bool pattern_is_line_local(std::string_view pattern)
{
  bool multiline = false;
  if (pattern.substr(0, 2) == "(?") {
    std::size_t i = 2;
    while (i < pattern.size() && std::string_view("imsU").find(pattern[i]) != std::string_view::npos) {
      multiline = multiline || pattern[i] == 'm';
      ++i;
    }
    multiline = multiline && i < pattern.size() && pattern[i] == ')';
  }
  // A flag group that clears flags (e.g. "(?-m)") could end multi-line mode part-way: not judged.
  for (std::size_t at = pattern.find("(?"); at != std::string_view::npos; at = pattern.find("(?", at + 2)) {
    const std::size_t end = pattern.find_first_not_of("imsU-", at + 2);
    const bool flags = end != std::string_view::npos && (pattern[end] == ')' || pattern[end] == ':');
    if (flags && pattern.substr(at + 2, end - at - 2).find('-') != std::string_view::npos) {
      return false;
    }
  }
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      if (i + 1 < pattern.size() && (pattern[i + 1] == 'A' || pattern[i + 1] == 'z')) {
        return false;
      }
      ++i;
      continue;
    }
    if (in_class) {
      in_class = c != ']';
      continue;
    }
    if (c == '[') {
      in_class = true;
      // A ']' right after '[' or '[^' is a literal member.
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') {
        ++i;
      }
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') {
        ++i;
      }
      continue;
    }
    if ((c == '^' || c == '$') && !multiline) {
      return false;
    }
  }
  return true;
}

}  // namespace dsnguard::scan
