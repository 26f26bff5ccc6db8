#include "lint/url_scan.hpp"

#include <algorithm>
#include <cctype>

#include "dsn/conninfo.hpp"
#include "lint/uri_render.hpp"
#include "util/strings.hpp"

namespace dsnguard::lint {

namespace {

// Characters that end a URL in prose, code and config files.
bool url_end(char c)
{
  return std::isspace(static_cast<unsigned char>(c)) != 0 || c == '"' || c == '\'' || c == '`' || c == '<' || c == '>'
         || c == '\\' || c == '|' || c == '^';
}

bool ident_char(char c)
{
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' || c == '-';
}

// The key a value on this line is assigned to: `DATABASE_URL=`, `sqlalchemy.url = `, `"url": `, `DIRECT_URL: `.
std::string key_before(std::string_view text, std::size_t offset)
{
  const auto nl = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  const std::size_t line_start = nl == std::string_view::npos || offset == 0 ? 0 : nl + 1;
  std::string_view before = text.substr(line_start, offset - line_start);
  // Last '=' or ':' before the value.
  const auto sep = before.find_last_of("=:");
  if (sep == std::string_view::npos) {
    return {};
  }
  std::size_t end = sep;
  while (end > 0 && (before[end - 1] == ' ' || before[end - 1] == '"' || before[end - 1] == '\'' || before[end - 1] == '\t')) {
    --end;
  }
  std::size_t start = end;
  while (start > 0 && ident_char(before[start - 1])) {
    --start;
  }
  return std::string(before.substr(start, end - start));
}

constexpr std::string_view k_libpq_keys[] = {"host=", "hostaddr=", "port=", "dbname=", "user=", "password=", "sslmode="};

}  // namespace

SchemeClass classify_scheme(std::string_view scheme_in, std::string* suggestion)
{
  std::string scheme = util::to_lower(scheme_in);
  if (scheme.rfind("jdbc:", 0) == 0) {
    scheme = scheme.substr(5);
  }
  const auto plus = scheme.find('+');
  const std::string base = scheme.substr(0, plus);
  const std::string driver = plus == std::string::npos ? "" : scheme.substr(plus);
  if (base == "postgres" || base == "postgresql") {
    return SchemeClass::postgres;
  }
  static constexpr std::string_view k_aliases[] = {"pgsql", "postgis", "timescale", "timescalegis", "redshift", "cockroach"};
  if (std::find(std::begin(k_aliases), std::end(k_aliases), base) != std::end(k_aliases)) {
    return SchemeClass::other_db;
  }
  static constexpr std::string_view k_typos[] = {"psql", "pg", "postgre", "postgress", "postgresq", "postgressql",
                                                 "postgrsql", "postgesql", "posgres", "posgresql", "postgreql", "postgrees"};
  const bool listed = std::find(std::begin(k_typos), std::end(k_typos), base) != std::end(k_typos);
  const bool close = base.size() >= 6 && (edit_distance(base, "postgres") <= 2 || edit_distance(base, "postgresql") <= 2);
  if (listed || close) {
    if (suggestion != nullptr) {
      *suggestion = (scheme_in.size() >= 5 && util::starts_with_icase(scheme_in, "jdbc:") ? "jdbc:postgresql" : "postgresql") + driver;
    }
    return SchemeClass::postgres_typo;
  }
  if (!dsn::family_of_scheme(base).empty()) {
    return SchemeClass::other_db;
  }
  static constexpr std::string_view k_other[] = {"mysql", "mariadb", "mongodb", "mongodb+srv", "redis", "rediss",
                                                 "amqp", "amqps", "mssql", "sqlserver", "oracle", "clickhouse"};
  if (std::find(std::begin(k_other), std::end(k_other), base) != std::end(k_other)) {
    return SchemeClass::other_db;
  }
  return SchemeClass::none;
}

std::vector<UrlCandidate> find_url_candidates(std::string_view text)
{
  std::vector<UrlCandidate> out;
  std::size_t covered = 0;  // candidates never overlap
  for (std::size_t pos = text.find("://"); pos != std::string_view::npos; pos = text.find("://", pos + 3)) {
    std::size_t start = pos;
    // '_' as well: SQLAlchemy driver names have it (postgresql+psycopg_async, oracle+cx_oracle).
    while (start > 0 && util::is_url_scheme_char(text[start - 1])) {
      --start;
    }
    if (start == pos || start < covered || std::isalpha(static_cast<unsigned char>(text[start])) == 0) {
      continue;
    }
    if (start >= 5 && util::iequals(text.substr(start - 5, 5), "jdbc:")) {
      start -= 5;
    }
    if (classify_scheme(text.substr(start, pos - start)) == SchemeClass::none) {
      continue;
    }
    std::size_t end = pos + 3;
    while (end < text.size() && !url_end(text[end])) {
      // Templates may hold spaces: ${PASSWORD:?Variable not set}, {{ password }}.
      if (text.compare(end, 2, "${") == 0 || text.compare(end, 2, "{{") == 0) {
        const auto close = text.find(text[end] == '$' ? "}" : "}}", end + 2);
        const auto nl = text.find('\n', end);
        if (close != std::string_view::npos && (nl == std::string_view::npos || close < nl)) {
          end = close + (text[end] == '$' ? 1 : 2);
          continue;
        }
      }
      ++end;
    }
    // Trailing prose punctuation and an unbalanced closing bracket are not part of the URL.
    while (end > pos + 3) {
      const char c = text[end - 1];
      const auto body = text.substr(start, end - start);
      if (c == '.' || c == ',' || c == ';'
          || (c == ')' && std::count(body.begin(), body.end(), '(') < std::count(body.begin(), body.end(), ')'))) {
        --end;
      } else {
        break;
      }
    }
    UrlCandidate c;
    c.offset = start;
    c.text = text.substr(start, end - start);
    c.key = key_before(text, start);
    out.push_back(std::move(c));
    covered = end;
  }
  // libpq key=value strings: "host=db.example.com port=5432 dbname=app user=u password=...".
  std::vector<UrlCandidate> kv;
  for (std::size_t pos = text.find("host="); pos != std::string_view::npos; pos = text.find("host=", pos + 5)) {
    if (pos > 0 && (ident_char(text[pos - 1]) || text[pos - 1] == '?' || text[pos - 1] == '&')) {
      continue;
    }
    const bool inside_url = std::any_of(out.begin(), out.end(), [&](const UrlCandidate& u) {
      return pos >= u.offset && pos < u.offset + u.text.size();
    });
    if (inside_url) {
      continue;
    }
    // Extent: the enclosing quotes when the string is quoted, else the rest of the line.
    const auto nl = text.rfind('\n', pos == 0 ? 0 : pos - 1);
    const std::size_t line_start = nl == std::string_view::npos || pos == 0 ? 0 : nl + 1;
    std::size_t line_end = text.find('\n', pos);
    if (line_end == std::string_view::npos) {
      line_end = text.size();
    }
    std::size_t start = line_start;
    std::size_t end = line_end;
    const auto q = text.substr(line_start, pos - line_start).find_last_of("\"'`");
    if (q != std::string_view::npos) {
      const char quote = text[line_start + q];
      const auto close = text.find(quote, pos);
      if (close != std::string_view::npos && close <= line_end) {
        start = line_start + q + 1;
        end = close;
      }
    } else {
      start = pos;
    }
    // Start at the first libpq keyword in the extent.
    std::size_t first = pos;
    for (const auto key : k_libpq_keys) {
      const auto k = text.substr(start, end - start).find(key);
      if (k != std::string_view::npos && start + k < first
          && (start + k == start || !ident_char(text[start + k - 1]))) {
        first = start + k;
      }
    }
    const auto body = text.substr(first, end - first);
    int keys = 0;
    for (const auto key : k_libpq_keys) {
      if (body.find(key) != std::string_view::npos) {
        ++keys;
      }
    }
    // host= alone is too common (HTML, shell, logs); require a second libpq keyword and a space-separated form.
    if (keys < 2 || body.find(' ') == std::string_view::npos || body.find('&') != std::string_view::npos) {
      continue;
    }
    UrlCandidate c;
    c.offset = first;
    c.text = body;
    c.key = key_before(text, first);
    c.keyvalue = true;
    kv.push_back(std::move(c));
    pos = end;
  }
  out.insert(out.end(), kv.begin(), kv.end());
  std::sort(out.begin(), out.end(), [](const UrlCandidate& a, const UrlCandidate& b) { return a.offset < b.offset; });
  return out;
}

RawUserinfo raw_userinfo(std::string_view uri)
{
  RawUserinfo r;
  const auto sep = uri.find("://");
  if (sep == std::string_view::npos) {
    return r;
  }
  const std::size_t auth = sep + 3;
  // The LAST '@' of the text that is not inside the query: libpq stops at the first '@' or '/', which is exactly
  // the silent mis-parse we want to flag. A '?' after the last '@' is the query; one before it is in the userinfo.
  std::size_t at = std::string_view::npos;
  for (std::size_t i = auth; i < uri.size(); ++i) {
    if (uri[i] == '@') {
      at = i;
    }
  }
  if (at == std::string_view::npos) {
    return r;
  }
  // An '@' after the first '/' that follows a host-looking part and a '?' is a query value (e.g. ?user=a@b).
  const auto qmark = uri.find('?', auth);
  if (qmark != std::string_view::npos && qmark < at) {
    const auto eq = uri.find('=', qmark);
    if (eq != std::string_view::npos && eq < at) {
      // "...?x=a@b": the '@' belongs to the query unless another '@' precedes the '?'.
      const auto earlier = uri.substr(auth, qmark - auth).rfind('@');
      if (earlier == std::string_view::npos) {
        return r;
      }
      at = auth + earlier;
    }
  }
  r.present = true;
  r.user_offset = auth;
  const auto colon = uri.substr(auth, at - auth).find(':');
  if (colon == std::string_view::npos) {
    r.user_length = at - auth;
  } else {
    r.user_length = colon;
    r.has_password = true;
    r.password_offset = auth + colon + 1;
    r.password_length = at - r.password_offset;
  }
  r.host_offset = at + 1;
  return r;
}

std::uint32_t line_at(std::string_view text, std::size_t offset)
{
  return static_cast<std::uint32_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n') + 1);
}

std::uint32_t column_at(std::string_view text, std::size_t offset)
{
  if (offset == 0) {
    return 1;
  }
  const auto nl = text.rfind('\n', offset - 1);
  return static_cast<std::uint32_t>(nl == std::string_view::npos ? offset + 1 : offset - nl);
}

}  // namespace dsnguard::lint
