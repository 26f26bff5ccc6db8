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

// Lower case, '_' and '.' folded to '-' (PEP 503 normalisation).
std::string normalise(std::string_view name)
{
  std::string out = util::to_lower(name);
  std::replace(out.begin(), out.end(), '_', '-');
  std::replace(out.begin(), out.end(), '.', '-');
  return out;
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
    check_sqlalchemy_pins(path, text, out);
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

}  // namespace dsnguard::lint
