#pragma once
// From validated matches to Findings: de-duplication across rules, judgement (dsn::judge), Location, message,
// fix, attributes, fingerprint, inline allow markers and added-lines filtering. Internal to scan/.

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

// Builds the findings of one fragment. Overlapping matches of the same credential become one finding (specific
// rules beat generic ones, then the longer match wins); unreportable credentials (placeholders...) are dropped;
// confidence is the lower of the rule's and the judgement's; `fragment.added_lines` filters by start line;
// a `dsnguard:allow` marker on the line or the line before marks the finding suppressed ("inline").
std::vector<core::Finding> build_findings(std::vector<RawFinding> raw, const std::vector<core::Rule>& rules,
                                          const core::Fragment& fragment);

// The finding for a tracked environment file matched by a path rule.
core::Finding env_file_finding(const core::Rule& rule, const core::Origin& origin);

}  // namespace dsnguard::scan
