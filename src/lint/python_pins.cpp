// P004: SQLAlchemy versions pinned or locked in Python manifests, and the version-specifier arithmetic.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "lint/checks.hpp"
#include "lint/project.hpp"
#include "util/strings.hpp"

namespace dsnguard::lint {

namespace {

bool name_char(char c)
{
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
}

// Lower case, '_' and '.' folded to '-' (PEP 503 normalisation).
std::string normalise(std::string_view name)
{
  std::string out = util::to_lower(name);
  std::replace(out.begin(), out.end(), '_', '-');
  std::replace(out.begin(), out.end(), '.', '-');
  return out;
}

std::vector<int> parse_version(std::string_view v)
{
  std::vector<int> out;
  for (auto part : util::split(v, '.')) {
    int n = 0;
    const auto r = std::from_chars(part.data(), part.data() + part.size(), n);
    if (r.ec != std::errc()) {
      break;
    }
    out.push_back(n);
  }
  return out;
}

int compare_versions(const std::vector<int>& a, const std::vector<int>& b)
{
  for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    const int x = i < a.size() ? a[i] : 0;
    const int y = i < b.size() ? b[i] : 0;
    if (x != y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

// The exclusive upper bound of a prefix: "1.4" -> "1.5" (bump the last component).
std::vector<int> bump_last(std::vector<int> v)
{
  if (!v.empty()) {
    ++v.back();
  }
  return v;
}

std::uint32_t line_of(std::string_view text, std::size_t offset)
{
  return static_cast<std::uint32_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n') + 1);
}

void pin_finding(const std::string& path, std::uint32_t line, std::string_view spec, std::vector<core::Finding>& out)
{
  out.push_back(make_finding(
    "P004", path, line, 1,
    "SQLAlchemy is held at " + util::printable(util::trim(spec))
      + ", below 2.0.33, which fixes \"SSL connection has been closed unexpectedly\" on pooled cloud connections.",
    "Allow SQLAlchemy >= 2.0.33 (e.g. sqlalchemy>=2.0.33) and update the lock file.", std::string(util::trim(spec))));
}

// requirements*.txt: "SQLAlchemy[asyncio]==1.4.46  # comment".
void pins_in_requirements(const std::string& path, std::string_view text, std::vector<core::Finding>& out)
{
  std::uint32_t line_no = 0;
  for (auto line : util::split(text, '\n')) {
    ++line_no;
    const auto hash = line.find('#');
    auto l = util::trim(hash == std::string_view::npos ? line : line.substr(0, hash));
    std::size_t i = 0;
    while (i < l.size() && name_char(l[i])) {
      ++i;
    }
    if (normalise(l.substr(0, i)) != "sqlalchemy") {
      continue;
    }
    auto rest = l.substr(i);
    if (!rest.empty() && rest.front() == '[') {
      const auto close = rest.find(']');
      rest = close == std::string_view::npos ? std::string_view() : rest.substr(close + 1);
    }
    const auto semi = rest.find(';');
    rest = util::trim(semi == std::string_view::npos ? rest : rest.substr(0, semi));
    if (!rest.empty() && spec_caps_below(rest, "2.0.33")) {
      pin_finding(path, line_no, l, out);
    }
  }
}

// pyproject.toml / Pipfile: `sqlalchemy = "^1.4"`, `SQLAlchemy = {version = "1.4.46"}` and PEP 508 strings
// "sqlalchemy>=1.4,<2" inside dependency arrays.
void pins_in_toml(const std::string& path, std::string_view text, std::vector<core::Finding>& out)
{
  std::uint32_t line_no = 0;
  for (auto line : util::split(text, '\n')) {
    ++line_no;
    const auto l = util::trim(line);
    if (l.empty() || l.front() == '#' || l.front() == '[') {
      continue;
    }
    // key = "spec" or key = {version = "spec"}
    const auto eq = l.find('=');
    if (eq != std::string_view::npos) {
      auto key = util::trim(l.substr(0, eq));
      if (key.size() >= 2 && (key.front() == '"' || key.front() == '\'') && key.back() == key.front()) {
        key = key.substr(1, key.size() - 2);
      }
      if (normalise(key) == "sqlalchemy") {
        auto value = l.substr(eq + 1);
        const auto v = value.find("version");
        if (v != std::string_view::npos) {
          value = value.substr(v + 7);
        }
        const auto q1 = value.find_first_of("\"'");
        const auto q2 = q1 == std::string_view::npos ? q1 : value.find(value[q1], q1 + 1);
        if (q2 != std::string_view::npos) {
          const auto spec = value.substr(q1 + 1, q2 - q1 - 1);
          if (spec != "*" && spec_caps_below(spec, "2.0.33")) {
            pin_finding(path, line_no, l, out);
          }
        }
        continue;
      }
    }
    // Quoted PEP 508 strings anywhere on the line.
    for (std::size_t q = l.find('"'); q != std::string_view::npos; q = l.find('"', q + 1)) {
      const auto end = l.find('"', q + 1);
      if (end == std::string_view::npos) {
        break;
      }
      const auto s = l.substr(q + 1, end - q - 1);
      std::size_t i = 0;
      while (i < s.size() && name_char(s[i])) {
        ++i;
      }
      if (normalise(s.substr(0, i)) == "sqlalchemy") {
        auto rest = s.substr(i);
        if (!rest.empty() && rest.front() == '[') {
          const auto close = rest.find(']');
          rest = close == std::string_view::npos ? std::string_view() : rest.substr(close + 1);
        }
        const auto semi = rest.find(';');
        rest = util::trim(semi == std::string_view::npos ? rest : rest.substr(0, semi));
        if (!rest.empty() && spec_caps_below(rest, "2.0.33")) {
          pin_finding(path, line_no, s, out);
        }
      }
      q = end;
    }
  }
}

// poetry.lock / uv.lock: [[package]] blocks with name = "sqlalchemy" then version = "1.4.46".
void pins_in_lock(const std::string& path, std::string_view text, std::vector<core::Finding>& out)
{
  std::uint32_t line_no = 0;
  bool in_sqlalchemy = false;
  for (auto line : util::split(text, '\n')) {
    ++line_no;
    const auto l = util::trim(line);
    if (l.rfind("[[package]]", 0) == 0) {
      in_sqlalchemy = false;
      continue;
    }
    if (l.rfind("name", 0) == 0 && l.find('=') != std::string_view::npos) {
      const auto q1 = l.find('"');
      const auto q2 = q1 == std::string_view::npos ? q1 : l.find('"', q1 + 1);
      in_sqlalchemy = q2 != std::string_view::npos && normalise(l.substr(q1 + 1, q2 - q1 - 1)) == "sqlalchemy";
      continue;
    }
    if (in_sqlalchemy && l.rfind("version", 0) == 0 && l.find('=') != std::string_view::npos) {
      const auto q1 = l.find('"');
      const auto q2 = q1 == std::string_view::npos ? q1 : l.find('"', q1 + 1);
      if (q2 != std::string_view::npos) {
        const auto v = l.substr(q1 + 1, q2 - q1 - 1);
        if (spec_caps_below("==" + std::string(v), "2.0.33")) {
          pin_finding(path, line_no, "sqlalchemy " + std::string(v), out);
        }
      }
      in_sqlalchemy = false;
    }
  }
}

// Pipfile.lock (JSON): "sqlalchemy": { ... "version": "==1.4.46" }.
void pins_in_pipfile_lock(const std::string& path, std::string_view text, std::vector<core::Finding>& out)
{
  const std::string lower = util::to_lower(text);
  for (std::size_t pos = lower.find("\"sqlalchemy\""); pos != std::string::npos;
       pos = lower.find("\"sqlalchemy\"", pos + 1)) {
    const auto block_end = lower.find('}', pos);
    const auto v = lower.find("\"version\"", pos);
    if (v == std::string::npos || v > block_end) {
      continue;
    }
    const auto q1 = lower.find('"', lower.find(':', v));
    const auto q2 = q1 == std::string::npos ? q1 : lower.find('"', q1 + 1);
    if (q2 != std::string::npos) {
      const std::string spec = lower.substr(q1 + 1, q2 - q1 - 1);
      if (spec_caps_below(spec, "2.0.33")) {
        pin_finding(path, line_of(text, v), "sqlalchemy " + spec, out);
      }
    }
  }
}


}  // namespace

void check_sqlalchemy_pins(const std::string& path, std::string_view text, std::vector<core::Finding>& out)
{
  const auto slash = path.rfind('/');
  const std::string name = util::to_lower(slash == std::string::npos ? path : path.substr(slash + 1));
  if (name == "poetry.lock" || name == "uv.lock") {
    pins_in_lock(path, text, out);
  } else if (name == "pipfile.lock") {
    pins_in_pipfile_lock(path, text, out);
  } else if (name == "pyproject.toml" || name == "pipfile") {
    pins_in_toml(path, text, out);
  } else if (util::ends_with_icase(name, ".txt")) {
    pins_in_requirements(path, text, out);
  }
}

bool spec_caps_below(std::string_view spec, std::string_view minimum)
{
  const auto min = parse_version(minimum);
  for (auto clause : util::split(spec, ',')) {
    auto c = util::trim(clause);
    if (c.size() >= 2 && (c.front() == '"' || c.front() == '\'')) {
      c = c.substr(1, c.size() - 2);
    }
    std::string_view op;
    for (std::string_view o : {"===", "==", "~=", "<=", ">=", "!=", "<", ">", "^", "~", "="}) {
      if (c.substr(0, o.size()) == o) {
        op = o;
        break;
      }
    }
    auto v = util::trim(c.substr(op.size()));
    if (v.empty() || std::isdigit(static_cast<unsigned char>(v.front())) == 0) {
      continue;
    }
    const bool wildcard = v.back() == '*';
    if (wildcard) {
      v = v.substr(0, v.find(".*"));
    }
    const auto ver = parse_version(v);
    if (ver.empty()) {
      continue;
    }
    if (op.empty() || op == "==" || op == "===" || op == "=") {
      if (wildcard ? compare_versions(bump_last(ver), min) <= 0 : compare_versions(ver, min) < 0) {
        return true;
      }
    } else if (op == "<") {
      if (compare_versions(ver, min) <= 0) {
        return true;
      }
    } else if (op == "<=") {
      if (compare_versions(ver, min) < 0) {
        return true;
      }
    } else if (op == "~=" || op == "~") {
      // ~=1.4.46 -> < 1.5; ~=1.4 -> < 2 (PEP 440); Poetry ~1.4 -> < 1.5.
      auto prefix = ver;
      if (op == "~=" && prefix.size() > 1) {
        prefix.pop_back();
      } else if (op == "~" && prefix.size() > 2) {
        prefix.resize(2);
      }
      if (compare_versions(bump_last(prefix), min) <= 0) {
        return true;
      }
    } else if (op == "^") {
      // Poetry caret: the first non-zero component is fixed.
      std::vector<int> prefix;
      for (const int n : ver) {
        prefix.push_back(n);
        if (n != 0) {
          break;
        }
      }
      if (compare_versions(bump_last(prefix), min) <= 0) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace dsnguard::lint
