#include "lint/project.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <tuple>

#include "dsn/judge.hpp"
#include "lint/checks.hpp"
#include "util/strings.hpp"

namespace dsnguard::lint {

namespace {

std::string_view basename_of(std::string_view path)
{
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool contains(std::string_view hay, std::string_view needle)
{
  return hay.find(needle) != std::string_view::npos;
}

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

std::uint32_t column_of(std::string_view text, std::size_t offset)
{
  const auto nl = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  return static_cast<std::uint32_t>(nl == std::string_view::npos || offset == 0 ? offset + 1 : offset - nl);
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

// Integer literal after `name=` inside an argument list; -1 when absent or not a literal.
std::int64_t int_kwarg(std::string_view args, std::string_view name)
{
  for (std::size_t pos = args.find(name); pos != std::string_view::npos; pos = args.find(name, pos + 1)) {
    if (pos > 0 && (std::isalnum(static_cast<unsigned char>(args[pos - 1])) != 0 || args[pos - 1] == '_')) {
      continue;
    }
    auto rest = args.substr(pos + name.size());
    std::size_t i = 0;
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) {
      ++i;
    }
    if (i >= rest.size() || rest[i] != '=' || (i + 1 < rest.size() && rest[i + 1] == '=')) {
      continue;
    }
    ++i;
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) {
      ++i;
    }
    std::int64_t n = 0;
    std::string digits;
    while (i < rest.size() && (std::isdigit(static_cast<unsigned char>(rest[i])) != 0 || rest[i] == '_')) {
      if (rest[i] != '_') {
        digits += rest[i];
      }
      ++i;
    }
    if (digits.empty() || std::from_chars(digits.data(), digits.data() + digits.size(), n).ec != std::errc()) {
      return -1;
    }
    return n;
  }
  return -1;
}

bool bool_kwarg_true(std::string_view args, std::string_view name)
{
  for (std::size_t pos = args.find(name); pos != std::string_view::npos; pos = args.find(name, pos + 1)) {
    auto rest = args.substr(pos + name.size());
    std::size_t i = 0;
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '=')) {
      ++i;
    }
    if (rest.substr(i, 4) == "True") {
      return true;
    }
  }
  return false;
}

void find_engine_calls(const std::string& path, std::string_view text, ProjectFacts& facts)
{
  for (const std::string_view needle : {std::string_view("create_engine("), std::string_view("create_async_engine(")}) {
  for (std::size_t pos = text.find(needle); pos != std::string_view::npos; pos = text.find(needle, pos + 1)) {
    if (pos > 0 && (std::isalnum(static_cast<unsigned char>(text[pos - 1])) != 0 || text[pos - 1] == '_')) {
      continue;
    }
    const std::size_t start = pos;
    const std::size_t open = pos + needle.size();
    // Argument text up to the matching parenthesis (strings are skipped so a ')' in a URL does not end it).
    std::size_t i = open;
    int depth = 1;
    char quote = 0;
    for (; i < text.size() && depth > 0; ++i) {
      const char c = text[i];
      if (quote != 0) {
        if (c == '\\') {
          ++i;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')') {
        --depth;
      }
    }
    const auto args = text.substr(open, i - open);
    EngineCall call;
    call.path = path;
    call.line = line_of(text, start);
    call.column = column_of(text, start);
    call.pool_pre_ping = bool_kwarg_true(args, "pool_pre_ping");
    call.pool_recycle = int_kwarg(args, "pool_recycle");
    call.pool_size = int_kwarg(args, "pool_size");
    const auto scheme = args.find("://");
    if (scheme != std::string_view::npos) {
      const auto q1 = args.find_last_of("\"'", scheme);
      if (q1 != std::string_view::npos) {
        const auto q2 = args.find(args[q1], scheme);
        if (q2 != std::string_view::npos) {
          call.literal_url = std::string(args.substr(q1 + 1, q2 - q1 - 1));
        }
      }
    }
    facts.engine_calls.push_back(std::move(call));
  }
  }
  std::sort(facts.engine_calls.begin(), facts.engine_calls.end(), [](const EngineCall& a, const EngineCall& b) {
    return std::tie(a.path, a.line, a.column) < std::tie(b.path, b.line, b.column);
  });
}

bool is_python(std::string_view path)
{
  return util::ends_with_icase(path, ".py");
}

}  // namespace

bool is_source_code(std::string_view path)
{
  static constexpr std::string_view k_ext[] = {".py", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".rb", ".go",
                                              ".java", ".kt", ".php", ".cs", ".rs", ".ex", ".exs", ".scala", ".swift"};
  return std::any_of(std::begin(k_ext), std::end(k_ext), [&](std::string_view e) { return util::ends_with_icase(path, e); });
}

bool is_python_manifest(std::string_view path)
{
  const auto name = util::to_lower(basename_of(path));
  return (name.rfind("requirements", 0) == 0 && util::ends_with_icase(name, ".txt"))
         || (contains(path, "requirements/") && util::ends_with_icase(name, ".txt")) || name == "pyproject.toml"
         || name == "pipfile" || name == "pipfile.lock" || name == "poetry.lock" || name == "uv.lock"
         || name == "setup.py" || name == "setup.cfg" || name == "environment.yml";
}

void observe_file(const std::string& path, std::string_view text, ProjectFacts& facts, std::vector<core::Finding>& out)
{
  const auto name = util::to_lower(basename_of(path));
  if (is_python_manifest(path)) {
    facts.python_manifest = true;
    facts.manifest_text += util::to_lower(text);
    facts.manifest_text += '\n';
    if (has_python_dependency(facts, "sqlalchemy") || has_python_dependency(facts, "flask-sqlalchemy")
        || has_python_dependency(facts, "sqlmodel")) {
      facts.uses_sqlalchemy = true;
    }
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
  if (name == "alembic.ini") {
    facts.uses_sqlalchemy = true;
  }
  if (util::ends_with_icase(name, ".prisma")) {
    facts.uses_prisma = true;
    if (contains(text, "directUrl")) {
      facts.prisma_direct_url = true;
    }
    if (contains(text, "env(\"DATABASE_URL\")")) {
      facts.reads_env = true;
    }
  }
  if (name == "package.json" && contains(text, "\"@prisma/client\"")) {
    facts.uses_prisma = true;
  }
  if (name == "package.json" && contains(text, "\"dotenv\"")) {
    facts.reads_env = true;
  }
  if ((name.rfind("docker-compose", 0) == 0 || name.rfind("compose", 0) == 0)
      && (util::ends_with_icase(name, ".yml") || util::ends_with_icase(name, ".yaml")) && contains(text, "env_file")) {
    facts.reads_env = true;
  }
  if (!is_source_code(path)) {
    return;
  }
  if (is_python(path)) {
    if (contains(text, "import sqlalchemy") || contains(text, "from sqlalchemy") || contains(text, "create_engine(")
        || contains(text, "SQLALCHEMY_DATABASE_URI") || contains(text, "flask_sqlalchemy") || contains(text, "sqlmodel")) {
      facts.uses_sqlalchemy = true;
    }
    find_engine_calls(path, text, facts);
  }
  if (contains(text, "load_dotenv") || contains(text, "dotenv.config") || contains(text, "require('dotenv')")
      || contains(text, "require(\"dotenv\")") || contains(text, "dotenv/config") || contains(text, "environ.Env")
      || contains(text, "dj_database_url")) {
    facts.reads_env = true;
  }
  if (contains(text, "DATABASE_URL")
      && (contains(text, "getenv") || contains(text, "environ") || contains(text, "process.env") || contains(text, "ENV[")
          || contains(text, "env::var") || contains(text, "Getenv") || contains(text, "env(") || contains(text, "config("))) {
    facts.reads_env = true;
  }
  // Heroku-style startup rewrite: url.replace("postgres://", "postgresql://", 1).
  for (auto line : util::split(text, '\n')) {
    if (contains(line, "postgres://") && contains(line, "postgresql") && (contains(line, "replace") || contains(line, "sub("))) {
      facts.rewrites_postgres_scheme = true;
      break;
    }
  }
}

bool has_python_dependency(const ProjectFacts& facts, std::string_view name)
{
  const std::string& t = facts.manifest_text;
  const std::string want = normalise(name);
  // Token match on the lower-cased manifests, with '_' and '-' spellings; "psycopg2-binary" counts as psycopg2
  // (it provides the same module) but "psycopg2" does not count as "psycopg".
  for (const std::string& spelling : {want, [&] {
         std::string s = want;
         std::replace(s.begin(), s.end(), '-', '_');
         return s;
       }()}) {
    for (std::size_t pos = t.find(spelling); pos != std::string::npos; pos = t.find(spelling, pos + 1)) {
      const bool left_ok = pos == 0 || !(std::isalnum(static_cast<unsigned char>(t[pos - 1])) != 0 || t[pos - 1] == '-'
                                        || t[pos - 1] == '_' || t[pos - 1] == '.');
      const std::size_t end = pos + spelling.size();
      const bool right_ok = end >= t.size() || !(std::isalnum(static_cast<unsigned char>(t[end])) != 0 || t[end] == '_');
      if (left_ok && right_ok) {
        return true;
      }
    }
  }
  return false;
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

namespace {

std::optional<std::string> provider_of_info(const dsn::ConnInfo& info)
{
  for (const auto& h : info.hosts) {
    if (auto p = dsn::provider_of(h.host)) {
      return p;
    }
  }
  return std::nullopt;
}

bool free_tier_provider(std::string_view p)
{
  return p == "neon" || p == "supabase" || p == "heroku" || p == "render" || p == "railway" || p == "aiven"
         || p == "timescale" || p == "crunchy";
}

}  // namespace

void check_engine_calls(const ProjectFacts& facts, const std::vector<dsn::ConnInfo>& project_urls,
                        std::vector<core::Finding>& out)
{
  for (const auto& call : facts.engine_calls) {
    std::optional<std::string> provider;
    if (!call.literal_url.empty()) {
      if (auto info = dsn::parse_uri(call.literal_url)) {
        provider = provider_of_info(*info);
      }
    } else {
      for (const auto& info : project_urls) {
        if ((provider = provider_of_info(info))) {
          break;
        }
      }
    }
    if (!provider) {
      continue;
    }
    const std::string where = call.literal_url.empty() ? "the project's DATABASE_URL" : "this URL";
    if (!call.pool_pre_ping) {
      out.push_back(make_finding(
        "P002", call.path, call.line, call.column,
        "create_engine() connects to a " + *provider + " host (" + where
          + ") without pool_pre_ping=True, so connections the provider closed while idle fail the next query.",
        "Pass pool_pre_ping=True to create_engine()" + std::string(*provider == "neon" ? " (and pool_recycle=240)" : "")
          + "."));
    }
    if (*provider == "neon" && call.pool_recycle > 300) {
      out.push_back(make_finding(
        "P003", call.path, call.line, call.column,
        "pool_recycle=" + std::to_string(call.pool_recycle)
          + " keeps connections longer than Neon's 300 s scale-to-zero idle timeout, so recycled connections are "
            "already dead.",
        "Use pool_recycle=240 (below 300 s) together with pool_pre_ping=True."));
    }
    if (call.pool_size > 5 && free_tier_provider(*provider)) {
      out.push_back(make_finding(
        "P006", call.path, call.line, call.column,
        "pool_size=" + std::to_string(call.pool_size) + " per process on " + *provider
          + " can exhaust the small connection limit of free-tier plans.",
        "Use pool_size=5 or less, or connect through the provider's pooler."));
    }
  }
}

void check_driver(const ProjectFacts& facts, const dsn::ConnInfo& info, const std::string& path, std::uint32_t line,
                  std::uint32_t column, const std::string& match, std::vector<core::Finding>& out)
{
  if (!facts.python_manifest || info.form != dsn::Form::uri) {
    return;
  }
  const std::string scheme = util::to_lower(info.scheme);
  const auto plus = scheme.find('+');
  const std::string base = scheme.substr(0, plus);
  std::string driver = plus == std::string::npos ? "" : scheme.substr(plus + 1);
  if (driver.empty()) {
    // A bare scheme means the dialect's default driver only for SQLAlchemy consumers.
    if (!facts.uses_sqlalchemy) {
      return;
    }
    if (base == "postgresql" || base == "postgres") {
      driver = "psycopg2";
    } else if (base == "mysql" || base == "mariadb") {
      driver = "mysqldb";
    } else {
      return;
    }
  }
  struct Need {
    std::string_view driver;
    std::vector<std::string_view> packages;  // any of these satisfies it
    std::string_view install;
  };
  static const std::vector<Need> k_needs = {
    {"psycopg2", {"psycopg2", "psycopg2-binary"}, "psycopg2-binary"},
    {"psycopg", {"psycopg", "psycopg-binary"}, "psycopg[binary]"},
    {"psycopg_async", {"psycopg", "psycopg-binary"}, "psycopg[binary]"},
    {"asyncpg", {"asyncpg"}, "asyncpg"},
    {"pg8000", {"pg8000"}, "pg8000"},
    {"psycopg2cffi", {"psycopg2cffi"}, "psycopg2cffi"},
    {"pymysql", {"pymysql"}, "PyMySQL"},
    {"mysqldb", {"mysqlclient"}, "mysqlclient"},
    {"aiomysql", {"aiomysql"}, "aiomysql"},
    {"asyncmy", {"asyncmy"}, "asyncmy"},
    {"mysqlconnector", {"mysql-connector-python"}, "mysql-connector-python"},
  };
  const auto it = std::find_if(k_needs.begin(), k_needs.end(), [&](const Need& n) { return n.driver == driver; });
  if (it == k_needs.end()) {
    return;
  }
  for (const auto pkg : it->packages) {
    if (has_python_dependency(facts, pkg)) {
      return;
    }
  }
  out.push_back(make_finding(
    "P005", path, line, column,
    "The URL needs the " + std::string(it->driver) + " driver, which is not in the project's dependencies (\"No module named "
      + std::string(it->driver == "mysqldb" ? "MySQLdb" : it->driver) + "\" at startup).",
    "Add " + std::string(it->install) + " to the project's dependencies (requirements.txt or pyproject.toml).", match));
}

}  // namespace dsnguard::lint
