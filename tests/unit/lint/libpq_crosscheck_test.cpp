// Cross-check of lint's verdicts against libpq 15's own parser (PQconninfoParse) on a table of URLs:
// - where libpq rejects a URL, lint reports an error (or the row documents why not: another consumer);
// - where libpq accepts but the connection would fail on a value (sslmode=bogus, port 99999), lint reports an error;
// - where libpq silently mis-parses (raw '@' or '/' in the userinfo), lint reports L004;
// - where libpq parses cleanly, lint reports no error and dsn/'s fields equal libpq's.
#include <gtest/gtest.h>

#include <libpq-fe.h>

#include <algorithm>
#include <map>
#include <memory>

#include "dsn/conninfo.hpp"
#include "lint/url_checks.hpp"

namespace dsnguard::lint {

namespace {

enum class Expect {
  clean,        // libpq accepts, lint reports no error, fields agree
  rejected,     // libpq rejects, lint reports `id` (an error)
  fails_later,  // libpq's parser accepts, the connection fails at start on a value; lint reports `id` (an error)
  misparsed,    // libpq silently splits the userinfo wrongly; lint reports L004
  documented,   // libpq rejects, lint deliberately does not report an error: `id` names what it reports instead
                // ("" for nothing) and `why` says why
};

struct Row {
  const char* url;
  Expect expect;
  const char* id = "";
  const char* why = "";
};

const Row k_rows[] = {
  // libpq accepts, nothing wrong (warnings such as L006 "no database" may still appear).
  {"postgresql://localhost", Expect::clean},
  {"postgresql://localhost:5433", Expect::clean},
  {"postgresql://localhost/mydb", Expect::clean},
  {"postgresql://user@localhost", Expect::clean},
  {"postgresql://user:secret@localhost", Expect::clean},
  {"postgresql://other@localhost/otherdb?connect_timeout=10&application_name=myapp", Expect::clean},
  {"postgresql://host1:123,host2:456/somedb?target_session_attrs=any&application_name=myapp", Expect::clean},
  {"postgresql:///mydb?host=localhost&port=5433", Expect::clean},
  {"postgresql://[2001:db8::1234]/database", Expect::clean},
  {"postgresql://[::1]:5433/db", Expect::clean},
  {"postgresql:///dbname?host=/var/lib/postgresql", Expect::clean},
  {"postgresql://%2Fvar%2Flib%2Fpostgresql/dbname", Expect::clean},
  {"postgres://u:pw@localhost:5432/app", Expect::clean},
  {"postgresql://u:p%40ss%23w%2Frd@localhost:5432/app?sslmode=require", Expect::clean},
  {"postgresql://u:pw@localhost/app?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem", Expect::clean},
  {"postgresql://u:pw@localhost/app?ssl=true", Expect::clean},
  {"postgresql://u:pw@localhost/app?channel_binding=require&sslmode=require", Expect::clean},
  {"postgresql://u:pw@localhost/app?options=-c%20search_path%3Dapp", Expect::clean},
  {"postgresql://u:pw@localhost/app?gssencmode=disable", Expect::clean},
  {"postgresql://u:pw@localhost/app?keepalives=1&keepalives_idle=30", Expect::clean},
  {"postgresql://u:pw@127.0.0.1:5432/app?sslmode=disable", Expect::clean},
  {"postgresql://u@localhost/app?target_session_attrs=read-write", Expect::clean},
  {"postgresql://u:pw@localhost/app?sslmode=prefer", Expect::clean},
  {"postgresql://u:pw@localhost/my%20db", Expect::clean},
  {"postgresql://localhost/app?client_encoding=UTF8", Expect::clean},
  {"postgres://localhost/app?fallback_application_name=x", Expect::clean},
  {"postgresql://u:pw@db:5432/app", Expect::clean},
  {"postgresql://u:pw@localhost/app?service=myservice", Expect::clean},
  {"postgresql://u:pw@localhost/app?sslcert=/a.crt&sslkey=/a.key", Expect::clean},
  {"postgresql://u:p%3Aw@localhost/app", Expect::clean},
  {"postgresql://u:pw@localhost/app?tcp_user_timeout=1000&keepalives_count=3", Expect::clean},
  {"postgresql://u:pw@localhost/app?sslsni=1&ssl_min_protocol_version=TLSv1.3", Expect::clean},

  // libpq rejects.
  {"postgresql://u:p%zz@localhost/db", Expect::rejected, "L005"},
  {"postgresql://u@localhost/100%", Expect::rejected, "L005"},
  {"postgresql://u:p@[::1/db", Expect::rejected, "L031"},
  {"postgresql://localhost/db?sslmode", Expect::rejected, "L009"},
  {"postgresql://localhost/db?a=b=c", Expect::rejected, "L008"},
  {"postgresql://u:pw@localhost/db?schema=public", Expect::rejected, "L008"},
  {"postgresql://u:pw@localhost/db?pgbouncer=true", Expect::rejected, "L008"},
  {"postgresql://u:pw@localhost/db?connection_limit=5", Expect::rejected, "L008"},
  {"postgresql://u:pw@localhost/db?sslaccept=strict", Expect::rejected, "L008"},
  {"postgresql://u:pw@localhost/db?currentSchema=app", Expect::rejected, "L008"},
  {"postgresql://u:pw@localhost/db?sslmod=require", Expect::rejected, "L028"},
  {"postgresql://u:pw@localhost/db?applicaton_name=x", Expect::rejected, "L028"},
  {"POSTGRESQL://u:pw@localhost/db", Expect::rejected, "L027"},
  {"Postgres://u:pw@localhost/db", Expect::rejected, "L027"},
  {"postgress://u:pw@localhost/db", Expect::rejected, "L027"},
  {"postgresq://u:pw@localhost/db", Expect::rejected, "L027"},
  {"postgre://u:pw@localhost/db", Expect::rejected, "L027"},
  {"pg://localhost/db", Expect::rejected, "L027"},
  {"psql://localhost/db", Expect::rejected, "L027"},
  {"postgresql://u:pw@localhost/db?require_auth=password", Expect::documented, "L029",
   "libpq 16+ keyword: valid for newer clients, so an info finding, not an error"},
  {"postgresql+psycopg2://u:pw@localhost/db", Expect::documented, "",
   "a SQLAlchemy URL: SQLAlchemy strips the +driver before libpq sees it"},
  {"postgresql+asyncpg://u:pw@localhost/db", Expect::documented, "", "a SQLAlchemy URL for asyncpg (no libpq)"},
  {"jdbc:postgresql://localhost:5432/db", Expect::documented, "", "a JDBC URL: pgjdbc parses it, never libpq"},

  // libpq's parser accepts; the connection fails as soon as it starts.
  {"postgresql://u:pw@localhost/db?sslmode=bogus", Expect::fails_later, "L009"},
  {"postgresql://u:pw@localhost:5432x/db", Expect::fails_later, "L007"},
  {"postgresql://u:pw@localhost/db?port=5432,x1", Expect::fails_later, "L007"},
  {"postgresql://u:pw@localhost:99999/db", Expect::fails_later, "L007"},
  {"postgresql://u:pw@localhost:0/db", Expect::fails_later, "L007"},
  {"postgresql://u:pw@localhost/db?connect_timeout=abc", Expect::fails_later, "L021"},
  {"postgresql://u:pw@localhost/db?channel_binding=maybe", Expect::fails_later, "L009"},
  {"postgresql://u:pw@localhost/db?target_session_attrs=xx", Expect::fails_later, "L009"},
  {"postgresql://u:pw@localhost/db?gssencmode=foo", Expect::fails_later, "L009"},
  {"postgresql://u:pw@localhost/db?sslmode=disable&channel_binding=require", Expect::fails_later, "L014"},

  // libpq silently mis-parses (or other parsers disagree).
  {"postgresql://u:p@ss@localhost/db", Expect::misparsed},
  {"postgresql://u:pa/ss@localhost/db", Expect::misparsed},
  {"postgresql://me@corp.com:pw@localhost/db", Expect::misparsed},
  {"postgresql://u:p@ss/w@localhost:5432/db", Expect::misparsed},
  {"postgresql://u:p#ss@localhost/db", Expect::misparsed},
  {"postgresql://u:p?ss@localhost/db", Expect::misparsed},
  {"postgresql://u:p[ss]@localhost/db", Expect::misparsed},
};

struct LibpqResult {
  bool ok = false;
  std::string error;
  std::map<std::string, std::string> values;  // set keywords only
};

LibpqResult libpq_parse(const char* url)
{
  LibpqResult r;
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(url, &err);
  if (opts == nullptr) {
    r.error = err != nullptr ? err : "out of memory";
    PQfreemem(err);
    return r;
  }
  r.ok = true;
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val != nullptr) {
      r.values[o->keyword] = o->val;
    }
  }
  PQconninfoFree(opts);
  return r;
}

std::vector<core::Finding> lint_url(const char* url)
{
  UrlSite site;
  site.path = ".env";
  site.line = 1;
  site.column = 14;
  site.raw = url;
  std::vector<core::Finding> out;
  check_url(site, ProjectFacts{}, out);
  return out;
}

std::string ids(const std::vector<core::Finding>& fs)
{
  std::string s;
  for (const auto& f : fs) {
    s += f.rule_id + "(" + std::string(core::to_string(f.severity)) + ") ";
  }
  return s;
}

bool has(const std::vector<core::Finding>& fs, const std::string& id)
{
  return std::any_of(fs.begin(), fs.end(), [&](const core::Finding& f) { return f.rule_id == id; });
}

bool has_error(const std::vector<core::Finding>& fs)
{
  return std::any_of(fs.begin(), fs.end(), [](const core::Finding& f) { return f.severity == core::Severity::error; });
}

// dsn/'s effective value of a libpq keyword (userinfo/host part, else the query parameter).
std::string effective(const dsn::ConnInfo& c, const std::string& key)
{
  std::string joined;
  if (key == "host" || key == "port") {
    bool any = false;
    for (std::size_t i = 0; i < c.hosts.size(); ++i) {
      joined += (i == 0 ? "" : ",") + (key == "host" ? c.hosts[i].host : c.hosts[i].port);
      any = any || !(key == "host" ? c.hosts[i].host : c.hosts[i].port).empty();
    }
    if (any) {
      return joined;
    }
  }
  if (key == "dbname" && c.database && !c.database->empty()) {
    return *c.database;
  }
  if (key == "user" && c.user && !c.user->empty()) {
    return *c.user;
  }
  if (key == "password" && c.password) {
    return *c.password;
  }
  return c.param(key).value_or("");
}

}  // namespace

TEST(LibpqCrossCheck, TableHasAtLeastSixtyUrls)
{
  EXPECT_GE(std::size(k_rows), 60u);
}

TEST(LibpqCrossCheck, LintAgreesWithPQconninfoParse)
{
  for (const auto& row : k_rows) {
    SCOPED_TRACE(row.url);
    const auto pq = libpq_parse(row.url);
    const auto found = lint_url(row.url);
    switch (row.expect) {
    case Expect::clean: {
      EXPECT_TRUE(pq.ok) << "libpq: " << pq.error;
      EXPECT_FALSE(has_error(found)) << ids(found);
      auto info = dsn::parse_uri(row.url);
      ASSERT_TRUE(info.has_value()) << info.error().message;
      for (const char* key : {"host", "port", "dbname", "user", "password"}) {
        const auto it = pq.values.find(key);
        EXPECT_EQ(effective(*info, key), it == pq.values.end() ? "" : it->second) << key;
      }
      break;
    }
    case Expect::rejected:
      EXPECT_FALSE(pq.ok) << "libpq accepted it";
      EXPECT_TRUE(has(found, row.id)) << "expected " << row.id << ", got " << ids(found);
      EXPECT_TRUE(has_error(found)) << ids(found);
      break;
    case Expect::fails_later:
      EXPECT_TRUE(pq.ok) << pq.error;
      EXPECT_TRUE(has(found, row.id)) << "expected " << row.id << ", got " << ids(found);
      EXPECT_TRUE(has_error(found)) << ids(found);
      break;
    case Expect::misparsed: {
      EXPECT_TRUE(has(found, "L004")) << ids(found);
      // Where libpq "succeeds", it split the userinfo somewhere else than the author meant.
      if (pq.ok) {
        const auto host = pq.values.count("host") != 0 ? pq.values.at("host") : "";
        const auto user = pq.values.count("user") != 0 ? pq.values.at("user") : "";
        const bool wrong = host != "localhost" || (user != "u" && user != "me@corp.com")
                           || pq.values.count("password") == 0;
        const bool portability_only = std::string(row.url).find_first_of("#?[") != std::string::npos;
        EXPECT_TRUE(wrong || portability_only) << "libpq parsed it as the author meant: drop the row";
      }
      break;
    }
    case Expect::documented:
      EXPECT_FALSE(pq.ok);
      EXPECT_FALSE(has_error(found)) << row.why << ": " << ids(found);
      if (*row.id != '\0') {
        EXPECT_TRUE(has(found, row.id)) << ids(found);
      }
      break;
    }
  }
}

}  // namespace dsnguard::lint
