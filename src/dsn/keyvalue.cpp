// libpq keyword/value conninfo: `host=h port=5432 dbname=d user=u password='p w'` (libpq docs 34.1.1.1).
#include <algorithm>
#include <array>

#include "dsn/conninfo.hpp"
#include "dsn/detail.hpp"

namespace dsnguard::dsn {

using core::ErrorCode;
using core::fail;

namespace {

bool is_key_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

bool is_libpq_keyword(std::string_view key)
{
  static constexpr std::array<std::string_view, 50> k_keywords = {
      "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "channel_binding",
      "connect_timeout", "client_encoding", "options", "application_name", "fallback_application_name",
      "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
      "replication", "gssencmode", "sslmode", "requiressl", "sslcompression", "sslcert", "sslkey",
      "sslpassword", "sslrootcert", "sslcrl", "sslcrldir", "sslsni", "requirepeer", "ssl_min_protocol_version",
      "ssl_max_protocol_version", "krbsrvname", "gsslib", "service", "target_session_attrs", "require_auth",
      "load_balance_hosts", "sslcertmode", "gssdelegation", "sslnegotiation", "scram_client_key",
      "scram_server_key", "service_file", "", "", "", "", ""};
  if (key.empty()) {
    return false;
  }
  return std::find(k_keywords.begin(), k_keywords.end(), key) != k_keywords.end();
}

core::Expected<ConnInfo> parse_keyvalue(std::string_view text)
{
  ConnInfo info;
  info.form = Form::keyvalue;
  info.family = "postgresql";
  std::size_t i = 0;
  std::size_t pairs = 0;
  std::string host_spec;
  std::string port_spec;
  while (true) {
    while (i < text.size() && is_space(text[i])) {
      ++i;
    }
    const std::size_t key_start = i;
    while (i < text.size() && is_key_char(text[i])) {
      ++i;
    }
    std::size_t j = i;
    while (j < text.size() && is_space(text[j])) {
      ++j;
    }
    if (i == key_start || j >= text.size() || text[j] != '=') {
      break;  // not a key=value pair: the conninfo ends before it
    }
    // Keywords are case-sensitive in libpq ("HOST=" is an error), so keep them as written.
    const std::string key(text.substr(key_start, i - key_start));
    ++j;
    while (j < text.size() && is_space(text[j])) {
      ++j;
    }
    std::string value;
    Span span;
    if (j + 2 < text.size() && text[j] == '\'' && text[j + 1] == '\'' && text[j + 2] != '\'' && text[j + 2] != ' ') {
      // ''value'': the conninfo is itself inside a single-quoted SQL or postgresql.conf string, where '' escapes '.
      const std::size_t value_start = j + 2;
      const auto close = text.find("''", value_start);
      if (close == std::string_view::npos) {
        return fail(ErrorCode::parse, "unterminated quoted string in connection info string");
      }
      value = std::string(text.substr(value_start, close - value_start));
      span = {value_start, close - value_start};
      i = close + 2;
    } else if (j < text.size() && text[j] == '\'') {
      const std::size_t value_start = j + 1;
      std::size_t k = value_start;
      bool closed = false;
      for (; k < text.size(); ++k) {
        if (text[k] == '\\' && k + 1 < text.size()) {
          value.push_back(text[++k]);
        } else if (text[k] == '\'') {
          closed = true;
          break;
        } else {
          value.push_back(text[k]);
        }
      }
      if (!closed) {
        return fail(ErrorCode::parse, "unterminated quoted string in connection info string");
      }
      span = {value_start, k - value_start};
      i = k + 1;
    } else {
      std::size_t k = j;
      for (; k < text.size() && !is_space(text[k]); ++k) {
        if (text[k] == '\\' && k + 1 < text.size()) {
          value.push_back(text[++k]);
        } else {
          value.push_back(text[k]);
        }
      }
      span = {j, k - j};
      i = k;
    }
    ++pairs;
    info.end = i;
    if (key == "password") {
      info.password = value;
      info.password_span = span;
    } else if (key == "user") {
      info.user = value;
      info.user_span = span;
    } else if (key == "dbname") {
      info.database = value;
    } else if (key == "host" || (key == "hostaddr" && host_spec.empty())) {
      host_spec = value;
    } else if (key == "port") {
      port_spec = value;
    }
    info.params.emplace_back(key, std::move(value));
  }
  if (pairs == 0) {
    return fail(ErrorCode::parse, "no key=value pair in connection info string");
  }
  // host=h1,h2 port=p1,p2 pair up by position; a single port applies to every host.
  const auto hosts = detail::parse_host_list(host_spec);
  std::vector<std::string> ports;
  {
    std::size_t start = 0;
    while (start <= port_spec.size() && !port_spec.empty()) {
      auto comma = port_spec.find(',', start);
      if (comma == std::string::npos) {
        comma = port_spec.size();
      }
      ports.push_back(port_spec.substr(start, comma - start));
      start = comma + 1;
    }
  }
  for (std::size_t h = 0; h < hosts.size(); ++h) {
    HostPort hp;
    hp.host = host_spec.empty() ? std::string() : hosts[h].host;
    if (hosts[h].bracketed) {
      hp.bracketed = true;
    }
    if (ports.size() == 1) {
      hp.port = ports[0];
    } else if (h < ports.size()) {
      hp.port = ports[h];
    }
    info.hosts.push_back(std::move(hp));
  }
  return info;
}

}  // namespace dsnguard::dsn
