// End-to-end: `dsnguard verify` against a real PostgreSQL 15 (tests/support/postgres.hpp) and against
// loopback listeners that refuse, never answer, or answer with scripted errors. Issue 5.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>

#include "support/postgres.hpp"
#include "support/process.hpp"

namespace dsnguard::test {

namespace {

using nlohmann::json;

RunOptions clean_env(const std::string& home)
{
  RunOptions o;
  o.env["HOME"] = home;
  o.unset_env = {"PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSSLMODE",
                 "PGSSLROOTCERT", "PGSERVICE", "PGSERVICEFILE", "PGPASSFILE", "PGCHANNELBINDING", "PGOPTIONS"};
  return o;
}

struct Verified {
  RunResult run;
  json doc;
};

// Runs `dsnguard verify --format json` with `args`; parses stdout.
Verified verify_json(const std::vector<std::string>& args, RunOptions options)
{
  std::vector<std::string> argv{"verify", "--format", "json"};
  argv.insert(argv.end(), args.begin(), args.end());
  Verified v;
  v.run = dsnguard(argv, options);
  v.doc = json::parse(v.run.out, nullptr, false);
  EXPECT_FALSE(v.doc.is_discarded()) << "stdout is not JSON: " << v.run.out << "\nstderr: " << v.run.err;
  return v;
}

// The password must not appear anywhere in the output, raw or percent-encoded.
void expect_no_secret(const RunResult& r, const std::string& password)
{
  for (const auto& form : {password, percent_encode(password)}) {
    EXPECT_EQ(r.out.find(form), std::string::npos) << "stdout leaks the password: " << r.out;
    EXPECT_EQ(r.err.find(form), std::string::npos) << "stderr leaks the password: " << r.err;
  }
}

std::string class_of(const Verified& v)
{
  return v.doc.is_object() ? v.doc.value("class", "") : "";
}

std::string sqlstate_of(const Verified& v)
{
  return v.doc.is_object() && v.doc.contains("error") ? v.doc["error"].value("sqlstate", "") : "";
}

class VerifyPostgres : public ::testing::Test {
protected:
  PostgresServer& pg = PostgresServer::shared();
  RunOptions env = clean_env(pg.home());
};

}  // namespace

TEST_F(VerifyPostgres, SucceedsOverTlsWithSslmodeRequire)
{
  const auto v = verify_json({"--url", pg.app_url("sslmode=require")}, env);
  ASSERT_EQ(v.run.exit_code, 0) << v.run.out << v.run.err << pg.log();
  EXPECT_EQ(v.doc["ok"], true);
  EXPECT_EQ(class_of(v), "ok");
  EXPECT_EQ(v.doc["tls"]["in_use"], true);
  EXPECT_EQ(v.doc["tls"]["protocol"].get<std::string>().rfind("TLSv1.", 0), 0u) << v.doc.dump();
  EXPECT_FALSE(v.doc["tls"]["cipher"].get<std::string>().empty());
  EXPECT_EQ(v.doc["target"]["user"], PostgresServer::k_user);
  EXPECT_EQ(v.doc["target"]["database"], PostgresServer::k_database);
  EXPECT_EQ(v.doc["target"]["hostaddr"], "127.0.0.1");
  EXPECT_EQ(v.doc["target"]["pooler"], false);
  EXPECT_EQ(v.doc["server_version"].get<std::string>().rfind("15.", 0), 0u) << v.doc.dump();
  EXPECT_GT(v.doc["latency_ms"]["connect"].get<double>(), 0.0);
  EXPECT_GT(v.doc["latency_ms"]["query"].get<double>(), 0.0);
  EXPECT_NE(v.doc["url"].get<std::string>().find(":****@"), std::string::npos);
  expect_no_secret(v.run, PostgresServer::k_password);
}

TEST_F(VerifyPostgres, TextReportShowsTlsAndMasksThePassword)
{
  const auto r = dsnguard({"verify", "--url", pg.app_url("sslmode=require")}, env);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("verify: OK"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tls:       yes (TLSv1."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("server:    PostgreSQL 15."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(":****@127.0.0.1"), std::string::npos) << r.out;
  expect_no_secret(r, PostgresServer::k_password);
}

TEST_F(VerifyPostgres, VerifyFullFailsOnUntrustedCertificate)
{
  const auto v = verify_json({"--url", pg.app_url("sslmode=verify-full&sslrootcert=" + pg.untrusted_cert())}, env);
  EXPECT_EQ(v.run.exit_code, 7) << v.run.out << v.run.err;
  EXPECT_EQ(class_of(v), "certificate");
  EXPECT_NE(v.doc["error"]["message"].get<std::string>().find("certificate verify failed"), std::string::npos)
    << v.doc.dump();
  // No CA at all (HOME has no ~/.postgresql/root.crt): also a certificate failure, never a silent downgrade.
  const auto none = verify_json({"--url", pg.app_url("sslmode=verify-full")}, env);
  EXPECT_EQ(none.run.exit_code, 7) << none.run.out;
  EXPECT_NE(none.doc["error"]["message"].get<std::string>().find("root certificate file"), std::string::npos);
}

TEST_F(VerifyPostgres, VerifyFullSucceedsWithTheRightCaAndHostName)
{
  const std::string url = "postgresql://" + std::string(PostgresServer::k_user) + ":"
                          + percent_encode(PostgresServer::k_password) + "@localhost:" + std::to_string(pg.port()) + "/"
                          + PostgresServer::k_database + "?sslmode=verify-full&sslrootcert=" + pg.server_cert();
  const auto v = verify_json({"--url", url}, env);
  EXPECT_EQ(v.run.exit_code, 0) << v.run.out << v.run.err;
  EXPECT_EQ(v.doc["tls"]["in_use"], true);
  // The certificate names "localhost", not 127.0.0.1: verify-full by address must fail.
  const auto mismatch = verify_json({"--url", pg.app_url("sslmode=verify-full&sslrootcert=" + pg.server_cert())}, env);
  EXPECT_EQ(mismatch.run.exit_code, 7) << mismatch.run.out;
  EXPECT_NE(mismatch.doc["error"]["message"].get<std::string>().find("does not match host name"), std::string::npos)
    << mismatch.doc.dump();
}

TEST_F(VerifyPostgres, SslmodeDisableAgainstHostsslOnlyIsTlsRequired)
{
  const auto v = verify_json({"--url", pg.app_url("sslmode=disable")}, env);
  EXPECT_EQ(v.run.exit_code, 6) << v.run.out << v.run.err;
  EXPECT_EQ(class_of(v), "tls-required");
  EXPECT_EQ(sqlstate_of(v), "28000");
  EXPECT_NE(v.doc["error"]["check"].get<std::string>().find("sslmode=require"), std::string::npos);
}

TEST_F(VerifyPostgres, WrongPasswordIsAuthFailedAndNeverPrinted)
{
  const std::string wrong = "Wr0ng-Pa55word-x";
  const auto v = verify_json({"--url", pg.url(PostgresServer::k_user, wrong, PostgresServer::k_database)}, env);
  EXPECT_EQ(v.run.exit_code, 4) << v.run.out << v.run.err;
  EXPECT_EQ(class_of(v), "auth-failed");
  EXPECT_EQ(sqlstate_of(v), "28P01");
  EXPECT_NE(v.doc["error"]["check"].get<std::string>().find("rotate/reset the password"), std::string::npos);
  expect_no_secret(v.run, wrong);
}

TEST_F(VerifyPostgres, PreferWithWrongPasswordReportsThePasswordNotTheCleartextRetry)
{
  // sslmode=prefer: libpq retries without TLS after the TLS attempt fails, and the hostssl-only server then
  // answers "no pg_hba.conf entry ... no encryption". The triage must keep the real cause (28P01).
  const auto v = verify_json(
    {"--url", pg.url(PostgresServer::k_user, "not-the-password", PostgresServer::k_database, "sslmode=prefer")}, env);
  EXPECT_EQ(v.run.exit_code, 4) << v.run.out << v.run.err;
  EXPECT_EQ(sqlstate_of(v), "28P01");
  const auto ok = verify_json({"--url", pg.app_url("")}, env);  // no sslmode: libpq's prefer
  EXPECT_EQ(ok.run.exit_code, 0) << ok.run.out << ok.run.err;
  EXPECT_EQ(ok.doc["tls"]["in_use"], true);
}

TEST_F(VerifyPostgres, UnknownDatabase)
{
  const auto v =
    verify_json({"--url", pg.url(PostgresServer::k_user, PostgresServer::k_password, "no_such_db")}, env);
  EXPECT_EQ(v.run.exit_code, 8) << v.run.out << v.run.err;
  EXPECT_EQ(class_of(v), "database-missing");
  EXPECT_EQ(sqlstate_of(v), "3D000");
}

TEST_F(VerifyPostgres, TooManyConnectionsBothWordings)
{
  const int ordinary = PostgresServer::k_max_connections - PostgresServer::k_reserved_connections;
  auto held = pg.hold_connections(PostgresServer::k_user, ordinary);
  ASSERT_EQ(held.size(), static_cast<std::size_t>(ordinary));
  // Only superuser slots left: "remaining connection slots are reserved ..."
  const auto reserved = verify_json({"--url", pg.app_url()}, env);
  EXPECT_EQ(reserved.run.exit_code, 9) << reserved.run.out << reserved.run.err;
  EXPECT_EQ(sqlstate_of(reserved), "53300");
  EXPECT_NE(reserved.doc["error"]["check"].get<std::string>().find("pool_size"), std::string::npos);
  // Every slot taken: "sorry, too many clients already"
  auto admins = pg.hold_connections("admin", PostgresServer::k_reserved_connections);
  ASSERT_EQ(admins.size(), static_cast<std::size_t>(PostgresServer::k_reserved_connections));
  const auto full = verify_json({"--url", pg.app_url()}, env);
  EXPECT_EQ(full.run.exit_code, 9) << full.run.out << full.run.err;
  EXPECT_EQ(sqlstate_of(full), "53300");
  EXPECT_NE(full.doc["error"]["message"].get<std::string>().find("too many clients"), std::string::npos);
}

TEST_F(VerifyPostgres, ChannelBindingRequire)
{
  const auto ok = verify_json({"--url", pg.app_url("sslmode=require&channel_binding=require")}, env);
  EXPECT_EQ(ok.run.exit_code, 0) << ok.run.out << ok.run.err;
  // md5 authentication cannot bind the channel: libpq refuses to continue.
  const auto md5 = verify_json({"--url", pg.url(PostgresServer::k_md5_user, PostgresServer::k_md5_password,
                                                PostgresServer::k_database, "sslmode=require&channel_binding=require")},
                               env);
  EXPECT_EQ(md5.run.exit_code, 6) << md5.run.out << md5.run.err;
  EXPECT_NE(md5.doc["error"]["message"].get<std::string>().find("channel binding"), std::string::npos);
  // Without channel binding the md5 role does connect (the password is right).
  const auto plain = verify_json(
    {"--url", pg.url(PostgresServer::k_md5_user, PostgresServer::k_md5_password, PostgresServer::k_database)}, env);
  EXPECT_EQ(plain.run.exit_code, 0) << plain.run.out << plain.run.err;
}

TEST_F(VerifyPostgres, RepeatReportsMinMedianMax)
{
  const auto v = verify_json({"--url", pg.app_url(), "--repeat", "3"}, env);
  ASSERT_EQ(v.run.exit_code, 0) << v.run.out << v.run.err;
  EXPECT_EQ(v.doc["rounds"].size(), 3u);
  const auto& c = v.doc["repeat"]["connect_ms"];
  EXPECT_LE(c["min"].get<double>(), c["median"].get<double>());
  EXPECT_LE(c["median"].get<double>(), c["max"].get<double>());
  EXPECT_GT(c["min"].get<double>(), 0.0);
  const auto text = dsnguard({"verify", "--url", pg.app_url(), "--repeat", "2"}, env);
  EXPECT_NE(text.out.find("connect:   min "), std::string::npos) << text.out;
}

TEST_F(VerifyPostgres, UrlFromEnvironmentAndDotEnv)
{
  RunOptions with_env = env;
  with_env.env["DATABASE_URL"] = pg.app_url();
  // dsnguard() unsets DATABASE_URL for isolation; run the binary directly to pass it.
  auto from_env = run({binary_path(), "verify", "--format", "json"}, with_env);
  EXPECT_EQ(from_env.exit_code, 0) << from_env.out << from_env.err;
  EXPECT_NE(from_env.out.find("\"url_source\": \"$DATABASE_URL\""), std::string::npos) << from_env.out;

  TempDir repo;
  git_init(repo.path());
  write_file(repo.path(), ".env",
             "# local settings\nexport DB_PASS='" + percent_encode(PostgresServer::k_password) + "'\n"
             "DATABASE_URL=\"postgresql://app:${DB_PASS}@127.0.0.1:" + std::to_string(pg.port())
               + "/appdb?sslmode=require\"  # the app database\nOTHER_URL=" + pg.url("app", "nope", "appdb") + "\n");
  const auto from_dotenv = verify_json({repo.path()}, env);
  EXPECT_EQ(from_dotenv.run.exit_code, 0) << from_dotenv.run.out << from_dotenv.run.err;
  EXPECT_EQ(from_dotenv.doc["url_source"], repo.path() + "/.env:3");
  const auto other = verify_json({"--var", "OTHER_URL", repo.path()}, env);
  EXPECT_EQ(other.run.exit_code, 4) << other.run.out;
  const auto explicit_file = verify_json({"--env-file", repo.path() + "/.env"}, env);
  EXPECT_EQ(explicit_file.run.exit_code, 0) << explicit_file.run.out << explicit_file.run.err;
  expect_no_secret(from_dotenv.run, PostgresServer::k_password);
}

TEST_F(VerifyPostgres, IsolatedIgnoresPgEnvironment)
{
  RunOptions with_pgpassword = env;
  with_pgpassword.env["PGPASSWORD"] = PostgresServer::k_password;
  const std::string no_password = pg.url(PostgresServer::k_user, "", PostgresServer::k_database);
  const auto leaky = verify_json({"--url", no_password}, with_pgpassword);
  EXPECT_EQ(leaky.run.exit_code, 0) << leaky.run.out << leaky.run.err;
  const auto isolated = verify_json({"--url", no_password, "--isolated"}, with_pgpassword);
  EXPECT_EQ(isolated.run.exit_code, 4) << isolated.run.out << isolated.run.err;
  EXPECT_NE(isolated.doc["error"]["message"].get<std::string>().find("no password supplied"), std::string::npos);
}

TEST_F(VerifyPostgres, HostFromPgEnvironmentIsResolvedUnderTheDeadline)
{
  RunOptions with_pghost = env;
  with_pghost.env["PGHOST"] = "localhost";
  with_pghost.env["PGPORT"] = std::to_string(pg.port());
  const std::string no_host = "postgresql://" + std::string(PostgresServer::k_user) + ":"
                              + percent_encode(PostgresServer::k_password) + "@/" + PostgresServer::k_database
                              + "?sslmode=require";
  const auto v = verify_json({"--url", no_host}, with_pghost);
  EXPECT_EQ(v.run.exit_code, 0) << v.run.out << v.run.err;
  EXPECT_EQ(v.doc["target"]["hostaddr"], "127.0.0.1") << v.doc.dump();
  // hostaddr alone (no host name): connects to that address.
  const auto by_addr = verify_json({"--url", "postgresql://" + std::string(PostgresServer::k_user) + ":"
                                               + percent_encode(PostgresServer::k_password) + "@/"
                                               + PostgresServer::k_database + "?hostaddr=127.0.0.1&port="
                                               + std::to_string(pg.port()) + "&sslmode=require"},
                                   env);
  EXPECT_EQ(by_addr.run.exit_code, 0) << by_addr.run.out << by_addr.run.err;
  // --isolated: PGHOST is ignored, so libpq's default Unix socket is tried (and is not there).
  const auto isolated = verify_json({"--url", no_host, "--isolated"}, with_pghost);
  EXPECT_EQ(isolated.run.exit_code, 5) << isolated.run.out;
}

TEST_F(VerifyPostgres, OrmUrlsAreNormalisedForLibpq)
{
  const std::string base = "@127.0.0.1:" + std::to_string(pg.port()) + "/" + PostgresServer::k_database;
  const std::string userinfo = std::string(PostgresServer::k_user) + ":" + percent_encode(PostgresServer::k_password);
  const auto prisma =
    verify_json({"--url", "postgres://" + userinfo + base + "?schema=public&pgbouncer=true&sslmode=require"}, env);
  EXPECT_EQ(prisma.run.exit_code, 0) << prisma.run.out << prisma.run.err;
  std::size_t ignored = 0;
  std::size_t linted = 0;
  for (const auto& n : prisma.doc["notes"]) {
    ignored += n.get<std::string>().rfind("ignored the query parameter", 0) == 0 ? 1 : 0;
    linted += n.get<std::string>().rfind("lint L008", 0) == 0 ? 1 : 0;  // the URL is linted first
  }
  EXPECT_EQ(ignored, 2u) << prisma.doc.dump();
  EXPECT_EQ(linted, 2u) << prisma.doc.dump();
  const auto asyncpg = verify_json({"--url", "postgresql+asyncpg://" + userinfo + base + "?ssl=require"}, env);
  EXPECT_EQ(asyncpg.run.exit_code, 0) << asyncpg.run.out << asyncpg.run.err;
  EXPECT_EQ(asyncpg.doc["target"]["sslmode"], "require");
  EXPECT_EQ(asyncpg.doc["tls"]["in_use"], true);
}

TEST(VerifyUnreachable, RefusedPort)
{
  RefusingPort closed;
  const auto v = verify_json(
    {"--url", "postgresql://u:pw-refused@127.0.0.1:" + std::to_string(closed.port()) + "/db?sslmode=require"}, {});
  EXPECT_EQ(v.run.exit_code, 5) << v.run.out << v.run.err;
  EXPECT_EQ(class_of(v), "unreachable");
  EXPECT_NE(v.doc["error"]["message"].get<std::string>().find("Connection refused"), std::string::npos);
}

TEST(VerifyUnreachable, SilentHostRespectsTheDeadline)
{
  SilentListener silent;
  const auto started = std::chrono::steady_clock::now();
  const auto v = verify_json({"--url",
                              "postgresql://u:pw-silent@127.0.0.1:" + std::to_string(silent.port())
                                + "/db?sslmode=require",
                              "--timeout", "1.5"},
                             {});
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(v.run.exit_code, 5) << v.run.out << v.run.err;
  EXPECT_GE(elapsed, 1.4);
  EXPECT_LT(elapsed, 1.5 + 0.5);
  EXPECT_EQ(v.doc["error"]["stage"], "connect");
}

TEST(VerifyUnreachable, DnsFailureUnderInvalid)
{
  const auto v = verify_json({"--url", "postgresql://u:pw-dns@db.does-not-exist.invalid/app?sslmode=require",
                              "--timeout", "5"},
                             {});
  EXPECT_EQ(v.run.exit_code, 5) << v.run.out << v.run.err;
  EXPECT_EQ(v.doc["error"]["stage"], "dns");
}

TEST(VerifyScripted, StartingUpIsNotReady)
{
  ScriptedServer server("57P03", "the database system is starting up");
  const auto v =
    verify_json({"--url", "postgresql://u:pw@127.0.0.1:" + std::to_string(server.port()) + "/db?sslmode=prefer"}, {});
  EXPECT_EQ(v.run.exit_code, 11) << v.run.out << v.run.err;
  EXPECT_EQ(sqlstate_of(v), "57P03");
}

TEST(VerifyScripted, Postgres16TooManyConnectionsWordingClassifiedBySqlstate)
{
  ScriptedServer server("53300",
                        "remaining connection slots are reserved for roles with the SUPERUSER attribute");
  const auto v =
    verify_json({"--url", "postgresql://u:pw@127.0.0.1:" + std::to_string(server.port()) + "/db?sslmode=prefer"}, {});
  EXPECT_EQ(v.run.exit_code, 9) << v.run.out << v.run.err;
}

TEST(VerifyScripted, ServerClosingTheConnection)
{
  ScriptedServer server("", "");
  const auto v = verify_json(
    {"--url", "postgresql://u:pw@127.0.0.1:" + std::to_string(server.port()) + "/db?sslmode=disable"}, {});
  EXPECT_EQ(v.run.exit_code, 10) << v.run.out << v.run.err;
  EXPECT_NE(v.doc["error"]["check"].get<std::string>().find("pool_pre_ping=True"), std::string::npos);
}

TEST(VerifyScripted, ServerWithoutTlsWhenTlsIsRequired)
{
  ScriptedServer server("28P01", "password authentication failed for user \"u\"");
  const auto v = verify_json(
    {"--url", "postgresql://u:pw@127.0.0.1:" + std::to_string(server.port()) + "/db?sslmode=require"}, {});
  // The server declines TLS: libpq must stop there (the password is never sent in clear).
  EXPECT_EQ(v.run.exit_code, 6) << v.run.out << v.run.err;
  EXPECT_NE(v.doc["error"]["message"].get<std::string>().find("server does not support SSL"), std::string::npos);
}

TEST(VerifyUrl, InvalidUrlsAreUsageErrorsWithoutThePassword)
{
  const std::vector<std::string> bad = {
    "postgresql://u:hunter2secret@127.0.0.1:5432/db?sslmode=requir",
    "postgresql://u:hunter2secret@127.0.0.1:70000/db",
    "postgresql://u:hunter2secret%zz@127.0.0.1/db",
    "postgresql://u:hunter2secret@127.0.0.1/db?channel_binding=always",
    "postgresql://u:hunter2secret@127.0.0.1/db?frobnicate=1",
    "mysql://u:hunter2secret@127.0.0.1/db",
  };
  for (const auto& url : bad) {
    const auto v = verify_json({"--url", url}, {});
    EXPECT_EQ(v.run.exit_code, 2) << url << "\n" << v.run.out << v.run.err;
    EXPECT_EQ(class_of(v), "bad-url") << url;
    expect_no_secret(v.run, "hunter2secret");
  }
}

TEST(VerifyUrl, OnlyTextAndJsonFormats)
{
  const auto r = dsnguard({"verify", "--url", "postgresql://u:pw@127.0.0.1/db", "--format", "sarif"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("text or json"), std::string::npos) << r.err;
}

TEST(VerifyUrl, ReportToOutputFile)
{
  TempDir dir;
  RefusingPort closed;
  const auto r = dsnguard({"verify", "--url", "postgresql://u:pw-out@127.0.0.1:" + std::to_string(closed.port()) + "/db",
                           "--format", "json", "-o", dir / "verify.json"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  const auto doc = json::parse(read_file(dir / "verify.json"), nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  EXPECT_EQ(doc["class"], "unreachable");
  EXPECT_EQ(doc["exit_code"], 5);
}

TEST(VerifyUrl, MissingUrlIsAUsageError)
{
  TempDir empty;
  const auto r = dsnguard({"verify", empty.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no URL to verify"), std::string::npos) << r.err;
}

}  // namespace dsnguard::test
