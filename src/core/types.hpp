#pragma once
// Plain value types shared by every module: rules, fragments of bytes to scan, locations, findings and the
// report handed to reporters. No behaviour beyond small helpers; depends on the standard library only.

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dsnguard::core {

// How bad a finding is. Secrets are `error`; lint findings use all three.
enum class Severity { info, warning, error };
// How sure the detector is that a secret is real (placeholders never become findings at all).
enum class Confidence { low, medium, high };
enum class FindingKind { secret, env_file, lint };
// Where a fragment's bytes came from.
enum class OriginKind { worktree, staged, history };
// Result of an opt-in liveness check of a leaked credential.
enum class VerifyState { unknown, live, rejected, unreachable, error, refused };

std::string_view to_string(Severity);
std::string_view to_string(Confidence);
std::string_view to_string(FindingKind);
std::string_view to_string(OriginKind);
std::string_view to_string(VerifyState);
// Parse the names above (lower case, as printed). Return nullopt for anything else.
std::optional<Severity> parse_severity(std::string_view);
std::optional<Confidence> parse_confidence(std::string_view);

// One positive or negative example that ships with a rule; the rule test runs all of them.
struct RuleSample {
  std::string text;
  std::string path;  // optional file name the sample pretends to live in ("" = any)
};

// A detection rule as loaded from rules/*.json (plain data; scan/ compiles it).
struct Rule {
  std::string id;           // stable, e.g. "postgres-uri"
  std::string description;  // one sentence
  FindingKind kind = FindingKind::secret;
  std::string pattern;      // RE2 syntax; empty for path-only rules
  std::string secret_group; // name of the capture group holding the secret ("" = whole match)
  std::vector<std::string> keywords;  // lower-case literals; a fragment must contain one (prefilter)
  std::string path_pattern;           // RE2 on the path; for env-file rules the whole rule
  std::string validator;              // dsn/ parser that judges a match: uri, keyvalue, jdbc, ado, pgpass,
                                      // assignment, kwarg, or "" for none
  Severity severity = Severity::error;
  Confidence confidence = Confidence::high;  // confidence before the validator adjusts it
  std::string fix;                    // one-line fix hint
  std::vector<std::string> tags;
  std::vector<std::string> allow_patterns;  // RE2; a match that also matches one of these is dropped
  std::vector<RuleSample> positives;
  std::vector<RuleSample> negatives;
  std::string source_file;  // where the rule came from (for error messages)
  // Compiled into the binary (config::builtin_rules). The test suite compiles every built-in regex, so scan/
  // builds them on first use instead of at start-up; user rules are still compiled and checked at load.
  bool builtin = false;
};

// Where a fragment came from.
struct Origin {
  std::string path;        // repo-relative with '/' separators (may hold any bytes: non-UTF-8 names exist)
  OriginKind kind = OriginKind::worktree;
  std::string commit;      // hex id, history/staged only
  std::string blob;        // hex id of the blob, when known
};

// Inclusive 1-based line range; used to keep only findings on lines a commit adds.
struct LineRange {
  std::uint32_t first = 0;
  std::uint32_t last = 0;
};

// What a scanner leaves behind after scanning one blob, for blobs stored as git deltas against it (history
// scans). Opaque here: scan/ derives its own type.
class ScanMemo {
public:
  virtual ~ScanMemo() = default;
};

// A piece of a blob that is stored as a git delta: `size` bytes at `offset` either copied from the base blob at
// `base_offset` (copy) or inserted by the delta (short copies may be listed as inserted: a scanner only treats
// those bytes as new). Pieces are in offset order and cover the blob.
struct DeltaPiece {
  std::size_t offset = 0;
  std::size_t size = 0;
  std::size_t base_offset = 0;
  bool copy = false;
};

// How a fragment's bytes relate to an already scanned blob (the pack reader sets this for history blobs). A
// scanner may skip the regions it can prove identical, in everything it looks at, to regions of the base that
// produced nothing; the findings must be exactly those of a full scan.
struct DeltaContext {
  std::vector<DeltaPiece> pieces;   // empty when the blob is not a delta (a base of others)
  const ScanMemo* base = nullptr;   // what scanning the base left (null: base not scanned, scan in full)
  std::unique_ptr<ScanMemo>* memo = nullptr;  // where the scanner leaves this blob's memo (null: not wanted)
};

// A view of bytes to scan plus where they came from. The bytes outlive only the visitor call.
struct Fragment {
  std::string_view bytes;
  Origin origin;
  // When set, only findings that start on these lines are kept (staged and pre-push scans).
  const std::vector<LineRange>* added_lines = nullptr;
  // When set, `bytes` are exactly a pack object's content described by this context (history scans).
  DeltaContext* delta = nullptr;
};

// Where a finding is. Lines and columns are 1-based; columns count bytes.
struct Location {
  std::string path;
  std::string commit;  // "" outside history
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::uint32_t end_line = 0;
  std::uint32_t end_column = 0;
  std::uint64_t offset = 0;  // byte offset of the match in the fragment
  std::uint64_t length = 0;
};

// The names of the refs that reach a commit: one immutable list shared by every occurrence reached by the same
// refs. A history audit lists thousands of occurrences, each reached by hundreds of refs (sqlalchemy with
// --min-confidence low: 1.7M names, ~140 MB as copies).
class RefList {
public:
  RefList() = default;
  RefList(std::vector<std::string> names)  // NOLINT(google-explicit-constructor): a list of names is a RefList
      : m_names(names.empty() ? nullptr : std::make_shared<const std::vector<std::string>>(std::move(names)))
  {
  }
  RefList(std::initializer_list<std::string> names) : RefList(std::vector<std::string>(names)) {}

  const std::vector<std::string>& names() const { return m_names ? *m_names : empty_list(); }
  std::vector<std::string>::const_iterator begin() const { return names().begin(); }
  std::vector<std::string>::const_iterator end() const { return names().end(); }
  bool empty() const { return names().empty(); }
  std::size_t size() const { return names().size(); }
  friend bool operator==(const RefList& a, const RefList& b) { return a.names() == b.names(); }
  friend bool operator==(const RefList& a, const std::vector<std::string>& b) { return a.names() == b; }

private:
  static const std::vector<std::string>& empty_list()
  {
    static const std::vector<std::string> none;
    return none;
  }
  std::shared_ptr<const std::vector<std::string>> m_names;
};

// History provenance of one place a secret was seen.
struct Occurrence {
  std::string path;
  std::string blob;
  std::string commit;      // commit that introduced this blob at this path (first in history order)
  std::string author;      // "Name <email>"
  std::int64_t time = 0;   // commit time, seconds since the epoch
  std::uint32_t line = 0;
  RefList refs;                   // refs that still reach the introducing commit
  bool at_head = false;           // the path still holds this blob at HEAD
  std::uint64_t sequence = 0;     // place in history order (parents first): orders occurrences with equal times
};

// One thing to report.
struct Finding {
  std::string rule_id;
  FindingKind kind = FindingKind::secret;
  Severity severity = Severity::error;
  Confidence confidence = Confidence::high;
  Location location;
  // The matched text. Raw until app/ redacts it (before any reporter sees the finding).
  std::string match;
  // Byte span of the secret inside `match` (length 0 when there is no secret, e.g. env-file findings).
  std::size_t secret_offset = 0;
  std::size_t secret_length = 0;
  // The raw secret (decoded password). Kept in memory for fingerprinting and verification; cleared by
  // redaction unless --no-redact.
  std::string secret;
  std::string fingerprint;  // content key, see core/fingerprint.hpp
  std::string message;      // one sentence: what is wrong (no secret)
  std::string fix;          // one sentence: how to fix it
  // Redacted, structured facts (scheme, host, port, database, user, provider, ...), for reporters.
  std::vector<std::pair<std::string, std::string>> attributes;
  VerifyState verification = VerifyState::unknown;
  std::string verification_detail;
  std::vector<Occurrence> occurrences;  // history scans: every place the same fingerprint was seen
  bool suppressed = false;              // by inline allow or baseline (listed with --show-suppressed)
  std::string suppressed_by;            // "inline", "baseline", "config"

  // Returns the value of attribute `key`, or "" when absent.
  std::string attribute(std::string_view key) const;
};

// Something that could not be scanned, or was deliberately not scanned; never dropped silently.
struct Skipped {
  enum class Reason { binary, too_large, unreadable, missing_object, not_regular, submodule, symlink_outside, other };
  std::string path;  // or object id for missing objects
  Reason reason = Reason::other;
  std::string detail;  // one line
};
std::string_view to_string(Skipped::Reason);
// True for reasons that make a scan incomplete (exit 3): unreadable files, missing objects.
bool is_incomplete(Skipped::Reason);

// Counters printed in the summary line and the JSON summary.
struct Summary {
  std::uint64_t files_scanned = 0;
  std::uint64_t bytes_scanned = 0;
  std::uint64_t files_skipped = 0;  // all reasons
  std::uint64_t binary_skipped = 0;
  std::uint64_t findings = 0;
  std::uint64_t suppressed = 0;
  std::uint64_t commits = 0;      // history: commits walked
  std::uint64_t blobs = 0;        // history: unique blobs scanned
  bool incomplete = false;        // something could not be read
  bool partial_history = false;   // shallow clone or --since/--range
  std::vector<std::string> notes; // human notes (e.g. how to unshallow)
  double seconds = 0.0;
};

// Everything a reporter needs: findings already filtered, redacted and sorted, plus the rules used.
struct Report {
  std::string command;  // "scan", "lint", "audit", "verify"
  std::string mode;     // "worktree", "staged", "history", "pre-push", "no-git"
  std::string root;     // scanned root, absolute
  std::vector<Finding> findings;
  std::vector<Rule> rules;  // every rule that may appear in findings (SARIF needs them)
  std::vector<Skipped> skipped;
  Summary summary;
  bool redacted = true;
  // Baseline entries (fingerprints) that matched nothing in this scan; reported, never an error.
  std::vector<std::string> stale_baseline;
};

// --- Inline implementations ---

inline std::string Finding::attribute(std::string_view key) const
{
  for (const auto& [k, v] : attributes) {
    if (k == key) {
      return v;
    }
  }
  return {};
}

}  // namespace dsnguard::core

namespace dsnguard::core {
// Output formats; the name is parsed only in cli/.
enum class Format { text, json, sarif, markdown, html };
std::string_view to_string(Format);
}  // namespace dsnguard::core
