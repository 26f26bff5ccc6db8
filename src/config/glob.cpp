#include "config/glob.hpp"

#include <string>

namespace dsnguard::config {

namespace {

// Matches a bracket class at pattern[p] (which is '[') against character c. Sets `next` to the index after
// the class. Returns nullopt-like -1 when the class is malformed (then '[' is literal).
int match_class(std::string_view pattern, std::size_t p, char c, std::size_t& next)
{
  std::size_t i = p + 1;
  bool negate = false;
  if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) {
    negate = true;
    ++i;
  }
  bool matched = false;
  bool first = true;
  while (i < pattern.size() && (pattern[i] != ']' || first)) {
    first = false;
    char lo = pattern[i];
    if (lo == '\\' && i + 1 < pattern.size()) {
      lo = pattern[++i];
    }
    char hi = lo;
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      hi = pattern[i + 2];
      i += 2;
    }
    if (c >= lo && c <= hi) {
      matched = true;
    }
    ++i;
  }
  if (i >= pattern.size()) {
    return -1;
  }
  next = i + 1;
  return (matched != negate) ? 1 : 0;
}

// Recursive matcher with '**' support; patterns and paths are short, so backtracking is cheap.
bool match_here(std::string_view pat, std::size_t p, std::string_view s, std::size_t i)
{
  while (p < pat.size()) {
    const char c = pat[p];
    if (c == '*') {
      const bool double_star = p + 1 < pat.size() && pat[p + 1] == '*';
      if (double_star) {
        std::size_t q = p + 2;
        // "**/" also matches zero directories.
        if (q < pat.size() && pat[q] == '/') {
          if (match_here(pat, q + 1, s, i)) {
            return true;
          }
        }
        for (std::size_t k = i; k <= s.size(); ++k) {
          if (match_here(pat, q, s, k)) {
            return true;
          }
        }
        return false;
      }
      for (std::size_t k = i; k <= s.size(); ++k) {
        if (match_here(pat, p + 1, s, k)) {
          return true;
        }
        if (k < s.size() && s[k] == '/') {
          break;
        }
      }
      return false;
    }
    if (i >= s.size()) {
      return false;
    }
    if (c == '?') {
      if (s[i] == '/') {
        return false;
      }
      ++p;
      ++i;
      continue;
    }
    if (c == '[') {
      std::size_t next = 0;
      const int r = s[i] == '/' ? 0 : match_class(pat, p, s[i], next);
      if (r == 0) {
        return false;
      }
      if (r == 1) {
        p = next;
        ++i;
        continue;
      }
      // malformed: literal '['
    }
    char lit = c;
    if (c == '\\' && p + 1 < pat.size()) {
      lit = pat[++p];
    }
    if (s[i] != lit) {
      return false;
    }
    ++p;
    ++i;
  }
  return i == s.size();
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path)
{
  if (pattern.empty()) {
    return false;
  }
  std::string pat(pattern);
  if (pat.back() == '/') {
    pat += "**";
  }
  const bool anchored = pat.find('/') != std::string::npos;
  if (pat.front() == '/') {
    pat.erase(0, 1);
  }
  if (anchored) {
    return match_here(pat, 0, path, 0);
  }
  const auto slash = path.rfind('/');
  const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return match_here(pat, 0, base, 0);
}

}  // namespace dsnguard::config
