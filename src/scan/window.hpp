#pragma once
// A window of fragment bytes around a keyword hit, with container escapes undone (JSON "\/", HTML "&amp;",
// JSON "\u0026") and a map back to raw offsets so Locations and redaction spans stay exact. Internal to scan/.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dsnguard::scan {

class Window {
public:
  // The bytes [from, to) of `bytes`; unescapes only when the window contains an escape.
  Window(std::string_view bytes, std::size_t from, std::size_t to);

  // The (unescaped) text regexes and parsers see.
  std::string_view text() const { return m_unescaped ? std::string_view(m_owned) : m_raw; }
  // Fragment offset of text()[i]; i == text().size() maps to the window end.
  std::size_t raw_offset(std::size_t i) const;

private:
  std::string_view m_raw;
  std::size_t m_from = 0;
  bool m_unescaped = false;
  std::string m_owned;
  std::vector<std::uint32_t> m_map;  // raw index (relative to m_from) of each unescaped byte, plus the end
};

// Newlines in `bytes` (SSE2 where the target has it).
std::size_t count_newlines(std::string_view bytes);

// Sorts byte ranges [first, second) and merges the ones that overlap or touch.
std::vector<std::pair<std::size_t, std::size_t>> merge_ranges(std::vector<std::pair<std::size_t, std::size_t>> ranges);
// The same in place (the vector keeps its capacity).
void merge_ranges_in_place(std::vector<std::pair<std::size_t, std::size_t>>& ranges);

// The byte ranges to scan around the keyword hits of one fragment: for a hit at `offset`, from the start of its
// line (at most `back` bytes before) to the end of the line `extra_lines` lines later (at most `forward` bytes
// after). Hits come in ascending offset order (one out of order is computed afresh): the lines after a hit are
// walked once, not again for every later hit within them (a multi-line rule's window spans dozens of lines, and
// one file can have thousands of hits).
class WindowCursor {
public:
  WindowCursor(std::string_view bytes, std::size_t extra_lines, std::size_t back, std::size_t forward);
  // The range around a hit at `offset`.
  std::pair<std::size_t, std::size_t> around(std::size_t offset);

private:
  static constexpr std::size_t k_none = static_cast<std::size_t>(-1);
  std::string_view m_bytes;
  std::size_t m_extra;
  std::size_t m_back;
  std::size_t m_forward;
  std::size_t m_last = k_none;  // the previous hit's offset
  std::size_t m_end = k_none;   // its window's last newline (the (extra_lines + 1)-th from the hit), if below its ceiling
};

}  // namespace dsnguard::scan
