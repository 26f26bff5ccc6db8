// URL checks on ConnInfo values built by hand (independent of the dsn parser), plus the raw-text checks.
#include "lint/url_checks.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "lint/url_scan.hpp"

namespace dsnguard::lint {

namespace {

dsn::ConnInfo make(std::string scheme, std::optional<std::string> user, std::optional<std::string> password,
                   std::vector<dsn::HostPort> hosts, std::optional<std::string> database,
                   std::vector<std::pair<std::string, std::string>> params = {})
{
  dsn::ConnInfo c;
  c.form = dsn::Form::uri;
  c.scheme = std::move(scheme);
  c.family = "postgresql";
  const auto plus = c.scheme.find('+');
  if (plus != std::string::npos) {
    c.driver = c.scheme.substr(plus + 1);
  }
  c.user = std::move(user);
  c.password = std::move(password);
  c.hosts = std::move(hosts);
  c.database = std::move(database);
  c.params = std::move(params);
  return c;
}

dsn::HostPort hp(std::string host, std::string port = "")
{
  return {std::move(host), std::move(port), false};
}

struct Checked {
  std::vector<core::Finding> findings;
  const core::Finding* find(const std::string& id) const
  {
    const auto it = std::find_if(findings.begin(), findings.end(), [&](const core::Finding& f) { return f.rule_id == id; });
    return it == findings.end() ? nullptr : &*it;
  }
  bool has(const std::string& id) const { return find(id) != nullptr; }
};

Checked run(const dsn::ConnInfo& info, const ProjectFacts& facts = {}, UrlSite site = {})
{
  Checked c;
  if (site.path.empty()) {
    site.path = ".env";
    site.line = 3;
    site.column = 14;
  }
  check_conninfo(site, info, facts, c.findings);
  for (const auto& f : c.findings) {
    EXPECT_EQ(f.kind, core::FindingKind::lint);
    EXPECT_EQ(f.location.path, site.path);
    EXPECT_EQ(f.location.line, site.line);
    EXPECT_EQ(f.fix.find("hunter2"), std::string::npos) << f.rule_id;
    EXPECT_EQ(f.message.find("hunter2"), std::string::npos) << f.rule_id;
    EXPECT_FALSE(f.message.empty());
    EXPECT_FALSE(f.fix.empty());
  }
  return c;
}

Checked run_raw(std::string_view raw, const ProjectFacts& facts = {})
{
  Checked c;
  UrlSite site;
  site.path = "app.env";
  site.line = 1;
  site.column = 1;
  site.raw = raw;
  check_url(site, facts, c.findings);
  for (const auto& f : c.findings) {
    EXPECT_EQ(f.fix.find("hunter2"), std::string::npos) << f.rule_id << ": " << f.fix;
    EXPECT_EQ(f.match.find("hunter2"), std::string::npos) << f.rule_id << ": " << f.match;
  }
  return c;
}

}  // namespace

TEST(UrlChecks, PostgresSchemeWithSqlalchemy)
{
  const auto info = make("postgres", "app", "hunter2", {hp("localhost")}, "app");
  ProjectFacts sa;
  sa.uses_sqlalchemy = true;
  const auto c = run(info, sa);
  ASSERT_TRUE(c.has("L003"));
  EXPECT_EQ(c.find("L003")->fix, "postgresql://app:****@localhost/app");
  EXPECT_EQ(c.find("L003")->severity, core::Severity::error);
  EXPECT_FALSE(run(info).has("L003"));  // no SQLAlchemy in the project
  sa.rewrites_postgres_scheme = true;
  EXPECT_FALSE(run(info, sa).has("L003"));  // the app rewrites the scheme at startup
  EXPECT_FALSE(run(make("postgresql", "app", "hunter2", {hp("localhost")}, "app"), sa).has("L003"));
}

TEST(UrlChecks, UnknownSqlalchemyDriver)
{
  const auto c = run(make("postgresql+psycopg3", "u", "hunter2", {hp("localhost")}, "db"));
  ASSERT_TRUE(c.has("L002"));
  EXPECT_EQ(c.find("L002")->fix, "postgresql+psycopg://u:****@localhost/db");
  EXPECT_FALSE(run(make("postgresql+asyncpg", "u", "hunter2", {hp("localhost")}, "db")).has("L002"));
  EXPECT_FALSE(run(make("postgresql+psycopg2", "u", "hunter2", {hp("localhost")}, "db")).has("L002"));
  EXPECT_TRUE(run(make("postgres+psycopg2", "u", "hunter2", {hp("localhost")}, "db")).has("L002"));
}

TEST(UrlChecks, PortOutOfRangeOrNotANumber)
{
  auto c = run(make("postgresql", "u", "hunter2", {hp("localhost", "99999")}, "db"));
  ASSERT_TRUE(c.has("L007"));
  EXPECT_EQ(c.find("L007")->fix, "postgresql://u:****@localhost:5432/db");
  EXPECT_TRUE(run(make("postgresql", "u", "hunter2", {hp("localhost", "0")}, "db")).has("L007"));
  EXPECT_TRUE(run(make("postgresql", "u", "hunter2", {hp("localhost", "54x")}, "db")).has("L007"));
  EXPECT_FALSE(run(make("postgresql", "u", "hunter2", {hp("localhost", "port")}, "db")).has("L007"));  // placeholder
  EXPECT_FALSE(run(make("postgresql", "u", "hunter2", {hp("localhost", "65535")}, "db")).has("L007"));
  EXPECT_FALSE(run(make("postgresql", "u", "hunter2", {hp("localhost", "${DB_PORT}")}, "db")).has("L007"));
}

TEST(UrlChecks, MissingDatabaseAndHost)
{
  auto c = run(make("postgresql", "u", "hunter2", {hp("localhost")}, std::nullopt));
  ASSERT_TRUE(c.has("L006"));
  EXPECT_EQ(c.find("L006")->severity, core::Severity::warning);
  EXPECT_EQ(c.find("L006")->fix, "postgresql://u:****@localhost/DBNAME");
  EXPECT_FALSE(run(make("postgresql", "u", "hunter2", {hp("localhost")}, std::nullopt, {{"dbname", "x"}})).has("L006"));
  c = run(make("postgresql", "u", "hunter2", {hp("", "5432")}, "db"));
  ASSERT_TRUE(c.has("L030"));
  EXPECT_EQ(c.find("L030")->fix.find("postgresql://u:****@HOST:5432/db") != std::string::npos, true) << c.find("L030")->fix;
  // A socket URL without a password is a normal local setup.
  EXPECT_FALSE(run(make("postgresql", std::nullopt, std::nullopt, {hp("")}, "db")).has("L030"));
  EXPECT_FALSE(run(make("postgresql", "u", "hunter2", {hp("")}, "db", {{"host", "/var/run/postgresql"}})).has("L030"));
}

TEST(UrlChecks, InvalidEnumValuesSuggestTheClosest)
{
  const auto base = [](std::vector<std::pair<std::string, std::string>> params) {
    return make("postgresql", "u", "hunter2", {hp("localhost")}, "db", std::move(params));
  };
  auto c = run(base({{"sslmode", "requir"}}));
  ASSERT_TRUE(c.has("L009"));
  EXPECT_EQ(c.find("L009")->fix, "postgresql://u:****@localhost/db?sslmode=require");
  c = run(base({{"target_session_attrs", "readwrite"}}));
  ASSERT_TRUE(c.has("L009"));
  EXPECT_EQ(c.find("L009")->fix, "postgresql://u:****@localhost/db?target_session_attrs=read-write");
  EXPECT_TRUE(run(base({{"channel_binding", "maybe"}})).has("L009"));
  EXPECT_TRUE(run(base({{"gssencmode", "foo"}})).has("L009"));
  EXPECT_FALSE(run(base({{"sslmode", "verify-full"}, {"channel_binding", "require"}, {"gssencmode", "disable"},
                         {"target_session_attrs", "prefer-standby"}}))
                 .has("L009"));
}

TEST(UrlChecks, ChannelBindingWithoutTls)
{
  const auto c = run(make("postgresql", "u", "hunter2", {hp("localhost")}, "db",
                          {{"sslmode", "disable"}, {"channel_binding", "require"}}));
  ASSERT_TRUE(c.has("L014"));
  EXPECT_EQ(c.find("L014")->fix, "postgresql://u:****@localhost/db?sslmode=require&channel_binding=require");
  EXPECT_FALSE(run(make("postgresql", "u", "hunter2", {hp("localhost")}, "db",
                        {{"sslmode", "require"}, {"channel_binding", "require"}}))
                 .has("L014"));
}

TEST(UrlChecks, AsyncpgRejectsLibpqSslParameters)
{
  auto c = run(make("postgresql+asyncpg", "u", "hunter2", {hp("localhost")}, "db",
                    {{"sslmode", "require"}, {"channel_binding", "require"}}));
  ASSERT_TRUE(c.has("L015"));
  EXPECT_EQ(c.find("L015")->fix, "postgresql+asyncpg://u:****@localhost/db?ssl=require");
  EXPECT_FALSE(c.has("L009"));
  EXPECT_FALSE(run(make("postgresql+asyncpg", "u", "hunter2", {hp("localhost")}, "db", {{"ssl", "require"}})).has("L015"));
  EXPECT_FALSE(run(make("postgresql+psycopg", "u", "hunter2", {hp("localhost")}, "db", {{"sslmode", "require"}})).has("L015"));
}

TEST(UrlChecks, UnknownAndMisspelledParameters)
{
  const auto base = [](std::string key, std::string value) {
    return make("postgresql", "u", "hunter2", {hp("localhost")}, "db", {{std::move(key), std::move(value)}});
  };
  auto c = run(base("sslmod", "require"));
  ASSERT_TRUE(c.has("L028"));
  EXPECT_EQ(c.find("L028")->fix, "postgresql://u:****@localhost/db?sslmode=require");
  EXPECT_NE(c.find("L028")->message.find("'sslmode'"), std::string::npos);
  c = run(base("applicaton_name", "x"));
  ASSERT_TRUE(c.has("L028"));
  EXPECT_NE(c.find("L028")->fix.find("application_name=x"), std::string::npos);

  c = run(base("schema", "public"));
  ASSERT_TRUE(c.has("L008"));
  EXPECT_EQ(c.find("L008")->severity, core::Severity::error);
  ProjectFacts prisma;
  prisma.uses_prisma = true;
  EXPECT_FALSE(run(base("schema", "public"), prisma).has("L008"));
  EXPECT_TRUE(run(base("frobnicate", "1")).has("L008"));

  c = run(base("require_auth", "scram-sha-256"));
  ASSERT_TRUE(c.has("L029"));
  EXPECT_EQ(c.find("L029")->severity, core::Severity::info);
  EXPECT_FALSE(run(base("application_name", "x")).has("L008"));
  EXPECT_FALSE(run(base("ssl", "true")).has("L008"));
  // JDBC property names are pgjdbc's business.
  auto jdbc = base("currentSchema", "app");
  jdbc.form = dsn::Form::jdbc;
  jdbc.scheme = "jdbc:postgresql";
  EXPECT_FALSE(run(jdbc).has("L008"));
  EXPECT_FALSE(run(jdbc).has("L028"));
}

TEST(UrlChecks, ConnectTimeoutAndFragment)
{
  const auto base = [](std::string v) {
    return make("postgresql", "u", "hunter2", {hp("localhost")}, "db", {{"connect_timeout", std::move(v)}});
  };
  EXPECT_TRUE(run(base("abc")).has("L021"));
  EXPECT_TRUE(run(base("1")).has("L032"));
  EXPECT_FALSE(run(base("1")).has("L021"));
  EXPECT_FALSE(run(base("10")).has("L021"));
  auto frag = make("postgresql", "u", "hunter2", {hp("localhost")}, "db");
  frag.fragment = "main";
  const auto c = run(frag);
  ASSERT_TRUE(c.has("L024"));
  EXPECT_EQ(c.find("L024")->fix, "postgresql://u:****@localhost/db");
}

TEST(UrlChecks, KeyValueFormRendersAsKeyValue)
{
  dsn::ConnInfo kv;
  kv.form = dsn::Form::keyvalue;
  kv.params = {{"host", "localhost"}, {"port", "70000"}, {"dbname", "app"}, {"user", "u"}, {"password", "hunter2"}};
  const auto c = run(kv);
  ASSERT_TRUE(c.has("L007"));
  EXPECT_EQ(c.find("L007")->fix, "host=localhost port=5432 dbname=app user=u password=****");
}

TEST(UrlRaw, SchemeTypos)
{
  for (const char* typo : {"postgress", "postgresq", "postgre", "psql", "pg", "postgressql"}) {
    const std::string url = std::string(typo) + "://u:hunter2@localhost/db";
    const auto c = run_raw(url);
    ASSERT_TRUE(c.has("L027")) << typo;
    EXPECT_EQ(c.find("L027")->fix, "postgresql://u:****@localhost/db") << typo;
    EXPECT_EQ(c.find("L027")->severity, core::Severity::error);
  }
  EXPECT_FALSE(run_raw("postgresql://u:hunter2@localhost/db").has("L027"));
  EXPECT_FALSE(run_raw("postgres://u:hunter2@localhost/db").has("L027"));
  EXPECT_FALSE(run_raw("pgsql://u:hunter2@localhost/db").has("L027"));  // dj-database-url alias
  EXPECT_EQ(run_raw("postgress+asyncpg://u:hunter2@h/db").find("L027")->fix, "postgresql+asyncpg://u:****@h/db");
}

TEST(UrlRaw, UnencodedReservedCharactersInUserinfo)
{
  auto c = run_raw("postgresql://u:p@ss-hunter2@db.internal:5432/app");
  ASSERT_TRUE(c.has("L004"));
  EXPECT_EQ(c.find("L004")->fix, "Percent-encode them ('@' as %40): postgresql://u:****@db.internal:5432/app");
  c = run_raw("postgresql://u:pa/ss#hunter2@db.internal/app");
  ASSERT_TRUE(c.has("L004"));
  EXPECT_NE(c.find("L004")->fix.find("'/' as %2F"), std::string::npos);
  EXPECT_NE(c.find("L004")->fix.find("'#' as %23"), std::string::npos);
  c = run_raw("postgresql://me@corp.com:hunter2@db.internal/app");
  ASSERT_TRUE(c.has("L004"));
  EXPECT_NE(c.find("L004")->fix.find("postgresql://me%40corp.com:****@db.internal/app"), std::string::npos)
    << c.find("L004")->fix;
  EXPECT_NE(c.find("L004")->message.find("user"), std::string::npos);
  EXPECT_FALSE(run_raw("postgresql://u:p%40ss%2Fhunter2@db.internal/app").has("L004"));
  EXPECT_FALSE(run_raw("postgresql://db.internal/app?user=a@b").has("L004"));
  EXPECT_FALSE(run_raw("postgresql://u:${DB_PASS}@db/app").has("L004"));
}

TEST(UrlRaw, BadPercentEscapes)
{
  auto c = run_raw("postgresql://u:p%zzhunter2@localhost/db");
  ASSERT_TRUE(c.has("L005"));
  EXPECT_NE(c.find("L005")->message.find("password"), std::string::npos);
  c = run_raw("postgresql://u@localhost/100%");
  ASSERT_TRUE(c.has("L005"));
  EXPECT_NE(c.find("L005")->fix.find("postgresql://u@localhost/100%25"), std::string::npos) << c.find("L005")->fix;
  EXPECT_FALSE(run_raw("postgresql://u:%(password)s@localhost/db").has("L005"));
  EXPECT_FALSE(run_raw("postgresql://u:%DB_PASSWORD%@localhost/db").has("L005"));
  EXPECT_FALSE(run_raw("postgresql://u:p%40ss@localhost/db").has("L005"));
}

TEST(UrlRaw, RedactRaw)
{
  EXPECT_EQ(redact_raw("postgresql://u:hunter2@h/db"), "postgresql://u:****@h/db");
  EXPECT_EQ(redact_raw("postgresql://u:p@ss@h/db"), "postgresql://u:****@h/db");
  EXPECT_EQ(redact_raw("postgresql://h/db?user=u&password=hunter2&sslmode=require"),
            "postgresql://h/db?user=u&password=****&sslmode=require");
  EXPECT_EQ(redact_raw("host=h password='hunter 2' dbname=d"), "host=h password=**** dbname=d");
  EXPECT_EQ(redact_raw("jdbc:postgresql://h/db?password=hunter2"), "jdbc:postgresql://h/db?password=****");
  EXPECT_EQ(redact_raw("postgresql://u@h/db"), "postgresql://u@h/db");
}

TEST(UrlScan, FindsCandidatesWithKeysAndBounds)
{
  const std::string text =
    "DATABASE_URL=\"postgresql://u:pw@h:5432/db?sslmode=require\"\n"
    "see https://example.com/docs and (postgres://a@b/c).\n"
    "spring.datasource.url=jdbc:postgresql://db:5432/app\n"
    "dsn = 'host=db.internal port=5432 dbname=app user=u'\n"
    "x = \"postgress://u@h/d\"\n";
  const auto cs = find_url_candidates(text);
  ASSERT_EQ(cs.size(), 5u);
  EXPECT_EQ(cs[0].text, "postgresql://u:pw@h:5432/db?sslmode=require");
  EXPECT_EQ(cs[0].key, "DATABASE_URL");
  EXPECT_EQ(line_at(text, cs[0].offset), 1u);
  EXPECT_EQ(column_at(text, cs[0].offset), 15u);
  EXPECT_EQ(cs[1].text, "postgres://a@b/c");
  EXPECT_EQ(cs[2].text, "jdbc:postgresql://db:5432/app");
  EXPECT_EQ(cs[2].key, "spring.datasource.url");
  EXPECT_TRUE(cs[3].keyvalue);
  EXPECT_EQ(cs[3].text, "host=db.internal port=5432 dbname=app user=u");
  EXPECT_EQ(cs[3].key, "dsn");
  EXPECT_EQ(cs[4].text, "postgress://u@h/d");
}

TEST(UrlScan, DriverNamesWithUnderscoresAreKeptInTheScheme)
{
  // SQLAlchemy 2.0's async psycopg driver and cx_Oracle: the whole scheme, not the part after the '_'.
  const std::string text = "DATABASE_URL=postgresql+psycopg_async://app:pw@db.example.com/app\n"
                           "ORACLE_URL='oracle+cx_oracle://scott:tiger@ora.example.com:1521/orcl'\n";
  const auto cs = find_url_candidates(text);
  ASSERT_EQ(cs.size(), 2u);
  EXPECT_EQ(cs[0].text, "postgresql+psycopg_async://app:pw@db.example.com/app");
  EXPECT_EQ(cs[0].key, "DATABASE_URL");
  EXPECT_EQ(cs[1].text, "oracle+cx_oracle://scott:tiger@ora.example.com:1521/orcl");
  EXPECT_EQ(classify_scheme("postgresql+psycopg_async"), SchemeClass::postgres);
}

TEST(UrlScan, IgnoresNonDatabaseSchemesAndLoneHostAssignments)
{
  EXPECT_TRUE(find_url_candidates("http://a https://b file:///c ftp://d").empty());
  EXPECT_TRUE(find_url_candidates("ssh host=foo\n<a href=\"x\" host=y>").empty());
}

TEST(UrlScan, SchemeClasses)
{
  std::string s;
  EXPECT_EQ(classify_scheme("postgresql+asyncpg"), SchemeClass::postgres);
  EXPECT_EQ(classify_scheme("jdbc:postgresql"), SchemeClass::postgres);
  EXPECT_EQ(classify_scheme("POSTGRES"), SchemeClass::postgres);
  EXPECT_EQ(classify_scheme("postgresq", &s), SchemeClass::postgres_typo);
  EXPECT_EQ(s, "postgresql");
  EXPECT_EQ(classify_scheme("mysql"), SchemeClass::other_db);
  EXPECT_EQ(classify_scheme("https"), SchemeClass::none);
  EXPECT_EQ(classify_scheme("postgis"), SchemeClass::other_db);
}

}  // namespace dsnguard::lint

namespace dsnguard::lint {

TEST(UrlRaw, NotationAndPlaceholdersAreNotUrls)
{
  EXPECT_TRUE(run_raw("postgresql+psycopg2://user:hunter2@host:port/dbname[?key=value&key=value...]").findings.empty());
  EXPECT_TRUE(run_raw("postgresql://").findings.empty());
  EXPECT_TRUE(run_raw("oracle://user:hunter2@hostname:port[/dbname][?service_name=x]").findings.empty());
  EXPECT_FALSE(run_raw("sqlite:///%s").has("L005"));
  EXPECT_FALSE(run_raw("postgresql+D://U:hunter2@/DB?host=H").has("L027"));  // only driverless schemes
}

TEST(UrlChecks, DocumentationPathsKeepOnlyBrokenStringChecks)
{
  UrlSite docs;
  docs.path = "docs/setup.md";
  docs.line = 1;
  const auto remote = make("postgresql", "u", "hunter2", {hp("db.acme-corp.com")}, std::nullopt, {{"schema", "x"}});
  const auto d = run(remote, {}, docs);
  EXPECT_FALSE(d.has("L006"));
  EXPECT_FALSE(d.has("L010"));
  EXPECT_FALSE(d.has("L008"));
  const auto c = run(remote);
  EXPECT_TRUE(c.has("L006"));
  EXPECT_TRUE(c.has("L010"));
  EXPECT_TRUE(c.has("L008"));
  EXPECT_TRUE(run(make("postgresql", "u", "hunter2", {hp("localhost", "99999")}, "db"), {}, docs).has("L007"));
}

}  // namespace dsnguard::lint
