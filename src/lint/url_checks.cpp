#include "lint/url_checks.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "dsn/judge.hpp"
#include "lint/checks.hpp"
#include "lint/uri_render.hpp"
#include "lint/url_scan.hpp"
#include "util/strings.hpp"

namespace dsnguard::lint {

namespace {

// libpq 15 keywords (PostgreSQL 15 docs, section 34.1.2).
constexpr std::string_view k_libpq15[] = {
  "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "channel_binding", "connect_timeout",
  "client_encoding", "options", "application_name", "fallback_application_name", "keepalives", "keepalives_idle",
  "keepalives_interval", "keepalives_count", "tcp_user_timeout", "replication", "gssencmode", "sslmode",
  "requiressl", "sslcompression", "sslcert", "sslkey", "sslpassword", "sslrootcert", "sslcrl", "sslcrldir", "sslsni",
  "requirepeer", "ssl_min_protocol_version", "ssl_max_protocol_version", "krbsrvname", "gsslib", "service",
  "target_session_attrs"};

struct NewerKey {
  std::string_view key;
  int version;
};
constexpr NewerKey k_newer[] = {{"require_auth", 16},       {"load_balance_hosts", 16}, {"sslcertmode", 16},
                                {"gssdelegation", 16},      {"sslnegotiation", 17},     {"scram_client_key", 18},
                                {"scram_server_key", 18},   {"oauth_issuer", 18},       {"oauth_client_id", 18},
                                {"oauth_client_secret", 18}, {"oauth_scope", 18}};

// Parameters of Prisma's PostgreSQL connector that libpq rejects.
constexpr std::string_view k_prisma[] = {"schema", "connection_limit", "pool_timeout", "socket_timeout", "pgbouncer",
                                         "sslaccept", "sslidentity", "statement_cache_size"};

struct EnumParam {
  std::string_view key;
  std::vector<std::string_view> values;
};
const std::vector<EnumParam>& enum_params()
{
  static const std::vector<EnumParam> k_enums = {
    {"sslmode", {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}},
    {"channel_binding", {"require", "prefer", "disable"}},
    {"target_session_attrs", {"any", "read-write", "read-only", "primary", "standby", "prefer-standby"}},
    {"gssencmode", {"disable", "prefer", "require"}},
    {"sslnegotiation", {"postgres", "direct"}},
  };
  return k_enums;
}

constexpr std::string_view k_sqlalchemy_pg_drivers[] = {"psycopg2", "psycopg", "psycopg_async", "asyncpg", "pg8000",
                                                       "psycopg2cffi", "pygresql"};

template <typename Range> bool in(const Range& r, std::string_view v)
{
  return std::find(std::begin(r), std::end(r), v) != std::end(r);
}

std::string q(std::string_view s)
{
  return "'" + util::printable(s) + "'";
}

std::string closest(std::string_view word, const std::vector<std::string_view>& choices, std::size_t max_distance)
{
  std::string best;
  std::size_t best_d = max_distance + 1;
  for (const auto c : choices) {
    const auto d = edit_distance(util::to_lower(word), c);
    if (d < best_d) {
      best_d = d;
      best = std::string(c);
    }
  }
  return best;
}

std::string driver_of(const dsn::ConnInfo& info)
{
  if (!info.driver.empty()) {
    return info.driver;
  }
  const auto plus = info.scheme.find('+');
  return plus == std::string::npos ? "" : util::to_lower(info.scheme.substr(plus + 1));
}

std::string base_scheme(const dsn::ConnInfo& info)
{
  return util::to_lower(info.scheme.substr(0, info.scheme.find('+')));
}

bool is_postgres(const dsn::ConnInfo& info)
{
  if (info.form == dsn::Form::keyvalue) {
    return true;
  }
  return classify_scheme(info.scheme) == SchemeClass::postgres || info.family == "postgresql";
}

core::Finding finding(std::string_view id, const UrlSite& site, std::string message, std::string fix)
{
  return url_finding(id, site, std::move(message), std::move(fix));
}

std::optional<std::string> provider_of_info(const dsn::ConnInfo& info)
{
  for (const auto& h : info.hosts) {
    if (auto p = dsn::provider_of(h.host)) {
      return p;
    }
  }
  if (auto h = info.param("host")) {
    return dsn::provider_of(*h);
  }
  return std::nullopt;
}

bool any_templated_host(const dsn::ConnInfo& info)
{
  return std::any_of(info.hosts.begin(), info.hosts.end(), [](const dsn::HostPort& h) { return is_templated_host(h.host); });
}

// Every host is local, a socket, documentation or compose-internal (nothing crosses a real network).
bool local_only(const dsn::ConnInfo& info)
{
  if (info.hosts.empty() || std::all_of(info.hosts.begin(), info.hosts.end(), [](const dsn::HostPort& h) { return h.host.empty(); })) {
    const auto h = info.param("host");
    return !h || h->empty() || h->front() == '/' || dsn::classify_host(*h) == dsn::HostKind::loopback;
  }
  return dsn::all_hosts_local(info);
}

bool valid_port(std::string_view p)
{
  int n = 0;
  const auto r = std::from_chars(p.data(), p.data() + p.size(), n);
  return r.ec == std::errc() && r.ptr == p.data() + p.size() && n >= 1 && n <= 65535;
}

void check_params(const UrlSite& site, const dsn::ConnInfo& info, const ProjectFacts& facts, bool low_trust,
                  std::vector<core::Finding>& out)
{
  std::vector<std::string> seen;  // report a repeated parameter once
  const std::string driver = driver_of(info);
  // Only libpq-backed consumers reject unknown keywords; JDBC URLs use camelCase pgjdbc properties.
  const bool libpq_consumer = info.form != dsn::Form::jdbc
                              && (driver.empty() || driver == "psycopg2" || driver == "psycopg" || driver == "psycopg2cffi");
  std::vector<std::string_view> known(std::begin(k_libpq15), std::end(k_libpq15));
  for (const auto& n : k_newer) {
    known.push_back(n.key);
  }
  for (const auto& [key, value] : info.params) {
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      continue;
    }
    seen.push_back(key);
    // Lambdas capture this copy: clang < 16 cannot capture structured bindings.
    const std::string& param_key = key;
    if (libpq_consumer) {
      if (key == "ssl" || in(k_libpq15, key)) {
        // known
      } else if (const auto* n = std::find_if(std::begin(k_newer), std::end(k_newer),
                                              [&param_key](const NewerKey& k) { return k.key == param_key; });
                 n != std::end(k_newer)) {
        out.push_back(finding("L029", site,
                              q(key) + " is understood only by libpq " + std::to_string(n->version)
                                + " or later; older clients (Debian 12 ships libpq 15) reject the whole URL.",
                              "Make sure every client uses libpq >= " + std::to_string(n->version)
                                + ", or remove " + q(key) + ": " + [&info, &param_key] {
                                    auto fixed = info;
                                    remove_param(fixed, param_key);
                                    return render_redacted(fixed);
                                  }()));
      } else if (in(k_prisma, key) && facts.uses_prisma) {
        // a Prisma URL: its own parameters are fine for Prisma
      } else if (const auto near = closest(key, known, key.size() >= 5 ? 2 : 1); !near.empty() && !in(k_prisma, key)) {
        auto fixed = info;
        for (auto& [k, v] : fixed.params) {
          if (k == key) {
            k = near;
          }
        }
        out.push_back(finding("L028", site,
                              q(key) + " is not a libpq parameter (did you mean " + q(near)
                                + "?): libpq rejects the URL with \"invalid URI query parameter\".",
                              render_redacted(fixed)));
      } else if (!low_trust) {
        auto fixed = info;
        remove_param(fixed, key);
        const bool prisma = in(k_prisma, key);
        out.push_back(finding("L008", site,
                              q(key) + " is not a libpq parameter" + std::string(prisma ? " (it is Prisma's)" : "")
                                + ": psql, psycopg and other libpq clients reject the URL with \"invalid URI query "
                                  "parameter\".",
                              prisma ? "Keep this URL for Prisma only and give libpq clients one without it: "
                                         + render_redacted(fixed)
                                     : "Remove it: " + render_redacted(fixed)));
      }
    }
    for (const auto& e : enum_params()) {
      if (key != e.key || (driver == "asyncpg" && (key == "sslmode" || key == "channel_binding"))) {
        continue;
      }
      if (key == "sslmode" && value == "no-verify") {
        continue;  // node-postgres spelling; judged by the TLS checks
      }
      if (!in(e.values, value)) {
        auto fixed = info;
        const auto near = closest(value, e.values, 100);
        set_param(fixed, key, near);
        out.push_back(finding("L009", site,
                              q(value) + " is not a valid " + std::string(key) + " (valid: "
                                + [&] {
                                    std::string s;
                                    for (const auto v : e.values) {
                                      s += (s.empty() ? "" : ", ") + std::string(v);
                                    }
                                    return s;
                                  }()
                                + "): the connection fails at once.",
                              render_redacted(fixed)));
      }
    }
    if (key == "connect_timeout") {
      int n = 0;
      const auto r = std::from_chars(value.data(), value.data() + value.size(), n);
      if (r.ec != std::errc() || r.ptr != value.data() + value.size() || (n > 0 && n < 2)) {
        auto fixed = info;
        set_param(fixed, "connect_timeout", "10");
        const bool not_integer = r.ec != std::errc() || r.ptr != value.data() + value.size();
        out.push_back(finding(not_integer ? "L021" : "L032", site,
                              "connect_timeout=" + util::printable(value)
                                + (not_integer ? " is not an integer number of seconds: the connection attempt fails."
                                               : " is below libpq's minimum and is raised to 2 seconds."),
                              render_redacted(fixed)));
      }
    }
  }
}

}  // namespace

core::Finding url_finding(std::string_view id, const UrlSite& site, std::string message, std::string fix)
{
  return make_finding(id, site.path, site.line, site.column, std::move(message), std::move(fix), redact_raw(site.raw));
}

bool is_templated_host(std::string_view host)
{
  return host.find_first_of("${}<>%") != std::string_view::npos;
}

void check_conninfo(const UrlSite& site, const dsn::ConnInfo& info, const ProjectFacts& facts,
                    std::vector<core::Finding>& out)
{
  const std::string base = base_scheme(info);
  const std::string driver = driver_of(info);
  const bool uri_like = info.form == dsn::Form::uri || info.form == dsn::Form::jdbc;
  // Documentation, tests, fixtures and examples show URLs on purpose (and placeholders such as "port" or a driver
  // "D"): only checks that say the string itself is broken apply there, not the ones about a deployment or a
  // consumer (TLS, missing database, literal in code, scheme for SQLAlchemy, parameters for other clients).
  const bool low_trust = dsn::is_low_trust_path(site.path);

  // Structure checks apply to every database URL.
  // A port= parameter (key=value form, or ?port= in a URI) is checked below instead of the host list it feeds.
  // "host:port", "HostA:PortA": a placeholder word, not a port (documentation and docstrings are full of them).
  const auto placeholder_port = [&](std::string_view p) {
    return std::all_of(p.begin(), p.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; });
  };
  for (const auto& h : info.param("port") ? std::vector<dsn::HostPort>() : info.hosts) {
    if (!h.port.empty() && !valid_port(h.port) && !is_templated_host(h.port) && !placeholder_port(h.port)) {
      auto fixed = info;
      for (auto& fh : fixed.hosts) {
        if (fh.port == h.port) {
          fh.port = is_postgres(info) ? "5432" : "";
        }
      }
      out.push_back(finding("L007", site,
                            "Port " + q(h.port) + " is not an integer between 1 and 65535: the connection fails with "
                              "\"invalid port number\".",
                            render_redacted(fixed)));
    }
  }
  const auto bad_port_list = [&](std::string_view list) {
    for (const auto one : util::split(list, ',')) {
      if (!one.empty() && !valid_port(one) && !placeholder_port(one)) {
        return true;
      }
    }
    return false;
  };
  if (auto p = info.param("port"); p && bad_port_list(*p) && !is_templated_host(*p)) {
    auto fixed = info;
    set_param(fixed, "port", "5432");
    out.push_back(finding("L007", site,
                          "Port " + q(*p) + " is not an integer between 1 and 65535: the connection fails with \"invalid "
                          "port number\".",
                          render_redacted(fixed)));
  }
  if (!is_postgres(info)) {
    return;
  }

  // Scheme and driver.
  if (uri_like && info.form == dsn::Form::uri && !low_trust) {
    if (base == "postgres" && driver.empty() && facts.uses_sqlalchemy && !facts.rewrites_postgres_scheme) {
      auto fixed = info;
      fixed.scheme = "postgresql";
      out.push_back(finding("L003", site,
                            "SQLAlchemy 1.4+ no longer accepts the postgres:// scheme (NoSuchModuleError: Can't load "
                            "plugin: sqlalchemy.dialects:postgres).",
                            render_redacted(fixed)));
    }
    if (!driver.empty() && (base == "postgres" || !in(k_sqlalchemy_pg_drivers, driver))) {
      auto fixed = info;
      const std::vector<std::string_view> drivers(std::begin(k_sqlalchemy_pg_drivers), std::end(k_sqlalchemy_pg_drivers));
      const std::string near = in(k_sqlalchemy_pg_drivers, driver) ? driver
                               : driver.rfind("psycopg3", 0) == 0    ? "psycopg" + driver.substr(8)  // psycopg 3's name
                                                                     : closest(driver, drivers, 3);
      fixed.scheme = "postgresql" + (near.empty() ? std::string() : "+" + near);
      out.push_back(finding("L002", site,
                            base == "postgres" ? "SQLAlchemy names the dialect postgresql, so " + q(info.scheme)
                                                   + " fails to load."
                                               : q(driver) + " is not a SQLAlchemy PostgreSQL driver"
                                                   + (near.empty() ? std::string() : " (did you mean " + q(near) + "?)")
                                                   + ": create_engine() fails to load it.",
                            render_redacted(fixed)));
    }
  }

  // Host and database.
  const bool no_host = std::all_of(info.hosts.begin(), info.hosts.end(), [](const dsn::HostPort& h) { return h.host.empty(); })
                       && !info.param("host") && !info.param("hostaddr");
  if (uri_like && !low_trust && no_host && (info.password || std::any_of(info.hosts.begin(), info.hosts.end(), [](const dsn::HostPort& h) { return !h.port.empty(); }))) {
    out.push_back(finding("L030", site,
                          "The URL names no host, so libpq connects through the local Unix socket and ignores the "
                          "port; a password here suggests a host was meant.",
                          "Put the host after the '@', e.g. " + [&] {
                            auto fixed = info;
                            if (fixed.hosts.empty()) {
                              fixed.hosts.push_back({});
                            }
                            fixed.hosts.front().host = "HOST";
                            return render_redacted(fixed);
                          }()));
  }
  if (uri_like && !low_trust && !site.in_source_code && (!info.database || info.database->empty())
      && !info.param("dbname")) {
    auto fixed = info;
    fixed.database = "DBNAME";
    out.push_back(finding("L006", site,
                          "The URL names no database, so libpq connects to the database named after the user, which is "
                          "rarely intended.",
                          render_redacted(fixed)));
  }
  if (!info.fragment.empty()) {
    auto fixed = info;
    fixed.fragment.clear();
    out.push_back(finding("L024", site,
                          "Text after '#' is not a fragment to libpq: it becomes part of the database name "
                          "(write '#' as %23 if it belongs there).",
                          render_redacted(fixed)));
  }

  // asyncpg takes ssl=, not libpq's sslmode/channel_binding.
  if (driver == "asyncpg" && (info.param("sslmode") || info.param("channel_binding"))) {
    auto fixed = info;
    const auto mode = info.param("sslmode");
    remove_param(fixed, "sslmode");
    remove_param(fixed, "channel_binding");
    if (!fixed.param("ssl")) {
      set_param(fixed, "ssl", mode && !mode->empty() ? *mode : "require");
    }
    out.push_back(finding("L015", site,
                          "asyncpg does not accept sslmode or channel_binding (TypeError: connect() got an unexpected "
                          "keyword argument 'sslmode').",
                          render_redacted(fixed)));
  }

  check_params(site, info, facts, low_trust, out);

  // TLS.
  std::string sslmode = info.param("sslmode").value_or("");
  if (sslmode.empty()) {
    const auto ssl = info.param("ssl");
    if (ssl && (*ssl == "true" || *ssl == "1" || *ssl == "require" || *ssl == "verify-full" || *ssl == "verify-ca")) {
      sslmode = *ssl == "true" || *ssl == "1" ? "require" : *ssl;
    } else if (ssl && (*ssl == "false" || *ssl == "0" || *ssl == "disable")) {
      sslmode = "disable";
    }
  }
  const auto channel_binding = info.param("channel_binding");
  if (channel_binding && *channel_binding == "require" && sslmode == "disable") {
    auto fixed = info;
    set_param(fixed, "sslmode", "require");
    out.push_back(finding("L014", site,
                          "channel_binding=require needs TLS, but sslmode=disable turns it off (\"channel binding "
                          "required, but SSL not in use\").",
                          render_redacted(fixed)));
  }
  const bool templated = any_templated_host(info);
  const auto provider = templated ? std::nullopt : provider_of_info(info);
  const char* ssl_key = driver == "asyncpg" ? "ssl" : "sslmode";
  if (provider && sslmode == "disable") {
    auto fixed = info;
    set_param(fixed, ssl_key, "require");
    out.push_back(finding("L011", site,
                          *provider + " requires TLS, so sslmode=disable fails to connect (or sends the password in "
                                      "clear text where allowed).",
                          render_redacted(fixed)));
  } else if (!templated && !low_trust && !local_only(info)
             && (sslmode.empty() || sslmode == "disable" || sslmode == "allow" || sslmode == "prefer")) {
    auto fixed = info;
    set_param(fixed, ssl_key, "require");
    out.push_back(finding("L010", site,
                          std::string(sslmode.empty() ? "No sslmode on a remote host means libpq's 'prefer'"
                                                      : "sslmode=" + sslmode + " on a remote host")
                            + ", which silently falls back to an unencrypted connection.",
                          render_redacted(fixed)));
  }
  if (provider && !low_trust && *provider == "neon" && driver != "asyncpg" && (!channel_binding || *channel_binding != "require")) {
    auto fixed = info;
    set_param(fixed, "channel_binding", "require");
    out.push_back(finding("L013", site,
                          "Neon supports SCRAM channel binding; channel_binding=require stops a man in the middle from "
                          "relaying the authentication.",
                          render_redacted(fixed)));
  }

  // Connection poolers.
  if (!templated && dsn::is_pooler(info)) {
    if (info.param("options")) {
      auto fixed = info;
      remove_param(fixed, "options");
      out.push_back(finding("L017", site,
                            "Connection poolers reject startup options (\"unsupported startup parameter in options\").",
                            "Drop options= and set the values with ALTER ROLE ... SET or per session: "
                              + render_redacted(fixed)));
    }
    const std::string key = util::to_lower(site.key);
    const bool migrations = site.migration_config || key.find("direct") != std::string::npos
                            || key.find("migrat") != std::string::npos;
    const bool prisma_without_direct = facts.uses_prisma && !facts.prisma_direct_url && key == "database_url";
    if (migrations || prisma_without_direct) {
      auto fixed = info;
      for (auto& h : fixed.hosts) {
        const auto p = h.host.find("-pooler.");
        if (p != std::string::npos) {
          h.host.erase(p, 7);
        }
        if (h.port == "6543" || h.port == "6432") {
          h.port = "5432";
        }
      }
      remove_param(fixed, "pgbouncer");
      out.push_back(finding(
        "L016", site,
        prisma_without_direct
          ? std::string("Prisma Migrate would run through this pooler (no directUrl in the datasource), where prepared "
                        "statements and session state break migrations.")
          : std::string("Migrations need a direct connection, but this URL points at a connection pooler (transaction "
                        "mode breaks SET, prepared statements and advisory locks)."),
        std::string(prisma_without_direct ? "Add directUrl = env(\"DIRECT_URL\") to the datasource with " : "Use ")
          + "the direct host: " + render_redacted(fixed)));
    }
  }

  // A literal connection string in source code.
  if (site.in_source_code && !low_trust && !templated && !local_only(info)) {
    out.push_back(finding("P001", site,
                          "A connection URL written in source code ends up in every copy of the code; read it from the "
                          "environment instead.",
                          "Replace the literal with os.environ[\"DATABASE_URL\"] (or your language's equivalent) and put "
                          "the value in an ignored .env file or the deployment's secrets."));
  }
}

}  // namespace dsnguard::lint
