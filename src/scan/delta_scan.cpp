#include "scan/delta_scan.hpp"

#include <algorithm>
#include <tuple>

namespace dsnguard::scan {

namespace {

// The piece holding byte `offset` (pieces cover the blob in order).
std::vector<core::DeltaPiece>::const_iterator piece_at(const std::vector<core::DeltaPiece>& pieces,
                                                       std::size_t offset)
{
  auto it = std::upper_bound(pieces.begin(), pieces.end(), offset,
                             [](std::size_t o, const core::DeltaPiece& p) { return o < p.offset; });
  return it == pieces.begin() ? pieces.end() : std::prev(it);
}

// True when [from, to) lies inside one copied piece.
bool inside_copy(const std::vector<core::DeltaPiece>& pieces, std::size_t from, std::size_t to)
{
  const auto it = piece_at(pieces, from);
  return it != pieces.end() && it->copy && to <= it->offset + it->size;
}

}  // namespace

std::vector<Prefilter::Hit> derive_hits(const Prefilter& prefilter, std::string_view bytes,
                                        const std::vector<core::DeltaPiece>& pieces,
                                        const std::vector<Prefilter::Hit>& base_hits)
{
  const auto& keywords = prefilter.keywords();
  std::size_t longest = 1;
  for (const auto& k : keywords) {
    longest = std::max(longest, k.size());
  }
  const std::size_t reach = longest - 1;  // a hit crossing a seam starts at most this far before it
  const std::size_t n = bytes.size();

  std::vector<Prefilter::Hit> hits;
  // Hits wholly inside copied runs: the base's, moved.
  for (const auto& p : pieces) {
    if (!p.copy) {
      continue;
    }
    const std::size_t end = p.base_offset + p.size;
    auto it = std::lower_bound(base_hits.begin(), base_hits.end(), p.base_offset,
                               [](const Prefilter::Hit& h, std::size_t o) { return h.offset < o; });
    for (; it != base_hits.end() && it->offset < end; ++it) {
      if (it->offset + keywords[it->keyword].size() <= end) {
        hits.push_back({it->keyword, p.offset + (it->offset - p.base_offset)});
      }
    }
  }
  // Hits touching inserted bytes or a seam between pieces: the prefilter over those neighbourhoods.
  std::vector<std::pair<std::size_t, std::size_t>> dirty;
  for (const auto& p : pieces) {
    const std::size_t from = p.offset > reach ? p.offset - reach : 0;
    if (!p.copy) {
      dirty.emplace_back(from, std::min(n, p.offset + p.size + reach));
    } else if (p.offset > 0) {
      dirty.emplace_back(from, std::min(n, p.offset + reach));
    }
  }
  std::sort(dirty.begin(), dirty.end());
  std::vector<std::pair<std::size_t, std::size_t>> merged;
  for (const auto& d : dirty) {
    if (!merged.empty() && d.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, d.second);
    } else {
      merged.push_back(d);
    }
  }
  for (const auto& [from, to] : merged) {
    if (to <= from) {
      continue;
    }
    for (const auto& h : prefilter.find(bytes.substr(from, to - from), SIZE_MAX)) {
      const std::size_t at = from + h.offset;
      if (!inside_copy(pieces, at, at + keywords[h.keyword].size())) {
        hits.push_back({h.keyword, at});
      }
    }
  }
  std::sort(hits.begin(), hits.end(), [](const Prefilter::Hit& a, const Prefilter::Hit& b) {
    return std::tie(a.offset, a.keyword) < std::tie(b.offset, b.keyword);
  });
  return hits;
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
