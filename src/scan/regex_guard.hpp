#pragma once
// A necessary condition for one regex to match, cheap to test on a window: a few sets of literals ("clauses"),
// from each of which at least one literal occurs in every text the regex matches. Derived from RE2's own
// prefilter (FilteredRE2), so it holds by RE2's construction rather than by reading the rule. Most keyword windows
// of a database library's sources (a "postgres" in prose, without "://") fail it and skip the regex. Internal to
// scan/.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

namespace dsnguard::scan {

// The options a rule regex (content, path or allow pattern) is compiled with; the guard of a regex holds for
// them. An ASCII pattern matches bytes (Latin-1): on UTF-8 text the same spans as in UTF-8 mode (a negated class
// or `.` takes a multi-byte character a byte at a time, and no built-in pattern counts such repetitions), bytes of
// other encodings are matched instead of stopping a match, and the program is smaller because (?i) letters no
// longer fold onto KELVIN SIGN and LATIN SMALL LETTER LONG S (db-password-assignment: compile 1.6 -> 1.1 ms, first
// matches on sqlalchemy 3.5 -> 2.4 ms). A pattern with non-ASCII characters keeps UTF-8, so that they mean
// characters.
RE2::Options rule_regex_options(std::string_view pattern);

class RegexGuard {
public:
  // A guard that always passes.
  RegexGuard() = default;

  // The guard of `pattern` compiled with `options`. Its first clause: among the literals of two or more bytes
  // RE2's prefilter requires, a small set whose absence rules every match out, preferring literals that are not
  // part of a rule keyword (`keywords` are lower case; a keyword hit opened the window, so its literals are usually
  // present). Then up to k_max_clauses - 1 more such sets among the literals down to single bytes, each found with
  // the literals of the clauses before it taken as present, so that each rules the regex out on its own: a
  // multi-line rule that needs "=>" or "{" besides its password key skips the windows that lack them. No clause
  // (always passes) where RE2 derives no condition or the smallest set is too large to be worth testing.
  static RegexGuard derive(const std::string& pattern, const RE2::Options& options,
                           const std::vector<std::string>& keywords);
  // A guard from clauses derive() chose before (lower case ASCII; none: always passes) for a regex compiled with
  // `options`.
  template <typename Clauses>
  static RegexGuard from_clauses(const Clauses& clauses, const RE2::Options& options)
  {
    RegexGuard guard;
    guard.m_unicode_folds = unicode_folds(options);
    for (const auto& clause : clauses) {
      guard.add_clause(std::vector<std::string>(clause.begin(), clause.end()));
    }
    return guard;
  }
  // A guard of one clause.
  template <typename Strings>
  static RegexGuard from_literals(const Strings& literals, const RE2::Options& options)
  {
    return from_clauses(std::vector<Strings>{literals}, options);
  }

  // False only when `text` cannot contain a match: none of the literals of some clause occurs in it (ASCII
  // case-insensitively). For a regex matched as UTF-8, text holding a non-ASCII character whose case folds onto an
  // ASCII letter (KELVIN SIGN, LATIN SMALL LETTER LONG S), which RE2's case-insensitive matching then accepts,
  // always passes.
  bool may_match(std::string_view text) const;

  // The clauses (literals in lower case); none when the guard always passes.
  const std::vector<std::vector<std::string>>& clauses() const { return m_clauses; }

private:
  static constexpr std::size_t k_max_clauses = 3;

  void add_clause(std::vector<std::string> literals);

  // Whether a regex compiled with `options` folds non-ASCII letters onto ASCII ones under (?i) (UTF-8 mode).
  static bool unicode_folds(const RE2::Options& options);

  std::vector<std::vector<std::string>> m_clauses;
  bool m_letters = false;        // some literal has a letter: the search ignores ASCII case
  bool m_unicode_folds = false;  // UTF-8 regex: the text is lower-cased and checked for the non-ASCII folds
};

namespace detail {
// The guard clauses of each built-in rule pattern, derived at build time (gen/guardgen.cpp); null for any other
// pattern (a user rule, or a built-in one the user changed), whose guard is derived at run time.
const std::vector<std::vector<std::string_view>>* builtin_guard(std::string_view pattern);
}  // namespace detail

}  // namespace dsnguard::scan
