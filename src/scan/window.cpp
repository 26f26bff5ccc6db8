#include "scan/window.hpp"

#include <string.h>  // memrchr (GNU)

#include <algorithm>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// The k-th (k >= 1) newline in [from, ceiling), or k_npos (WindowCursor's k_none): one pass over 16-byte blocks instead of a memchr() call
// per line (a multi-line window spans 41 lines of ~40 bytes).
constexpr std::size_t k_npos = static_cast<std::size_t>(-1);

std::size_t nth_newline(const char* data, std::size_t from, std::size_t ceiling, std::size_t k)
{
  std::size_t i = from;
#if defined(__SSE2__)
  const __m128i newline = _mm_set1_epi8('\n');
  for (; i + 16 <= ceiling; i += 16) {
    auto mask = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i)), newline)));
    for (; mask != 0; mask &= mask - 1) {
      if (--k == 0) {
        return i + static_cast<std::size_t>(std::countr_zero(mask));
      }
    }
  }
#endif
  for (; i < ceiling; ++i) {
    if (data[i] == '\n' && --k == 0) {
      return i;
    }
  }
  return k_npos;
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

std::size_t count_newlines(std::string_view bytes)
{
  const char* p = bytes.data();
  std::size_t n = bytes.size();
  std::size_t count = 0;
#if defined(__SSE2__)
  const __m128i newline = _mm_set1_epi8('\n');
  while (n >= 16) {
    // Per-byte counters (a match is -1, subtracted) for at most 255 blocks, then summed.
    const std::size_t blocks = std::min<std::size_t>(n / 16, 255);
    __m128i counters = _mm_setzero_si128();
    for (std::size_t b = 0; b < blocks; ++b, p += 16) {
      counters = _mm_sub_epi8(counters,
                              _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), newline));
    }
    const __m128i sums = _mm_sad_epu8(counters, _mm_setzero_si128());
    count += static_cast<std::size_t>(_mm_cvtsi128_si32(sums)) + static_cast<std::size_t>(_mm_extract_epi16(sums, 4));
    n -= blocks * 16;
  }
#endif
  for (; n > 0; --n, ++p) {
    count += *p == '\n' ? 1 : 0;
  }
  return count;
}

std::vector<std::pair<std::size_t, std::size_t>> merge_ranges(std::vector<std::pair<std::size_t, std::size_t>> ranges)
{
  merge_ranges_in_place(ranges);
  return ranges;
}

void merge_ranges_in_place(std::vector<std::pair<std::size_t, std::size_t>>& ranges)
{
  // Windows come from hits in offset order, so the list is nearly always sorted already (one pass instead of a
  // sort: history scans merge millions of these lists).
  if (!std::is_sorted(ranges.begin(), ranges.end())) {
    std::sort(ranges.begin(), ranges.end());
  }
  std::size_t kept = 0;  // merged in place: no second vector per rule and fragment
  for (const auto& r : ranges) {
    if (kept > 0 && r.first <= ranges[kept - 1].second) {
      ranges[kept - 1].second = std::max(ranges[kept - 1].second, r.second);
    } else {
      ranges[kept++] = r;
    }
  }
  ranges.resize(kept);
}

WindowCursor::WindowCursor(std::string_view bytes, std::size_t extra_lines, std::size_t back, std::size_t forward)
    : m_bytes(bytes), m_extra(extra_lines), m_back(back), m_forward(forward)
{
}

std::pair<std::size_t, std::size_t> WindowCursor::around(std::size_t offset)
{
  static_assert(k_npos == k_none, "nth_newline's 'none' is the cursor's");
  const std::size_t size = m_bytes.size();
  const char* data = m_bytes.data();
  const std::size_t floor = offset > m_back ? offset - m_back : 0;
  std::size_t start = offset;
  if (offset > floor) {
    const void* nl = ::memrchr(data + floor, '\n', offset - floor);
    start = nl != nullptr ? static_cast<std::size_t>(static_cast<const char*>(nl) - data) + 1 : floor;
  }
  const std::size_t ceiling = std::min(size, offset + m_forward);
  if (m_last != k_none && offset >= m_last && m_end != k_none && offset <= m_end) {
    // The window's last newline moves on by as many newlines as lie between the previous hit and this one.
    // (At most extra_lines + 1 of them: offset is not past the window's last newline.)
    const std::size_t passed = count_newlines(m_bytes.substr(m_last, offset - m_last));
    if (passed > 0) {
      m_end = nth_newline(data, m_end + 1, ceiling, passed);
    }
  } else {
    m_end = nth_newline(data, offset, ceiling, m_extra + 1);
  }
  m_last = offset;
  // No such newline below the ceiling: the window stops there (and the next hit starts afresh).
  return {start, m_end != k_none ? m_end : ceiling};
}

}  // namespace dsnguard::scan
