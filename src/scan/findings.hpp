#pragma once
// From validated matches to Findings: de-duplication across rules, judgement (dsn::judge), Location, message,
// fix, attributes, fingerprint, inline allow markers and added-lines filtering. Internal to scan/.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/types.hpp"
#include "scan/validate.hpp"

namespace dsnguard::scan {

// A validated match with fragment (raw byte) offsets.
struct RawFinding {
  std::size_t rule_index = 0;
  bool generic = false;  // rule tagged "generic": loses to a specific rule on the same credential
  std::size_t start = 0;
  std::size_t end = 0;
  std::size_t secret_start = 0;
  std::size_t secret_end = 0;
  Candidate candidate;
};

// Line numbers and line texts of byte offsets in one fragment, counted on demand: line_of() counts the newlines
// between the previous query's offset and this one's, so a fragment pays for the bytes up to its last finding
// (queries mostly ascend) and no index of every line is built (that was a vector, grown newline by newline, for
// every fragment with a match, most of which the judgement then drops).
class LineIndex {
public:
  explicit LineIndex(std::string_view bytes) : m_bytes(bytes) {}
  // 0-based line of `offset` (the newlines before it; offsets past the end count as the end).
  std::size_t line_of(std::size_t offset);
  // Offset of the first byte of the line holding `offset`.
  std::size_t line_start(std::size_t offset) const;
  // The line holding `offset`, without its newline.
  std::string_view line_text(std::size_t offset) const;

private:
  std::string_view m_bytes;
  std::size_t m_offset = 0;  // the previous query's offset
  std::size_t m_line = 0;    // newlines before it
};

// Whether 1-based `line` is in one of `ranges` (a staged scan reports findings on added lines only).
bool on_added_line(const std::vector<core::LineRange>& ranges, std::uint32_t line);

// Whether a `dsnguard:allow` marker is on the line holding `offset` or the line before it.
bool allow_marked(const LineIndex& lines, std::size_t offset);

// Builds the findings of one fragment. Overlapping matches of the same credential become one finding (specific
// rules beat generic ones, then the longer match wins); unreportable credentials (placeholders...) are dropped;
// confidence is the lower of the rule's and the judgement's; `fragment.added_lines` filters by start line;
// a `dsnguard:allow` marker on the line or the line before marks the finding suppressed ("inline").
std::vector<core::Finding> build_findings(std::vector<RawFinding> raw, const std::vector<core::Rule>& rules,
                                          const core::Fragment& fragment);

// The finding for a tracked environment file matched by a path rule.
core::Finding env_file_finding(const core::Rule& rule, const core::Origin& origin);

}  // namespace dsnguard::scan
