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

// Whether `raw` contains one of k_escapes: each begins with '\\' or '&', so only those bytes are looked at.
bool has_escape(std::string_view raw)
{
  for (const char lead : {'\\', '&'}) {
    for (std::size_t i = raw.find(lead); i != std::string_view::npos; i = raw.find(lead, i + 1)) {
      for (const auto& escape : k_escapes) {
        const std::string_view esc = escape.first;
        if (esc.front() == lead && raw.compare(i, esc.size(), esc) == 0) {
          return true;
        }
      }
    }
  }
  return false;
}

}  // namespace

Window::Window(std::string_view bytes, std::size_t from, std::size_t to)
    : m_raw(bytes.substr(from, to - from)), m_from(from)
{
  if (!has_escape(m_raw)) {
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
  std::size_t kept = 0;  // merged in place: no second vector per rule and fragment
  for (const auto& r : ranges) {
    if (kept > 0 && r.first <= ranges[kept - 1].second) {
      ranges[kept - 1].second = std::max(ranges[kept - 1].second, r.second);
    } else {
      ranges[kept++] = r;
    }
  }
  ranges.resize(kept);
  return ranges;
}

WindowCursor::WindowCursor(std::string_view bytes, std::size_t extra_lines, std::size_t back, std::size_t forward)
    : m_bytes(bytes), m_extra(extra_lines), m_back(back), m_forward(forward)
{
}

std::pair<std::size_t, std::size_t> WindowCursor::around(std::size_t offset)
{
  const std::size_t size = m_bytes.size();
  const char* data = m_bytes.data();
  const std::size_t floor = offset > m_back ? offset - m_back : 0;
  std::size_t start = offset;
  if (offset > floor) {
    const void* nl = ::memrchr(data + floor, '\n', offset - floor);
    start = nl != nullptr ? static_cast<std::size_t>(static_cast<const char*>(nl) - data) + 1 : floor;
  }
  const std::size_t ceiling = std::min(size, offset + m_forward);
  // The next newline at or after `from`, searched below `ceiling` only; k_none when there is none there.
  const auto next_newline = [&](std::size_t from) {
    if (from >= ceiling) {
      return k_none;
    }
    const void* nl = std::memchr(data + from, '\n', ceiling - from);
    return nl != nullptr ? static_cast<std::size_t>(static_cast<const char*>(nl) - data) : k_none;
  };
  if (m_last != k_none && offset >= m_last && m_end != k_none && offset <= m_end) {
    // The window's last newline moves on by as many newlines as lie between the previous hit and this one.
    // (At most extra_lines + 1 of them: offset is not past the window's last newline.)
    for (const char* p = data + m_last; m_end != k_none;) {
      p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(data + offset - p)));
      if (p == nullptr) {
        break;
      }
      ++p;
      m_end = next_newline(m_end + 1);
    }
  } else {
    m_end = next_newline(offset);
    for (std::size_t lines = 0; lines < m_extra && m_end != k_none; ++lines) {
      m_end = next_newline(m_end + 1);
    }
  }
  m_last = offset;
  // No such newline below the ceiling: the window stops there (and the next hit starts afresh).
  return {start, m_end != k_none ? m_end : ceiling};
}

}  // namespace dsnguard::scan
