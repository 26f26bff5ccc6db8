#include "scan/validate.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <array>

#include "dsn/judge.hpp"
#include "util/strings.hpp"

namespace dsnguard::scan {

namespace {

char opener_at(std::string_view text, std::size_t start)
{
  if (start == 0) {
    return '\0';
  }
  const char c = text[start - 1];
  // An escaped opening quote (a JSON string inside a JSON string) is closed by an escaped quote: let the parser
  // stop at any quote instead of looking for an unescaped one.
  if (util::is_quote(c) && start > 1 && text[start - 2] == '\\') {
    return '\0';
  }
  return c;
}

// The text from `start` to the end of the line, or to the enclosing quote when the match sits in quotes.
std::string_view rest_of_string(std::string_view text, std::size_t start)
{
  const char opener = opener_at(text, start);
  std::size_t end = start;
  while (end < text.size() && text[end] != '\n' && text[end] != '\r' && !(util::is_quote(opener) && text[end] == opener)) {
    ++end;
  }
  return text.substr(start, end - start);
}

// File types whose unquoted right-hand sides are expressions (variables), not literals.
bool is_code_path(std::string_view path)
{
  static constexpr std::array<std::string_view, 40> k_exts = {
      ".py", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".go", ".java", ".kt", ".kts", ".scala", ".rb", ".php",
      ".cs", ".rs", ".c", ".cc", ".cpp", ".h", ".hpp", ".swift", ".groovy", ".dart", ".pas", ".pp", ".lua", ".pl",
      ".pm", ".r", ".jl", ".ex", ".exs", ".erl", ".clj", ".hs", ".ml", ".fs", ".vb", ".m"};
  const std::string p = util::to_lower(path);
  return std::any_of(k_exts.begin(), k_exts.end(), [&](std::string_view e) { return util::ends_with_icase(p, e); });
}

// Unquoted values that are references or code rather than literals.
bool looks_like_expression(std::string_view v)
{
  if (v.find_first_of("()[]") != std::string_view::npos) {
    return true;
  }
  if (v == "|" || v == ">" || v == "|-" || v == ">-" || v == "~" || v == "null" || v == "None" || v == "nil"
      || v == "true" || v == "false" || v == "string" || v == "String" || v == "str" || v == "bool") {
    return true;
  }
  // File paths (/run/secrets/db_password, ./secrets/pw.txt) point at the secret instead of holding it.
  if ((v.size() > 1 && v[0] == '/' && v.find('/', 1) != std::string_view::npos) || v.rfind("./", 0) == 0
      || v.rfind("~/", 0) == 0) {
    return true;
  }
  // CONSTANT_NAME references (all caps with an underscore), e.g. `DB_PASSWORD = DEFAULT_DB_PASSWORD`.
  if (v.find('_') != std::string_view::npos
      && std::all_of(v.begin(), v.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; })
      && v.front() >= 'A' && v.front() <= 'Z') {
    return true;
  }
  // attribute access: os.environ, settings.DB_PASSWORD, process.env.X, config.db.password
  std::size_t i = 0;
  while (i < v.size() && (std::isalnum(static_cast<unsigned char>(v[i])) || v[i] == '_')) {
    ++i;
  }
  return i > 0 && i + 1 < v.size() && v[i] == '.' && (std::isalpha(static_cast<unsigned char>(v[i + 1])) || v[i + 1] == '_')
         && !std::isdigit(static_cast<unsigned char>(v[0]));
}

std::string family_from_label(std::string_view label)
{
  const std::string l = util::to_lower(label);
  const auto has = [&](std::string_view s) { return l.find(s) != std::string::npos; };
  if (has("mysql") || has("maria")) {
    return "mysql";
  }
  if (has("mongo")) {
    return "mongodb";
  }
  if (has("redis")) {
    return "redis";
  }
  if (has("rabbit") || has("amqp")) {
    return "amqp";
  }
  if (has("mssql") || has("sqlserver") || has("pyodbc") || l.rfind("sa_", 0) == 0) {
    return "mssql";
  }
  if (has("oracle")) {
    return "oracle";
  }
  if (has("clickhouse")) {
    return "clickhouse";
  }
  if (has("pg") || has("postgres") || has("psycopg") || has("asyncpg") || has("npgsql") || has("pool") || has("client")
      || has("timescale")) {
    return "postgresql";
  }
  return "other";
}

// Host, user, port and database written next to a bare password (driver keyword arguments, config blocks,
// `psql -h host`), so the judgement can tell a loopback test from a remote server.
void fill_context(std::string_view context, dsn::ConnInfo& info)
{
  static const RE2 k_host(R"re((?i)(?:\b(?:host|hostname|server|pghost|db_host|database_host|address)["']?\s*[:=]\s*["']?|\s-h\s*|--host[= ])([A-Za-z0-9_.%\-\[\]:]*[A-Za-z0-9_\]]))re",
                          RE2::Quiet);
  static const RE2 k_user(R"re((?i)\b(?:user|username|uid|user_id|pguser)["']?\s*[:=]\s*["']?([^"'\s,;)}]+))re", RE2::Quiet);
  static const RE2 k_port(R"re((?i)\b(?:port|pgport)["']?\s*[:=]\s*["']?([0-9]{2,5}))re", RE2::Quiet);
  static const RE2 k_db(R"re((?i)\b(?:dbname|database|db|pgdatabase)["']?\s*[:=]\s*["']([^"'\s,;)}]+))re", RE2::Quiet);
  std::string host;
  std::string user;
  std::string port;
  std::string db;
  if (RE2::PartialMatch(context, k_host, &host) && !host.empty()) {
    dsn::HostPort hp;
    hp.host = host;
    if (!host.empty() && host.front() == '[') {
      hp.host = host.substr(1, host.find(']') == std::string::npos ? std::string::npos : host.find(']') - 1);
      hp.bracketed = true;
    } else if (const auto colon = host.find(':'); colon != std::string::npos && host.find(':', colon + 1) == std::string::npos) {
      hp.host = host.substr(0, colon);
      hp.port = host.substr(colon + 1);
    }
    if (RE2::PartialMatch(context, k_port, &port) && hp.port.empty()) {
      hp.port = port;
    }
    info.hosts.push_back(hp);
  }
  static const RE2 k_sql_user(R"re((?i)\b(?:user|role|login)[ \t]+(?:if[ \t]+not[ \t]+exists[ \t]+)?["'`]?([A-Za-z0-9_.$-]+))re", RE2::Quiet);
  if (!info.user && (RE2::PartialMatch(context, k_user, &user) || RE2::PartialMatch(context, k_sql_user, &user))) {
    info.user = user;
  }
  if (!info.database && RE2::PartialMatch(context, k_db, &db)) {
    info.database = db;
  }
}

std::optional<Candidate> from_conninfo(dsn::ConnInfo info, std::size_t base)
{
  if (!info.password) {
    return std::nullopt;
  }
  Candidate c;
  c.start = base;
  c.end = base + info.end;
  c.secret = {base + info.password_span.offset, info.password_span.length};
  c.info = std::move(info);
  return c;
}

}  // namespace

std::optional<Candidate> validate(const core::Rule& rule, std::string_view text, std::size_t start, std::size_t end,
                                  std::optional<dsn::Span> group, std::string_view label, std::string_view path)
{
  const std::string& v = rule.validator;
  const char opener = opener_at(text, start);
  if (v == "uri") {
    const auto rest = text.substr(start);
    auto parsed = rest.find("://") != std::string_view::npos && rest.find("://") < 40
                      ? dsn::parse_uri(rest, opener)
                      : dsn::parse_mysql_dsn(rest_of_string(text, start));
    if (!parsed) {
      return std::nullopt;
    }
    if (parsed->form == dsn::Form::mysql_dsn && parsed->end == 0) {
      return std::nullopt;
    }
    return from_conninfo(std::move(*parsed), start);
  }
  if (v == "jdbc") {
    auto parsed = dsn::parse_jdbc(text.substr(start), opener);
    if (!parsed) {
      return std::nullopt;
    }
    return from_conninfo(std::move(*parsed), start);
  }
  if (v == "keyvalue") {
    auto parsed = dsn::parse_keyvalue(text.substr(start, end - start));
    if (!parsed) {
      return std::nullopt;
    }
    bool structural = false;
    for (const auto& [k, value] : parsed->params) {
      if (!dsn::is_libpq_keyword(k)) {
        return std::nullopt;
      }
      structural = structural || k == "host" || k == "hostaddr" || k == "dbname" || k == "user" || k == "port"
                   || k == "sslmode" || k == "service";
    }
    if (!structural) {
      return std::nullopt;
    }
    return from_conninfo(std::move(*parsed), start);
  }
  if (v == "ado") {
    auto parsed = dsn::parse_ado(rest_of_string(text, start));
    if (!parsed) {
      return std::nullopt;
    }
    return from_conninfo(std::move(*parsed), start);
  }
  if (v == "pgpass") {
    auto parsed = dsn::parse_pgpass(text.substr(start, end - start));
    if (!parsed) {
      return std::nullopt;
    }
    return from_conninfo(std::move(*parsed), start);
  }
  // assignment, kwarg, or no validator: the secret group holds the (possibly quoted) literal.
  dsn::Span span = group.value_or(dsn::Span{start, end - start});
  std::string_view value = text.substr(span.offset, span.length);
  bool quoted = false;
  if (!value.empty() && util::is_quote(value.front())) {
    if (value.size() < 2 || value.back() != value.front()) {
      return std::nullopt;
    }
    value = value.substr(1, value.size() - 2);
    span = {span.offset + 1, span.length - 2};
    quoted = true;
  }
  if (!quoted && !value.empty() && (value.front() == '#' || looks_like_expression(value))) {
    return std::nullopt;
  }
  // `setdefault("DB_PASSWORD", value)`: after a comma separator only a quoted literal is a literal.
  if (!quoted && !label.empty() && label.data() >= text.data() && label.data() + label.size() <= text.data() + text.size()) {
    const std::size_t key_end = static_cast<std::size_t>(label.data() - text.data()) + label.size();
    if (key_end <= span.offset && text.substr(key_end, span.offset - key_end).find(',') != std::string_view::npos) {
      return std::nullopt;
    }
  }
  if (!quoted && v == "assignment" && is_code_path(path)) {
    return std::nullopt;  // `password = settings.DB_PASSWORD`: an expression in code, not a literal
  }
  if (v == "kwarg" && !quoted) {
    return std::nullopt;
  }
  Candidate c;
  c.start = start;
  c.end = end;
  c.label = std::string(label);
  c.info.form = v == "kwarg" ? dsn::Form::kwarg : dsn::Form::assignment;
  c.info.family = family_from_label(label.empty() ? std::string_view(rule.id) : label);
  c.info.password = std::string(value);
  c.info.password_span = {0, value.size()};
  c.secret = span;
  // Context: the match itself for calls and config blocks; the whole line for shell assignments.
  std::size_t line_start = start;
  while (line_start > 0 && text[line_start - 1] != '\n') {
    --line_start;
  }
  std::size_t line_end = end;
  while (line_end < text.size() && text[line_end] != '\n') {
    ++line_end;
  }
  const auto context = v == "kwarg" ? text.substr(start, end - start) : text.substr(line_start, std::max(end, line_end) - line_start);
  fill_context(context, c.info);
  if (v != "kwarg" && c.info.hosts.empty() && start > line_start) {
    // Config blocks: the match may span several lines before the password.
    fill_context(text.substr(start, end - start), c.info);
  }
  return c;
}

}  // namespace dsnguard::scan
