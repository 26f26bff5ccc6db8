// JDBC URLs: jdbc:<subprotocol>:..., credentials in userinfo (MySQL, MariaDB), in `?user=&password=` (pgjdbc,
// Connector/J), in `;user=;password=` properties (SQL Server, jTDS, DB2) or before '@' (Oracle thin).
#include <algorithm>

#include "dsn/conninfo.hpp"
#include "dsn/detail.hpp"
#include "util/strings.hpp"

namespace dsnguard::dsn {

using core::ErrorCode;
using core::fail;

namespace {

bool is_space_or_ctl(char c)
{
  return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
}

std::size_t simple_extent(std::string_view text, std::size_t from, char opener)
{
  std::size_t i = from;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (is_space_or_ctl(c) || (util::is_quote(opener) ? c == opener : util::is_quote(c))) {
      break;
    }
    if (opener == '<' && c == '>') {
      break;
    }
  }
  while (i > from && (text[i - 1] == '.' || text[i - 1] == ',' || text[i - 1] == ')' || text[i - 1] == '\\')) {
    if (text[i - 1] == ')' && std::count(text.begin() + long(from), text.begin() + long(i), '(')
                                   >= std::count(text.begin() + long(from), text.begin() + long(i), ')')) {
      break;
    }
    --i;
  }
  return i;
}

// `;key=value` properties (SQL Server style; values may be wrapped in {...}). `base` = offset of `props`.
void parse_properties(std::string_view props, std::size_t base, ConnInfo& info)
{
  std::size_t i = 0;
  while (i < props.size()) {
    while (i < props.size() && (props[i] == ';' || props[i] == ' ')) {
      ++i;
    }
    const auto eq = props.find('=', i);
    if (eq == std::string_view::npos) {
      break;
    }
    const std::string key = detail::lower(props.substr(i, eq - i));
    std::size_t vstart = eq + 1;
    std::size_t vend;
    std::size_t next;
    if (vstart < props.size() && props[vstart] == '{') {
      const auto close = props.find('}', vstart + 1);
      vend = close == std::string_view::npos ? props.size() : close;
      ++vstart;
      next = vend + 1;
    } else {
      const auto semi = props.find(';', vstart);
      vend = semi == std::string_view::npos ? props.size() : semi;
      next = vend;
    }
    const std::string value(props.substr(vstart, vend - vstart));
    if ((key == "password" || key == "pwd") && !info.password) {
      info.password = value;
      info.password_span = {base + vstart, vend - vstart};
    } else if ((key == "user" || key == "username" || key == "userid" || key == "uid") && !info.user) {
      info.user = value;
      info.user_span = {base + vstart, vend - vstart};
    } else if ((key == "databasename" || key == "database") && !info.database) {
      info.database = value;
    } else if ((key == "servername" || key == "server") && (info.hosts.empty() || info.hosts[0].host.empty())) {
      info.hosts = detail::parse_host_list(value);
    }
    info.params.emplace_back(key, value);
    i = next;
  }
}

void shift(ConnInfo& info, std::size_t by)
{
  if (!info.user_span.empty() || info.user) {
    info.user_span.offset += by;
  }
  if (!info.password_span.empty() || info.password) {
    info.password_span.offset += by;
  }
  info.end += by;
}

core::Expected<ConnInfo> parse_oracle(std::string_view text, std::size_t after_type, char opener)
{
  ConnInfo info;
  info.form = Form::jdbc;
  info.family = "oracle";
  const std::size_t end = simple_extent(text, after_type, opener);
  info.end = end;
  const auto rest = text.substr(after_type, end - after_type);
  auto at = rest.find("@//");
  if (at == std::string_view::npos) {
    at = rest.rfind('@');
  }
  std::string_view target = rest;
  if (at != std::string_view::npos) {
    const auto creds = rest.substr(0, at);
    const auto slash = creds.find('/');
    info.user = std::string(creds.substr(0, slash));
    info.user_span = {after_type, creds.substr(0, slash).size()};
    if (slash != std::string_view::npos) {
      auto pw = creds.substr(slash + 1);
      std::size_t off = after_type + slash + 1;
      if (pw.size() >= 2 && pw.front() == '"' && pw.back() == '"') {
        pw = pw.substr(1, pw.size() - 2);
        ++off;
      }
      info.password = std::string(pw);
      info.password_span = {off, pw.size()};
    }
    target = rest.substr(at + 1);
  }
  if (target.substr(0, 2) == "//") {
    target.remove_prefix(2);
    const auto slash = target.find('/');
    info.hosts = detail::parse_host_list(target.substr(0, slash));
    if (slash != std::string_view::npos) {
      info.database = std::string(target.substr(slash + 1));
    }
  } else if (!target.empty() && target.front() != '(') {
    // host:port:sid
    const auto c1 = target.find(':');
    const auto c2 = c1 == std::string_view::npos ? c1 : target.find(':', c1 + 1);
    HostPort hp;
    hp.host = std::string(target.substr(0, c1));
    if (c1 != std::string_view::npos) {
      hp.port = std::string(target.substr(c1 + 1, c2 == std::string_view::npos ? std::string_view::npos : c2 - c1 - 1));
    }
    if (c2 != std::string_view::npos) {
      info.database = std::string(target.substr(c2 + 1));
    }
    info.hosts.push_back(hp);
  } else if (!target.empty()) {
    // (DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=h)(PORT=1521))...)
    const std::string lowered = detail::lower(target);
    const auto h = lowered.find("host=");
    if (h != std::string::npos) {
      const auto close = lowered.find(')', h);
      info.hosts.push_back(HostPort{std::string(target.substr(h + 5, close - h - 5)), "", false});
    }
  }
  return info;
}

}  // namespace

core::Expected<ConnInfo> parse_jdbc(std::string_view text)
{
  return parse_jdbc(text, '\0');
}

core::Expected<ConnInfo> parse_jdbc(std::string_view text, char opener)
{
  if (text.size() < 6 || detail::lower(text.substr(0, 5)) != "jdbc:") {
    return fail(ErrorCode::parse, "not a JDBC URL");
  }
  const std::size_t sub_start = 5;
  std::size_t sub_end = sub_start;
  while (sub_end < text.size() && text[sub_end] != ':' && !is_space_or_ctl(text[sub_end])) {
    ++sub_end;
  }
  const std::string sub = detail::lower(text.substr(sub_start, sub_end - sub_start));
  if (sub_end >= text.size()) {
    return fail(ErrorCode::parse, "not a JDBC URL: nothing after the subprotocol");
  }
  if (sub == "oracle") {
    // jdbc:oracle:thin:... / jdbc:oracle:oci:...
    const auto type_end = text.find(':', sub_end + 1);
    if (type_end == std::string_view::npos) {
      return fail(ErrorCode::parse, "not a JDBC Oracle URL");
    }
    auto info = parse_oracle(text, type_end + 1, opener);
    if (info) {
      info->scheme = "jdbc:oracle";
    }
    return info;
  }
  const auto sep = text.find("://", sub_start);
  const auto extent = simple_extent(text, sub_start, opener);
  if (sep == std::string_view::npos || sep > extent) {
    // jdbc:postgresql:database?user=..., jdbc:sqlite:path
    ConnInfo info;
    info.form = Form::jdbc;
    info.scheme = "jdbc:" + sub;
    info.family = family_of_scheme(sub);
    info.end = extent;
    const auto body = text.substr(sub_end + 1, extent - sub_end - 1);
    const auto q = body.find('?');
    info.database = std::string(body.substr(0, q));
    info.hosts.push_back(HostPort{});
    if (q != std::string_view::npos) {
      detail::parse_query(body.substr(q + 1), sub_end + 1 + q + 1, '&', info);
    }
    return info;
  }
  // Subprotocol with extra parts (jdbc:mysql:loadbalance://, jdbc:jtds:sqlserver://): the last part before "://".
  std::size_t last_part = sep;
  while (last_part > sub_start && text[last_part - 1] != ':') {
    --last_part;
  }
  const bool sqlserver_style = sub == "sqlserver" || sub == "jtds" || sub == "sybase";
  ConnInfo info;
  if (sqlserver_style) {
    // jdbc:sqlserver://host[\instance][:port][;prop=value]...  (jTDS: host[:port][/db][;prop=value])
    info.form = Form::jdbc;
    const std::size_t auth_start = sep + 3;
    const auto semi = text.substr(0, extent).find(';', auth_start);
    const std::size_t auth_end = semi == std::string_view::npos ? extent : semi;
    auto authority = text.substr(auth_start, auth_end - auth_start);
    const auto slash = authority.find('/');
    if (slash != std::string_view::npos) {
      info.database = std::string(authority.substr(slash + 1));
      authority = authority.substr(0, slash);
    }
    info.hosts = detail::parse_host_list(authority);
    info.end = extent;
    if (semi != std::string_view::npos) {
      parse_properties(text.substr(semi + 1, extent - semi - 1), semi + 1, info);
    }
    info.family = "mssql";
  } else {
    auto parsed = parse_uri(text.substr(last_part), opener);
    if (!parsed) {
      return parsed;
    }
    info = std::move(*parsed);
    shift(info, last_part);
    info.form = Form::jdbc;
    info.family = family_of_scheme(sub);
    // DB2: jdbc:db2://h:50000/db:user=u;password=p;
    if (info.database) {
      const auto colon = info.database->find(':');
      if (colon != std::string::npos && info.database->find('=') != std::string::npos) {
        const auto db_pos = text.find(*info.database, last_part);
        const std::string props = info.database->substr(colon + 1);
        info.database = info.database->substr(0, colon);
        if (db_pos != std::string_view::npos) {
          parse_properties(props, db_pos + colon + 1, info);
        }
      }
    }
  }
  info.scheme = "jdbc:" + sub;
  info.driver.clear();
  return info;
}

}  // namespace dsnguard::dsn
