#pragma once
// baseline/: the baseline file (known findings that must not fail the gate) and fingerprint matching.
// Depends on core/ and util/ only.
//
// File format (text, UTF-8, '\n' line ends, sorted by fingerprint, no timestamps, so re-writing an unchanged
// baseline produces an identical file and edits to a baseline merge line by line):
//
//   # dsnguard baseline v1 ...comment lines...
//   v1:0123456789abcdef0123456789abcdef  postgres-uri  config/settings.py
//
// Only the first field is used for matching: the finding fingerprint (core/fingerprint.hpp), itself a hash
// of rule id, path and SHA-256 of the secret key, so it holds no plaintext and no line number (entries
// survive edits and moves within a file). Rule id and path follow for reviewers; they are never secrets.
// No extra salt: the fingerprint already mixes rule, path, user and host into the hash (no generic lookup
// table applies), and a salt kept in the same committed file would not slow a targeted guess.

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/types.hpp"

namespace dsnguard::baseline {

inline constexpr std::string_view k_header = "# dsnguard baseline v1";

struct Entry {
  std::string fingerprint;  // "v1:<32 hex>"
  std::string rule_id;      // informational
  std::string path;         // informational, printable-escaped
};

struct Baseline {
  std::string file;            // where it was read from
  std::vector<Entry> entries;  // sorted by fingerprint, unique

  bool contains(std::string_view fingerprint) const;
};

// Parses baseline text. Error (config) naming `source_name` and the line number for anything that is not a
// comment, a blank line or a well-formed entry (so a truncated or foreign file is never half-applied).
core::Expected<Baseline> parse(std::string_view text, std::string_view source_name);
// Reads and parses `path`. Error (config): "cannot read baseline 'FILE': reason" or the parse error.
core::Expected<Baseline> load(const std::string& path);

// Serialises entries (sorted, unique by fingerprint) with the header comment.
std::string serialize(std::vector<Entry> entries);
// Entries for the findings that should be recorded: unsuppressed ones plus those already suppressed by a
// baseline (inline- and config-suppressed findings are handled elsewhere and are left out).
std::vector<Entry> entries_for(const std::vector<core::Finding>& findings);

// Marks every unsuppressed finding whose fingerprint is in `baseline` as suppressed_by "baseline".
// Returns the baseline entries that matched no finding at all (stale), sorted.
std::vector<Entry> apply(const Baseline& baseline, std::vector<core::Finding>& findings);

}  // namespace dsnguard::baseline
