// URI form: scheme://[user[:password]@]host[:port][,host2[:port2]...][/db][?k=v&...][#frag], for every database
// scheme (libpq, SQLAlchemy dialect+driver, MySQL, MongoDB, Redis, AMQP, ...). See the reference
// postgres-urls-and-libpq.md section 1 and detection-landscape.md section 5 for the splitting rules.
#include <algorithm>

#include "dsn/conninfo.hpp"
#include "dsn/detail.hpp"
#include "util/strings.hpp"

namespace dsnguard::dsn {

using core::ErrorCode;
using core::fail;

namespace {

bool is_alpha(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_space_or_ctl(char c)
{
  const auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7f;
}

// End of the raw URI text starting at `from`: whitespace always ends it; inside quotes only the enclosing quote
// does, elsewhere any quote; '<' pairs with '>', '(' with the unbalanced ')'; Markdown "](" ends a link label.
std::size_t extent_end(std::string_view text, std::size_t from, char opener)
{
  int parens = 0;
  std::size_t i = from;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (is_space_or_ctl(c)) {
      break;
    }
    if (util::is_quote(opener)) {
      // A backslash-escaped quote (\" inside "...") belongs to the value.
      if (c == opener && !(i > from && text[i - 1] == '\\')) {
        break;
      }
      continue;
    }
    if (util::is_quote(c) || (opener == '<' && c == '>')) {
      break;
    }
    if (c == '(') {
      ++parens;
    } else if (c == ')') {
      if (parens == 0 && opener == '(') {
        break;
      }
      parens = std::max(0, parens - 1);
    } else if (c == ']' && i + 1 < text.size() && text[i + 1] == '(') {
      break;
    }
  }
  return i;
}

// Drops trailing punctuation that belongs to the surrounding prose or markup, not to the URI.
std::size_t trim_trailing(std::string_view text, std::size_t from, std::size_t end)
{
  while (end > from) {
    const char c = text[end - 1];
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '*' || c == '\\' || c == '>') {
      --end;
      continue;
    }
    if (c == ')' || c == ']' || c == '}') {
      const char open = c == ')' ? '(' : (c == ']' ? '[' : '{');
      const auto seg = text.substr(from, end - from);
      const auto opens = std::count(seg.begin(), seg.end(), open);
      const auto closes = std::count(seg.begin(), seg.end(), c);
      if (closes > opens) {
        --end;
        continue;
      }
    }
    break;
  }
  return end;
}

// True when `userinfo` is really a path or query that happens to contain '@' (e.g. "?user=me@corp").
bool looks_like_path_or_query(std::string_view userinfo)
{
  const auto colon = userinfo.find(':');
  const auto user = userinfo.substr(0, colon);
  if (user.find_first_of("/?#") != std::string_view::npos) {
    return true;
  }
  for (std::size_t q = userinfo.find('?'); q != std::string_view::npos; q = userinfo.find('?', q + 1)) {
    std::size_t k = q + 1;
    while (k < userinfo.size() && (is_alpha(userinfo[k]) || userinfo[k] == '_')) {
      ++k;
    }
    if (k > q + 1 && k < userinfo.size() && userinfo[k] == '=') {
      return true;
    }
  }
  return false;
}

// True when `s` starts with something that can be a host list: up to the first '/', '?' or '#', only host,
// port, bracket, comma, percent-escape and template characters.
bool plausible_host_list(std::string_view s)
{
  std::size_t i = 0;
  bool in_brackets = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '[') {
      in_brackets = true;
    } else if (c == ']') {
      in_brackets = false;
    } else if (!in_brackets && (c == '/' || c == '?' || c == '#')) {
      break;
    } else if (!(is_alpha(c) || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == ':' || c == ','
                 || c == '%' || c == '$' || c == '{' || c == '}' || c == '~' || c == '(' || c == ')'
                 || static_cast<unsigned char>(c) >= 0x80)) {
      return false;
    }
  }
  return true;
}

void note_userinfo_problems(std::string_view raw, ConnInfo& info)
{
  if (raw.find('@') != std::string_view::npos) {
    info.raw_at_in_userinfo = true;
    info.problems.emplace_back("unencoded '@' in userinfo");
  }
  for (const char c : std::string_view("/?#[] ")) {
    if (raw.find(c) != std::string_view::npos) {
      info.problems.push_back(std::string("unencoded '") + c + "' in userinfo");
    }
  }
}

}  // namespace

std::string_view to_string(Form form)
{
  switch (form) {
  case Form::uri: return "uri";
  case Form::keyvalue: return "keyvalue";
  case Form::jdbc: return "jdbc";
  case Form::ado: return "ado";
  case Form::pgpass: return "pgpass";
  case Form::assignment: return "assignment";
  case Form::kwarg: return "kwarg";
  case Form::mysql_dsn: return "dsn";
  }
  return "uri";
}

std::optional<std::string> ConnInfo::param(std::string_view key) const
{
  for (const auto& [k, v] : params) {
    if (k == key) {
      return v;
    }
  }
  return std::nullopt;
}

core::Expected<ConnInfo> parse_uri(std::string_view text)
{
  return parse_uri(text, '\0');
}

core::Expected<ConnInfo> parse_uri(std::string_view text, char opener)
{
  std::size_t i = 0;
  if (text.empty() || !is_alpha(text[0])) {
    return fail(ErrorCode::parse, "not a URI: no scheme");
  }
  while (i < text.size() && util::is_url_scheme_char(text[i])) {
    ++i;
  }
  if (text.substr(i, 3) != "://") {
    return fail(ErrorCode::parse, "not a URI: no \"://\" after the scheme");
  }
  ConnInfo info;
  info.form = Form::uri;
  info.scheme = detail::lower(text.substr(0, i));
  info.family = family_of_scheme(info.scheme);
  if (const auto plus = info.scheme.find('+'); plus != std::string::npos) {
    const auto suffix = info.scheme.substr(plus + 1);
    if (suffix != "srv" && suffix != "s" && suffix != "ssc" && suffix != "sentinel") {
      info.driver = suffix;
    }
  }
  const std::size_t base = i + 3;
  std::size_t end = trim_trailing(text, base, extent_end(text, base, opener));
  info.end = end;
  std::string_view rest = text.substr(base, end - base);

  // Userinfo ends at the LAST '@' whose left part is not a path or query and whose right part is a plausible
  // host list (so raw '@', '#', '/' or '?' in a password stay in it, while "?user=me@corp" stays in the query).
  std::size_t host_start = 0;
  for (std::size_t at = rest.rfind('@'); at != std::string_view::npos; at = at == 0 ? std::string_view::npos : rest.rfind('@', at - 1)) {
    const auto userinfo = rest.substr(0, at);
    if (looks_like_path_or_query(userinfo) || !plausible_host_list(rest.substr(at + 1))) {
      continue;
    }
    host_start = at + 1;
    note_userinfo_problems(userinfo, info);
    const auto colon = userinfo.find(':');
    const auto raw_user = userinfo.substr(0, colon);
    bool ok = true;
    info.user = percent_decode(raw_user, &ok);
    if (!ok) {
      info.problems.emplace_back("invalid percent-encoding in the user name");
    }
    info.user_span = {base, raw_user.size()};
    if (colon != std::string_view::npos) {
      const auto raw_pw = userinfo.substr(colon + 1);
      info.password = percent_decode(raw_pw, &ok);
      info.raw_password = std::string(raw_pw);
      if (!ok) {
        info.problems.emplace_back("invalid percent-encoding in the password");
      }
      info.password_span = {base + colon + 1, raw_pw.size()};
    }
    break;
  }

  // Host list: up to the first '/', '?' or '#' outside brackets.
  std::size_t k = host_start;
  bool in_brackets = false;
  for (; k < rest.size(); ++k) {
    const char c = rest[k];
    if (c == '[') {
      in_brackets = true;
    } else if (c == ']') {
      in_brackets = false;
    } else if (!in_brackets && (c == '/' || c == '?' || c == '#')) {
      break;
    }
  }
  if (in_brackets) {
    info.problems.emplace_back("unterminated '[' in an IPv6 host");
  }
  info.hosts = detail::parse_host_list(rest.substr(host_start, k - host_start));
  for (const auto& h : info.hosts) {
    bool ok = true;
    percent_decode(h.host, &ok);
    if (h.host.find('%') != std::string::npos && !ok) {
      info.problems.emplace_back("invalid percent-encoding in the host");
    }
  }

  // Path (database), query, fragment.
  if (k < rest.size() && rest[k] == '/') {
    const auto path_end = rest.find_first_of("?#", k + 1);
    const auto raw_db = rest.substr(k + 1, (path_end == std::string_view::npos ? rest.size() : path_end) - k - 1);
    if (!raw_db.empty()) {
      info.database = percent_decode(raw_db);
    }
    k = path_end == std::string_view::npos ? rest.size() : path_end;
  }
  if (k < rest.size() && rest[k] == '?') {
    const auto q_end = rest.find('#', k + 1);
    const auto query = rest.substr(k + 1, (q_end == std::string_view::npos ? rest.size() : q_end) - k - 1);
    detail::parse_query(query, base + k + 1, '&', info);
    k = q_end == std::string_view::npos ? rest.size() : q_end;
  }
  if (k < rest.size() && rest[k] == '#') {
    info.fragment = std::string(rest.substr(k + 1));
  }
  return info;
}

std::string family_of_scheme(std::string_view scheme_in)
{
  const std::string scheme = detail::lower(scheme_in);
  const auto plus = scheme.find('+');
  const std::string head = scheme.substr(0, plus);
  static const std::pair<const char*, const char*> k_map[] = {
      {"postgres", "postgresql"},   {"postgresql", "postgresql"}, {"pgsql", "postgresql"},
      {"postgis", "postgresql"},    {"timescale", "postgresql"},  {"timescaledb", "postgresql"},
      {"timescalegis", "postgresql"}, {"pg", "postgresql"},
      {"mysql", "mysql"},           {"mariadb", "mysql"},         {"mysqlx", "mysql"},
      {"mysql2", "mysql"},          {"mongodb", "mongodb"},       {"mongo", "mongodb"},
      {"redis", "redis"},           {"rediss", "redis"},          {"valkey", "redis"},
      {"valkeys", "redis"},         {"amqp", "amqp"},             {"amqps", "amqp"},
      {"mssql", "mssql"},           {"sqlserver", "mssql"},       {"oracle", "oracle"},
      {"cockroachdb", "cockroachdb"}, {"cockroach", "cockroachdb"}, {"clickhouse", "clickhouse"},
      {"clickhouses", "clickhouse"}, {"redshift", "other"},       {"snowflake", "other"},
      {"db2", "other"},             {"ibm_db_sa", "other"},       {"couchdb", "other"},
      {"couchbase", "other"},       {"couchbases", "other"},      {"neo4j", "other"},
      {"bolt", "other"},            {"cassandra", "other"},       {"influxdb", "other"},
      {"memcached", "other"},       {"memcache", "other"},        {"nats", "other"},
      {"vertica", "other"},         {"teradata", "other"},        {"trino", "other"},
      {"presto", "other"},          {"hive", "other"},            {"firebird", "other"},
      {"sybase", "other"},          {"hana", "other"},            {"yugabytedb", "postgresql"},
      {"crate", "other"},           {"arangodb", "other"},        {"rethinkdb", "other"},
      {"databricks", "other"},      {"bigquery", "other"},        {"duckdb", "other"},
      {"sqlite", "other"},          {"questdb", "other"},         {"scylladb", "other"},
  };
  for (const auto& [name, family] : k_map) {
    if (head == name) {
      return family;
    }
  }
  return {};
}

std::string_view family_display_name(std::string_view family)
{
  static const std::pair<std::string_view, std::string_view> k_names[] = {
      {"postgresql", "PostgreSQL"}, {"mysql", "MySQL"},          {"mongodb", "MongoDB"},
      {"redis", "Redis"},           {"amqp", "AMQP"},            {"mssql", "SQL Server"},
      {"oracle", "Oracle"},         {"cockroachdb", "CockroachDB"}, {"clickhouse", "ClickHouse"},
  };
  for (const auto& [k, v] : k_names) {
    if (k == family) {
      return v;
    }
  }
  return "database";
}

core::Expected<ConnInfo> parse_any(std::string_view text)
{
  const auto t = detail::lower(text.substr(0, std::min<std::size_t>(text.size(), 8)));
  if (t.rfind("jdbc:", 0) == 0) {
    return parse_jdbc(text);
  }
  if (auto uri = parse_uri(text)) {
    return uri;
  }
  // ';' separates ADO pairs; libpq key=value pairs are separated by blanks.
  if (text.find(';') != std::string_view::npos) {
    if (auto ado = parse_ado(text)) {
      return ado;
    }
    return parse_keyvalue(text);
  }
  if (auto kv = parse_keyvalue(text)) {
    return kv;
  }
  return parse_ado(text);
}

}  // namespace dsnguard::dsn
