#include "verify/target.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>

#include "util/strings.hpp"

namespace dsnguard::verify {

using core::ErrorCode;
using core::fail;

namespace {

struct ConninfoFree {
  void operator()(PQconninfoOption* o) const { PQconninfoFree(o); }
};
using ConninfoPtr = std::unique_ptr<PQconninfoOption, ConninfoFree>;

// Query parameters of ORMs and drivers that libpq rejects ("invalid URI query parameter") but that do not
// change what SELECT 1 proves. Anything else unknown is left for libpq to reject (exit 2).
constexpr std::array<std::string_view, 14> k_orm_params{
  "schema",            // Prisma
  "pgbouncer",         // Prisma
  "connection_limit",  // Prisma
  "pool_timeout",      // Prisma
  "socket_timeout",    // Prisma
  "statement_cache_size",  // Prisma, asyncpg
  "sslaccept",         // Prisma
  "sslidentity",       // Prisma
  "prepared_statement_cache_size",  // SQLAlchemy asyncpg dialect
  "async_fallback",    // SQLAlchemy
  "currentSchema",     // pgjdbc
  "search_path",       // several ORMs
  "max_connections",   // node-postgres pools, Supabase examples
  "pool_size",         // Django-style URL helpers
};

int hex_value(char c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s)
{
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0
        && hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// Byte positions of the parts of a URI the way libpq splits them (fe-connect.c conninfo_uri_parse_options):
// userinfo ends at the first '@' seen before any '/', and the query starts at the first '?' after it.
struct UriParts {
  std::size_t rest = 0;            // first byte after "://"
  std::size_t userinfo_end = std::string_view::npos;  // position of '@', npos when no userinfo
  std::size_t query = std::string_view::npos;         // position of '?', npos when no query
};

UriParts split_uri(std::string_view url, std::size_t rest)
{
  UriParts p;
  p.rest = rest;
  std::size_t i = rest;
  while (i < url.size() && url[i] != '@' && url[i] != '/') {
    ++i;
  }
  std::size_t authority = rest;
  if (i < url.size() && url[i] == '@') {
    p.userinfo_end = i;
    authority = i + 1;
  }
  p.query = url.find('?', authority);
  return p;
}

// The raw (as written) password of a URI, or nullopt.
std::optional<std::string> raw_uri_password(std::string_view url, const UriParts& p)
{
  if (p.userinfo_end == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view userinfo = url.substr(p.rest, p.userinfo_end - p.rest);
  const auto colon = userinfo.find(':');
  if (colon == std::string_view::npos) {
    return std::nullopt;
  }
  return std::string(userinfo.substr(colon + 1));
}

bool one_of(std::string_view v, std::initializer_list<std::string_view> allowed)
{
  return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
}

// Validates the values libpq only checks at connect time, so that a typo is a URL error (exit 2) and never a
// silent fallback.
core::Expected<void> validate(const Target& t)
{
  struct EnumParam {
    std::string_view key;
    std::initializer_list<std::string_view> values;
  };
  const std::array<EnumParam, 4> enums{{
    {"sslmode", {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}},
    {"channel_binding", {"disable", "prefer", "require"}},
    {"gssencmode", {"disable", "prefer", "require"}},
    {"target_session_attrs", {"any", "read-write", "read-only", "primary", "standby", "prefer-standby"}},
  }};
  for (const auto& e : enums) {
    if (const auto v = t.param(e.key); v && !one_of(*v, e.values)) {
      std::string allowed;
      for (const auto a : e.values) {
        allowed += (allowed.empty() ? "" : ", ") + std::string(a);
      }
      return fail(ErrorCode::parse, "invalid " + std::string(e.key) + " value \"" + util::printable(*v)
                                      + "\" (expected one of " + allowed + ")");
    }
  }
  if (const auto ports = t.param("port")) {
    for (const auto item : util::split(*ports, ',')) {
      if (item.empty()) {
        continue;  // libpq: an empty item means the default port
      }
      const bool digits = std::all_of(item.begin(), item.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!digits || item.size() > 5 || std::stoi(std::string(item)) < 1 || std::stoi(std::string(item)) > 65535) {
        return fail(ErrorCode::parse, "invalid port \"" + util::printable(item) + "\" (expected 1-65535)");
      }
    }
  }
  if (const auto timeout = t.param("connect_timeout")) {
    const std::string_view v = util::trim(*timeout);
    const bool digits = !v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) {
      return fail(ErrorCode::parse, "invalid connect_timeout \"" + util::printable(*timeout) + "\" (expected seconds)");
    }
  }
  return {};
}

// Normalises a URI for libpq and records what changed in `notes`; `secrets` receives the raw password of a
// password= parameter.
core::Expected<std::string> normalise_uri(std::string_view url, std::size_t scheme_end, std::vector<std::string>& notes,
                                          std::vector<std::string>& secrets)
{
  const std::string scheme = util::to_lower(url.substr(0, scheme_end));
  const auto plus = scheme.find('+');
  const std::string base = scheme.substr(0, plus);
  if (base != "postgresql" && base != "postgres") {
    return fail(ErrorCode::parse, "not a PostgreSQL URL (scheme \"" + util::printable(scheme)
                                    + "\"); verify supports postgresql:// and postgres:// URLs");
  }
  if (plus != std::string::npos) {
    notes.push_back("removed the driver suffix \"" + scheme.substr(plus) + "\" from the scheme for libpq");
  }
  const UriParts parts = split_uri(url, scheme_end + 3);
  if (const auto raw = raw_uri_password(url, parts)) {
    secrets.push_back(*raw);
  }
  std::string out = "postgresql://";
  if (parts.query == std::string_view::npos) {
    out.append(url.substr(parts.rest));
    return out;
  }
  out.append(url.substr(parts.rest, parts.query - parts.rest));

  std::vector<std::pair<std::string, std::string>> kept;  // raw key, raw value
  std::optional<std::string> ssl_value;
  bool has_sslmode = false;
  for (const auto item : util::split(url.substr(parts.query + 1), '&')) {
    if (item.empty()) {
      continue;
    }
    const auto eq = item.find('=');
    const std::string key(item.substr(0, eq));
    const std::string value(eq == std::string_view::npos ? "" : item.substr(eq + 1));
    const std::string decoded_key = percent_decode(key);
    if (decoded_key == "password") {
      secrets.push_back(value);
    }
    if (std::find(k_orm_params.begin(), k_orm_params.end(), decoded_key) != k_orm_params.end()) {
      notes.push_back("ignored the query parameter \"" + decoded_key + "\" (an ORM/driver option libpq does not know)");
      continue;
    }
    if (decoded_key == "ssl") {
      ssl_value = util::to_lower(percent_decode(value));
      continue;
    }
    has_sslmode = has_sslmode || decoded_key == "sslmode";
    kept.emplace_back(key, value);
  }
  if (ssl_value) {
    std::string mode;
    if (one_of(*ssl_value, {"true", "1", "require", "on"})) {
      mode = "require";
    } else if (one_of(*ssl_value, {"false", "0", "disable", "off"})) {
      mode = "disable";
    } else if (one_of(*ssl_value, {"allow", "prefer", "verify-ca", "verify-full"})) {
      mode = *ssl_value;
    } else {
      return fail(ErrorCode::parse, "invalid ssl value \"" + util::printable(*ssl_value) + "\"");
    }
    if (has_sslmode) {
      notes.push_back("ignored ssl=" + *ssl_value + " because the URL also sets sslmode");
    } else {
      notes.push_back("mapped ssl=" + *ssl_value + " to sslmode=" + mode);
      kept.emplace_back("sslmode", mode);
    }
  }
  for (std::size_t i = 0; i < kept.size(); ++i) {
    out += (i == 0 ? "?" : "&") + kept[i].first + "=" + kept[i].second;
  }
  return out;
}

// The raw value of every password=... pair in a key=value string (quoted or not).
void keyvalue_passwords(std::string_view s, std::vector<std::string>& secrets)
{
  for (std::size_t pos = s.find("password"); pos != std::string_view::npos; pos = s.find("password", pos + 8)) {
    std::size_t i = pos + 8;
    while (i < s.size() && s[i] == ' ') ++i;
    if (i >= s.size() || s[i] != '=') continue;
    ++i;
    while (i < s.size() && s[i] == ' ') ++i;
    std::string value;
    if (i < s.size() && s[i] == '\'') {
      for (++i; i < s.size() && s[i] != '\''; ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        value.push_back(s[i]);
      }
    } else {
      while (i < s.size() && s[i] != ' ') value.push_back(s[i++]);
    }
    if (!value.empty()) secrets.push_back(value);
  }
}

}  // namespace

std::optional<std::string> Target::param(std::string_view key) const
{
  for (const auto& [k, v] : params) {
    if (k == key) {
      return v;
    }
  }
  return std::nullopt;
}

void Target::set(const std::string& key, const std::string& value)
{
  for (auto& [k, v] : params) {
    if (k == key) {
      v = value;
      return;
    }
  }
  params.emplace_back(key, value);
}

void Target::erase(std::string_view key)
{
  params.erase(std::remove_if(params.begin(), params.end(), [&](const auto& kv) { return kv.first == key; }),
               params.end());
}

core::Expected<Target> prepare_url(std::string_view input)
{
  const std::string_view url = util::trim(input);
  if (url.empty()) {
    return fail(ErrorCode::parse, "the URL is empty");
  }
  Target t;
  t.masked_url = mask_url(url);
  std::string for_libpq;
  const auto scheme_end = url.find("://");
  const bool is_uri = scheme_end != std::string_view::npos && scheme_end > 0
                      && std::all_of(url.begin(), url.begin() + static_cast<std::ptrdiff_t>(scheme_end), [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
                         });
  if (is_uri) {
    DSNGUARD_TRY_ASSIGN(for_libpq, normalise_uri(url, scheme_end, t.notes, t.secrets));
  } else if (url.find('=') != std::string_view::npos) {
    keyvalue_passwords(url, t.secrets);
    for_libpq = std::string(url);
  } else {
    return fail(ErrorCode::parse, "not a connection URL (expected postgresql://... or key=value pairs)");
  }

  char* err = nullptr;
  ConninfoPtr options(PQconninfoParse(for_libpq.c_str(), &err));
  if (!options) {
    std::string message = err != nullptr ? err : "out of memory";
    if (err != nullptr) {
      PQfreemem(err);
    }
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    return fail(ErrorCode::parse, "the URL does not parse: " + scrub(message, t.secrets));
  }
  for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
    if (o->val != nullptr) {
      t.params.emplace_back(o->keyword, o->val);
    }
  }
  if (const auto password = t.param("password"); password && !password->empty()) {
    t.secrets.push_back(*password);
  }
  if (auto valid = validate(t); !valid) {
    return fail(ErrorCode::parse, scrub(valid.error().message, t.secrets));
  }
  return t;
}

Target make_target(const std::string& host, const std::string& port, const std::string& database,
                   const std::string& user, const std::string& password, const std::string& sslmode)
{
  Target t;
  const auto set_if = [&](const char* key, const std::string& value) {
    if (!value.empty()) {
      t.params.emplace_back(key, value);
    }
  };
  set_if("host", host);
  set_if("port", port);
  set_if("dbname", database);
  set_if("user", user);
  set_if("password", password);
  set_if("sslmode", sslmode);
  if (!password.empty()) {
    t.secrets.push_back(password);
  }
  t.masked_url = "postgresql://" + (user.empty() ? "" : user + (password.empty() ? "" : ":****") + "@") + host
                 + (port.empty() ? "" : ":" + port) + "/" + database + (sslmode.empty() ? "" : "?sslmode=" + sslmode);
  return t;
}

std::string scrub(std::string text, const std::vector<std::string>& secrets)
{
  // Longest first, so that a decoded password inside its own encoded form cannot leave a fragment.
  std::vector<std::string> sorted = secrets;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const auto& s : sorted) {
    if (s.empty()) {
      continue;
    }
    for (std::size_t pos = text.find(s); pos != std::string::npos; pos = text.find(s, pos + 4)) {
      text.replace(pos, s.size(), "****");
    }
  }
  return text;
}

std::string mask_url(std::string_view url)
{
  std::vector<std::string> secrets;
  const auto scheme_end = url.find("://");
  if (scheme_end != std::string_view::npos) {
    const UriParts parts = split_uri(url, scheme_end + 3);
    std::string out(url);
    // Mask query passwords first (positions after the userinfo stay valid when masking right to left).
    if (parts.query != std::string_view::npos) {
      std::string head = out.substr(0, parts.query + 1);
      std::string query;
      bool first = true;
      for (const auto item : util::split(url.substr(parts.query + 1), '&')) {
        const auto eq = item.find('=');
        std::string piece(item);
        if (eq != std::string_view::npos && percent_decode(item.substr(0, eq)) == "password") {
          piece = std::string(item.substr(0, eq)) + "=****";
        }
        query += (first ? "" : "&") + piece;
        first = false;
      }
      out = head + query;
    }
    if (const auto raw = raw_uri_password(url, parts); raw && !raw->empty()) {
      const std::size_t at = parts.userinfo_end - raw->size();
      out.replace(at, raw->size(), "****");
    }
    return out;
  }
  keyvalue_passwords(url, secrets);
  return scrub(std::string(url), secrets);
}

}  // namespace dsnguard::verify
