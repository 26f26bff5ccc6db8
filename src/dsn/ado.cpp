// ADO.NET / ODBC / Npgsql / MySqlConnector connection strings: `Server=h;Database=d;User Id=u;Password=p;`.
// Keys are case-insensitive and may contain spaces; values may be quoted with "..." / '...' or, in ODBC,
// braced {...} (where "}}" escapes '}').
#include "dsn/conninfo.hpp"
#include "dsn/detail.hpp"

namespace dsnguard::dsn {

using core::ErrorCode;
using core::fail;

namespace {

std::string collapse_key(std::string_view key)
{
  std::string out;
  for (const char c : key) {
    if (c != ' ' && c != '\t' && c != '_') {
      out.push_back(c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c);
    }
  }
  return out;
}

bool is_host_key(const std::string& k)
{
  return k == "server" || k == "datasource" || k == "host" || k == "address" || k == "addr"
         || k == "networkaddress" || k == "hostname" || k == "dbq";
}

}  // namespace

core::Expected<ConnInfo> parse_ado(std::string_view text)
{
  ConnInfo info;
  info.form = Form::ado;
  std::size_t i = 0;
  std::size_t pairs = 0;
  bool structural = false;  // saw a key that only connection strings use (server, database, uid, ...)
  std::string driver;
  std::string port;
  std::string host_value;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ';' || text[i] == ' ' || text[i] == '\t')) {
      ++i;
    }
    const auto eq = text.find('=', i);
    if (eq == std::string_view::npos) {
      break;
    }
    const auto raw_key = text.substr(i, eq - i);
    if (raw_key.empty() || raw_key.find_first_of(";\n\r\"'") != std::string_view::npos || raw_key.size() > 40) {
      break;
    }
    const std::string key = collapse_key(raw_key);
    std::size_t vstart = eq + 1;
    while (vstart < text.size() && (text[vstart] == ' ' || text[vstart] == '\t')) {
      ++vstart;
    }
    std::string value;
    std::size_t vend = vstart;
    std::size_t next;
    if (vstart < text.size() && (text[vstart] == '"' || text[vstart] == '\'' || text[vstart] == '{')) {
      const char close = text[vstart] == '{' ? '}' : text[vstart];
      std::size_t k = vstart + 1;
      bool closed = false;
      for (; k < text.size(); ++k) {
        if (text[k] == close) {
          if (k + 1 < text.size() && text[k + 1] == close) {  // doubled quote/brace escapes itself
            value.push_back(close);
            ++k;
            continue;
          }
          closed = true;
          break;
        }
        value.push_back(text[k]);
      }
      if (!closed) {
        return fail(ErrorCode::parse, "unterminated quoted value in connection string");
      }
      ++vstart;
      vend = k;
      next = k + 1;
    } else {
      while (vend < text.size() && text[vend] != ';' && text[vend] != '\n' && text[vend] != '\r') {
        ++vend;
      }
      // Trailing blanks belong to the separator.
      std::size_t trimmed = vend;
      while (trimmed > vstart && (text[trimmed - 1] == ' ' || text[trimmed - 1] == '\t')) {
        --trimmed;
      }
      value = std::string(text.substr(vstart, trimmed - vstart));
      next = vend;
      vend = trimmed;
    }
    ++pairs;
    info.end = next;
    if (key == "password" || key == "pwd") {
      info.password = value;
      info.password_span = {vstart, vend - vstart};
    } else if (key == "userid" || key == "uid" || key == "user" || key == "username") {
      info.user = value;
      info.user_span = {vstart, vend - vstart};
      structural = true;
    } else if (key == "database" || key == "initialcatalog" || key == "dbname") {
      info.database = value;
      structural = true;
    } else if (is_host_key(key)) {
      host_value = value;
      structural = true;
    } else if (key == "port") {
      port = value;
    } else if (key == "driver" || key == "provider") {
      driver = detail::lower(value);
      structural = true;
    } else if (key == "dsn" || key == "integratedsecurity" || key == "trustedconnection") {
      structural = true;
    }
    info.params.emplace_back(key, value);
    if (next >= text.size() || text[next] == '\n' || text[next] == '\r') {
      break;
    }
    i = next;
  }
  if (pairs == 0 || !structural) {
    return fail(ErrorCode::parse, "not a connection string: no server, database, user or driver key");
  }
  // Server=tcp:host,1433 / host\INSTANCE / host:port
  std::string h = host_value;
  if (detail::lower(h).rfind("tcp:", 0) == 0) {
    h = h.substr(4);
  }
  HostPort hp;
  const auto comma = h.find(',');
  if (comma != std::string::npos) {
    hp.host = h.substr(0, comma);
    hp.port = h.substr(comma + 1);
  } else if (const auto colon = h.find(':'); colon != std::string::npos && h.find(':', colon + 1) == std::string::npos) {
    hp.host = h.substr(0, colon);
    hp.port = h.substr(colon + 1);
  } else {
    hp.host = h;
  }
  if (const auto bs = hp.host.find('\\'); bs != std::string::npos) {
    hp.host = hp.host.substr(0, bs);
  }
  if (hp.port.empty()) {
    hp.port = port;
  }
  info.hosts.push_back(hp);
  // Family: the driver name when given, else the port or the key dialect (Npgsql uses Host/Username).
  const bool npgsql = info.param("host") && info.param("username");
  if (driver.find("postgres") != std::string::npos || driver.find("npgsql") != std::string::npos || hp.port == "5432"
      || npgsql) {
    info.family = "postgresql";
  } else if (driver.find("mysql") != std::string::npos || driver.find("maria") != std::string::npos || hp.port == "3306") {
    info.family = "mysql";
  } else if (driver.find("oracle") != std::string::npos || driver.find("oraoledb") != std::string::npos) {
    info.family = "oracle";
  } else {
    info.family = "mssql";
  }
  return info;
}

}  // namespace dsnguard::dsn
