#include "sources/ignore_rules.hpp"

namespace dsnguard::sources {

std::vector<IgnorePattern> parse_ignore_text(std::string_view text)
{
  std::vector<IgnorePattern> out;
  std::uint32_t line_no = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    // Trailing spaces are dropped unless escaped with a backslash.
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
      if (line.size() >= 2 && line[line.size() - 2] == '\\') {
        break;
      }
      line.remove_suffix(1);
    }
    if (line.empty() || line.front() == '#') {
      continue;
    }
    IgnorePattern p;
    p.text = std::string(line);
    p.line = line_no;
    std::string_view g = line;
    if (g.front() == '!') {
      p.negated = true;
      g.remove_prefix(1);
    }
    if (!g.empty() && g.back() == '/') {
      p.dir_only = true;
      g.remove_suffix(1);
    }
    if (g.find('/') != std::string_view::npos) {
      p.anchored = true;
    }
    if (!g.empty() && g.front() == '/') {
      g.remove_prefix(1);
    }
    if (g.empty()) {
      continue;
    }
    p.glob = std::string(g);
    out.push_back(std::move(p));
  }
  return out;
}

namespace {

// Matches one bracket expression starting at p[0] == '['; returns the length consumed, 0 when malformed.
std::size_t match_class(std::string_view p, char c, bool& matched)
{
  std::size_t i = 1;
  bool negate = false;
  if (i < p.size() && (p[i] == '!' || p[i] == '^')) {
    negate = true;
    ++i;
  }
  bool any = false;
  bool first = true;
  while (i < p.size() && (first || p[i] != ']')) {
    first = false;
    char lo = p[i];
    if (lo == '\\' && i + 1 < p.size()) {
      lo = p[++i];
    }
    char hi = lo;
    if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
      hi = p[i + 2];
      if (hi == '\\' && i + 3 < p.size()) {
        hi = p[i + 3];
        ++i;
      }
      i += 2;
    }
    if (c >= lo && c <= hi) {
      any = true;
    }
    ++i;
  }
  if (i >= p.size()) {
    return 0;
  }
  matched = (any != negate) && c != '/';
  return i + 1;
}

}  // namespace

bool wildmatch(std::string_view p, std::string_view s)
{
  while (!p.empty()) {
    const char c = p.front();
    if (c == '*') {
      const bool dbl = p.size() >= 2 && p[1] == '*';
      if (dbl) {
        std::string_view rest = p.substr(2);
        if (rest.empty()) {
          return true;  // trailing "**": everything below
        }
        if (rest.front() == '/') {
          // "**/": zero or more leading directories.
          rest.remove_prefix(1);
          if (wildmatch(rest, s)) {
            return true;
          }
          for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] == '/' && wildmatch(rest, s.substr(i + 1))) {
              return true;
            }
          }
          return false;
        }
      }
      // A single '*' (or "**" not forming a component): any run without '/'.
      std::string_view rest = p.substr(dbl ? 2 : 1);
      for (std::size_t i = 0; i <= s.size(); ++i) {
        if (wildmatch(rest, s.substr(i))) {
          return true;
        }
        if (i < s.size() && s[i] == '/') {
          return false;
        }
      }
      return false;
    }
    if (s.empty()) {
      return false;
    }
    if (c == '?') {
      if (s.front() == '/') {
        return false;
      }
    } else if (c == '[') {
      bool matched = false;
      const std::size_t used = match_class(p, s.front(), matched);
      if (used == 0) {
        if (s.front() != '[') {
          return false;
        }
      } else {
        if (!matched) {
          return false;
        }
        p.remove_prefix(used);
        s.remove_prefix(1);
        continue;
      }
    } else if (c == '\\' && p.size() >= 2) {
      if (s.front() != p[1]) {
        return false;
      }
      p.remove_prefix(1);
    } else if (c != s.front()) {
      return false;
    }
    p.remove_prefix(1);
    s.remove_prefix(1);
  }
  return s.empty();
}

const IgnorePattern* last_match(const IgnoreFile& file, std::string_view path, bool is_dir)
{
  std::string_view rel = path;
  if (!file.base.empty()) {
    if (rel.size() <= file.base.size() || rel.substr(0, file.base.size()) != file.base || rel[file.base.size()] != '/') {
      return nullptr;
    }
    rel.remove_prefix(file.base.size() + 1);
  }
  const std::size_t slash = rel.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? rel : rel.substr(slash + 1);
  const IgnorePattern* found = nullptr;
  for (const auto& p : file.patterns) {
    if (p.dir_only && !is_dir) {
      continue;
    }
    if (p.anchored ? wildmatch(p.glob, rel) : wildmatch(p.glob, name)) {
      found = &p;
    }
  }
  return found;
}

}  // namespace dsnguard::sources
