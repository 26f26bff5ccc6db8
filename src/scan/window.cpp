#include "scan/window.hpp"

#include <string.h>  // memrchr (GNU)

#include <algorithm>
#include <cstring>

namespace dsnguard::scan {

namespace {

// Escapes undone inside windows: {escaped text, replacement byte}.
constexpr std::pair<std::string_view, char> k_escapes[] = {
    {"\\/", '/'}, {"&amp;", '&'}, {"\\u0026", '&'}, {"&#38;", '&'}, {"\\u003d", '='}, {"&#x26;", '&'},
};

}  // namespace

Window::Window(std::string_view bytes, std::size_t from, std::size_t to)
    : m_raw(bytes.substr(from, to - from)), m_from(from)
{
  const bool any = std::any_of(std::begin(k_escapes), std::end(k_escapes),
                               [&](const auto& e) { return m_raw.find(e.first) != std::string_view::npos; });
  if (!any) {
    return;
  }
  m_unescaped = true;
  m_owned.reserve(m_raw.size());
  m_map.reserve(m_raw.size() + 1);
  for (std::size_t i = 0; i < m_raw.size();) {
    bool replaced = false;
    for (const auto& [esc, ch] : k_escapes) {
      if (m_raw.compare(i, esc.size(), esc) == 0) {
        m_owned.push_back(ch);
        m_map.push_back(static_cast<std::uint32_t>(i));
        i += esc.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      m_owned.push_back(m_raw[i]);
      m_map.push_back(static_cast<std::uint32_t>(i));
      ++i;
    }
  }
  m_map.push_back(static_cast<std::uint32_t>(m_raw.size()));
}

std::size_t Window::raw_offset(std::size_t i) const
{
  if (!m_unescaped) {
    return m_from + std::min(i, m_raw.size());
  }
  return m_from + m_map[std::min(i, m_map.size() - 1)];
}

std::vector<std::pair<std::size_t, std::size_t>> merge_ranges(std::vector<std::pair<std::size_t, std::size_t>> ranges)
{
  std::sort(ranges.begin(), ranges.end());
  std::vector<std::pair<std::size_t, std::size_t>> merged;
  for (const auto& r : ranges) {
    if (!merged.empty() && r.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, r.second);
    } else {
      merged.push_back(r);
    }
  }
  return merged;
}

std::pair<std::size_t, std::size_t> window_around(std::string_view bytes, std::size_t offset, std::size_t extra_lines,
                                                  std::size_t back, std::size_t forward)
{
  const std::size_t floor = offset > back ? offset - back : 0;
  std::size_t start = floor;
  if (offset > floor) {
    const void* nl = ::memrchr(bytes.data() + floor, '\n', offset - floor);
    if (nl != nullptr) {
      start = static_cast<std::size_t>(static_cast<const char*>(nl) - bytes.data()) + 1;
    }
  } else {
    start = offset;
  }
  const std::size_t ceiling = std::min(bytes.size(), offset + forward);
  std::size_t end = offset;
  for (std::size_t lines = 0; end < ceiling; ++lines) {
    const void* nl = std::memchr(bytes.data() + end, '\n', ceiling - end);
    if (nl == nullptr) {
      end = ceiling;
      break;
    }
    end = static_cast<std::size_t>(static_cast<const char*>(nl) - bytes.data());
    if (lines == extra_lines) {
      break;
    }
    ++end;
  }
  return {start, end};
}

}  // namespace dsnguard::scan
