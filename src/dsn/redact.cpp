// Redaction of a secret inside matched text, and a redacted URL rebuilt from ConnInfo for display.
#include "dsn/conninfo.hpp"
#include "dsn/judge.hpp"

namespace dsnguard::dsn {

std::string redact(std::string_view text, Span secret)
{
  std::string out(text);
  if (secret.empty() || secret.offset + secret.length > text.size()) {
    return out;
  }
  const std::string raw(text.substr(secret.offset, secret.length));
  out.replace(secret.offset, secret.length, "****");
  for (std::size_t pos = out.find(raw); pos != std::string::npos; pos = out.find(raw, pos + 4)) {
    out.replace(pos, raw.size(), "****");
  }
  return out;
}

std::string to_redacted_uri(const ConnInfo& info)
{
  std::string scheme = info.scheme;
  if (info.form == Form::keyvalue || info.form == Form::pgpass || info.form == Form::ado || info.form == Form::kwarg
      || info.form == Form::assignment || info.form == Form::mysql_dsn || scheme.empty()) {
    scheme = info.family.empty() || info.family == "other" ? std::string("database") : info.family;
  }
  std::string out = scheme;
  if (info.form == Form::jdbc && scheme == "jdbc:oracle") {
    out += ":thin:";
    out += percent_encode_userinfo(info.user.value_or(""));
    if (info.password) {
      out += "/****";
    }
    out += "@//";
  } else {
    out += "://";
    if (info.user || info.password) {
      out += percent_encode_userinfo(info.user.value_or(""));
      if (info.password) {
        out += ":****";
      }
      out += '@';
    }
  }
  for (std::size_t i = 0; i < info.hosts.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    const auto& hp = info.hosts[i];
    const bool v6 = hp.bracketed || hp.host.find(':') != std::string::npos;
    if (v6) {
      out += '[' + hp.host + ']';
    } else if (!hp.host.empty() && hp.host.front() == '/') {
      out += percent_encode_userinfo(hp.host);
    } else {
      out += hp.host;
    }
    if (!hp.port.empty()) {
      out += ':' + hp.port;
    }
  }
  if (info.database) {
    out += '/' + *info.database;
  }
  bool first = true;
  for (const auto& [k, v] : info.params) {
    std::string lk;
    for (const char c : k) {
      lk.push_back(c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c);
    }
    if (lk == "user" || lk == "username" || lk == "uid" || lk == "userid" || lk == "host" || lk == "port"
        || lk == "dbname" || lk == "database" || lk == "databasename" || lk == "server" || lk == "datasource"
        || lk == "initialcatalog") {
      continue;
    }
    if (info.form != Form::uri && info.form != Form::jdbc && lk != "sslmode") {
      continue;  // key=value/ADO extras do not translate to URL parameters
    }
    out += first ? '?' : '&';
    first = false;
    const bool secret = lk == "password" || lk == "pwd" || lk == "passwd" || lk == "sslpassword";
    out += k + '=' + (secret ? std::string("****") : v);
  }
  return out;
}

}  // namespace dsnguard::dsn
