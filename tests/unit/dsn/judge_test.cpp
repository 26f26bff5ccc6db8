// Judgement tests. Each false-positive category has a contrast case of the same shape with the opposite result.
#include <gtest/gtest.h>

#include "dsn/judge.hpp"

namespace dsnguard::dsn {
namespace {

using core::Confidence;

Verdict judge_uri(std::string_view uri, std::string_view path = "app/config.py")
{
  auto r = parse_uri(uri);
  EXPECT_TRUE(r.has_value()) << uri;
  return r ? judge(*r, path) : Verdict{};
}

TEST(ClassifyPassword, LiteralVersusEmpty)
{
  EXPECT_EQ(classify_password(""), PasswordKind::empty);
  EXPECT_EQ(classify_password("Xk29fLq7Wm"), PasswordKind::literal);
}

TEST(ClassifyPassword, InterpolationForms)
{
  for (const char* pw : {"${DB_PASSWORD}", "$DB_PASSWORD", "$(cat /run/secrets/pw)", "%(password)s", "{password}",
                         "{{ db_password }}", "{{.Values.db.password}}", "${{ secrets.PG }}", "#{ENV['PW']}",
                         "%DB_PASSWORD%", "@db.password@", "__DbPassword__", "{0}", "%s", "<%= ENV['PW'] %>",
                         "$env:DB_PASS", "pre${X}post", "{settings.db_password}", "{password!r}"}) {
    EXPECT_EQ(classify_password(pw), PasswordKind::interpolation) << pw;
  }
  // Contrast: literals that merely contain '$', '%', '{' or '@'.
  for (const char* pw : {"S3c$ret!9", "100%Sure9x", "a{b9Kq", "p@ss9Wq", "Kq9%x"}) {
    EXPECT_EQ(classify_password(pw), PasswordKind::literal) << pw;
  }
}

TEST(ClassifyPassword, ShellDefaultCommitsTheLiteral)
{
  EXPECT_EQ(classify_password("${DB_PASS:-Df9Lt3Sh6Kx}"), PasswordKind::literal);
  EXPECT_EQ(classify_password("${DB_PASS-Df9Lt3Sh6Kx}"), PasswordKind::literal);
  EXPECT_EQ(classify_password("${DB_PASS:-}"), PasswordKind::interpolation);
  EXPECT_EQ(classify_password("${DB_PASS:?required}"), PasswordKind::interpolation);
  EXPECT_EQ(classify_password("${DB_PASS:-changeme}"), PasswordKind::placeholder);
  const auto span = shell_default_literal("${A:-xyz}");
  ASSERT_TRUE(span);
  EXPECT_EQ(span->offset, 5u);
  EXPECT_EQ(span->length, 3u);
  EXPECT_FALSE(shell_default_literal("${A}"));
  EXPECT_FALSE(shell_default_literal("plain"));
}

TEST(ClassifyPassword, Encrypted)
{
  for (const char* pw : {"ENC[AES256_GCM,data:abc=,iv:x,tag:y,type:str]", "{cipher}AQA8fPpdd93kg8eEkg==", "!vault |",
                         "$ANSIBLE_VAULT;1.1;AES256"}) {
    EXPECT_EQ(classify_password(pw), PasswordKind::encrypted) << pw;
  }
  EXPECT_EQ(classify_password("ENCRYPTED9xQ"), PasswordKind::literal);
}

TEST(ClassifyPassword, BracketPlaceholders)
{
  for (const char* pw : {"<password>", "[password]", "&lt;your-password&gt;", "<YourStrong@Passw0rd>", "(secret)"}) {
    EXPECT_EQ(classify_password(pw), PasswordKind::placeholder) << pw;
  }
  EXPECT_EQ(classify_password("<x9Kq2"), PasswordKind::literal);
}

TEST(ClassifyPassword, ClosingBacktickOfMarkdownCodeIsNotAPassword)
{
  for (const std::string pw : {"`", "` properties (SQL Server, jTDS)", "` to the value", "`, then", "`."}) {
    EXPECT_EQ(classify_password(pw), PasswordKind::placeholder) << pw;
  }
  EXPECT_EQ(classify_password("`Kq9Wm2Lx`"), PasswordKind::literal);  // a password quoted in backticks
  EXPECT_EQ(classify_password("Kq9`Wm2Lx"), PasswordKind::literal);
}

TEST(ClassifyPassword, PlaceholderWords)
{
  for (const char* pw : {"password", "passwd", "pass", "pwd", "changeme", "change_me", "replace-me", "your_password",
                         "YOUR-PASSWORD", "mypassword", "my_secret_password", "your-db-password", "dbpassword", "xxx",
                         "XXXX", "....", "dummy", "fake", "sample", "example", "placeholder",
                         "YOUR_DB_PASSWORD_HERE", "enter_password_here", "mysecretpassword", "secretpassword"}) {
    EXPECT_EQ(classify_password(pw), PasswordKind::placeholder) << pw;
  }
  // Disguised compounds are still instructions; a lone disguised word is a weak literal.
  EXPECT_EQ(classify_password("S0meVeryHardPassword"), PasswordKind::placeholder);
  EXPECT_EQ(classify_password("MyOraclePWD1"), PasswordKind::placeholder);
  EXPECT_EQ(classify_password("Passw0rd"), PasswordKind::literal);
  EXPECT_EQ(classify_password("password1"), PasswordKind::literal);
  // Contrast: real passwords that contain a placeholder-ish word.
  for (const char* pw : {"Password123!xQ", "tr0ub4dor&3", "correct-horse-battery-staple", "whereisit2024"}) {
    EXPECT_EQ(classify_password(pw), PasswordKind::literal) << pw;
  }
}

TEST(ClassifyPassword, Masks)
{
  for (const char* pw : {"***", "********", "[REDACTED]", "REDACTED", "[FILTERED]", "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2"}) {
    const auto k = classify_password(pw);
    EXPECT_TRUE(k == PasswordKind::redacted || k == PasswordKind::placeholder) << pw;
  }
  EXPECT_EQ(classify_password("**x9Kq"), PasswordKind::literal);
}

TEST(WeakPassword, DefaultsAndUserEqualsPassword)
{
  for (const char* pw : {"postgres", "root", "admin", "secret", "123456", "password123", "Passw0rd", "postgres123", "test",
                         "guest", "abc"}) {
    EXPECT_TRUE(is_weak_password(pw)) << pw;
  }
  EXPECT_TRUE(is_weak_password("appuser", "appuser"));
  EXPECT_TRUE(is_weak_password("AppUser", "appuser"));
  EXPECT_FALSE(is_weak_password("Xk29fLq7Wm"));
  EXPECT_FALSE(is_weak_password("AppUser9Kq", "other"));
  EXPECT_TRUE(is_weak_password("AppUser9Kq", "appuser9kq"));
  // Short lower-case words are service-name defaults; longer or mixed ones are not.
  EXPECT_TRUE(is_weak_password("gitea"));
  EXPECT_FALSE(is_weak_password("Gitea9"));
  EXPECT_FALSE(is_weak_password("whalehellothere"));
}

TEST(ClassifyHost, Kinds)
{
  EXPECT_EQ(classify_host("localhost"), HostKind::loopback);
  EXPECT_EQ(classify_host("api.localhost"), HostKind::loopback);
  EXPECT_EQ(classify_host("127.0.0.1"), HostKind::loopback);
  EXPECT_EQ(classify_host("127.8.9.10"), HostKind::loopback);
  EXPECT_EQ(classify_host("::1"), HostKind::loopback);
  EXPECT_EQ(classify_host("0.0.0.0"), HostKind::loopback);
  EXPECT_EQ(classify_host(""), HostKind::unix_socket);
  EXPECT_EQ(classify_host("/var/run/postgresql"), HostKind::unix_socket);
  EXPECT_EQ(classify_host("10.1.2.3"), HostKind::private_net);
  EXPECT_EQ(classify_host("172.16.0.1"), HostKind::private_net);
  EXPECT_EQ(classify_host("172.32.0.1"), HostKind::public_host);
  EXPECT_EQ(classify_host("192.168.1.1"), HostKind::private_net);
  EXPECT_EQ(classify_host("fd12::1"), HostKind::private_net);
  EXPECT_EQ(classify_host("169.254.169.254"), HostKind::link_local);
  EXPECT_EQ(classify_host("fe80::1"), HostKind::link_local);
  EXPECT_EQ(classify_host("100.64.0.1"), HostKind::cgnat);
  EXPECT_EQ(classify_host("db.example.com"), HostKind::documentation);
  EXPECT_EQ(classify_host("example.org"), HostKind::documentation);
  EXPECT_EQ(classify_host("db.test"), HostKind::documentation);
  EXPECT_EQ(classify_host("pg.invalid"), HostKind::documentation);
  EXPECT_EQ(classify_host("foo.example"), HostKind::documentation);
  EXPECT_EQ(classify_host("host"), HostKind::documentation);
  EXPECT_EQ(classify_host("hostname"), HostKind::documentation);
  EXPECT_EQ(classify_host("your-host"), HostKind::documentation);
  EXPECT_EQ(classify_host("192.0.2.10"), HostKind::documentation);
  EXPECT_EQ(classify_host("198.51.100.1"), HostKind::documentation);
  EXPECT_EQ(classify_host("203.0.113.7"), HostKind::documentation);
  EXPECT_EQ(classify_host("2001:db8::1"), HostKind::documentation);
  EXPECT_EQ(classify_host("db"), HostKind::compose_internal);
  EXPECT_EQ(classify_host("postgres"), HostKind::compose_internal);
  EXPECT_EQ(classify_host("ep-cool-1234.us-east-2.aws.neon.tech"), HostKind::managed);
  EXPECT_EQ(classify_host("db.acme-corp.io"), HostKind::public_host);
  EXPECT_EQ(classify_host("8.8.8.8"), HostKind::public_host);
  EXPECT_EQ(classify_host("notexample.com"), HostKind::public_host);
}

TEST(Providers, KnownSuffixesAndPoolers)
{
  EXPECT_EQ(provider_of("ep-x-pooler.us-east-2.aws.neon.tech"), "neon");
  EXPECT_EQ(provider_of("db.abcdefghijklmnop.supabase.co"), "supabase");
  EXPECT_EQ(provider_of("aws-0-eu-central-1.pooler.supabase.com"), "supabase");
  EXPECT_EQ(provider_of("mydb.c9akciq32.us-east-1.rds.amazonaws.com"), "rds");
  EXPECT_EQ(provider_of("ec2-52-1-2-3.compute-1.amazonaws.com"), "heroku");
  EXPECT_EQ(provider_of("x.postgres.database.azure.com"), "azure");
  EXPECT_EQ(provider_of("cluster0.ab1cd.mongodb.net"), "mongodb-atlas");
  EXPECT_EQ(provider_of("db.acme.io"), std::nullopt);
  EXPECT_TRUE(is_pooler(*parse_uri("postgres://u:p@ep-x-pooler.us-east-2.aws.neon.tech/db")));
  EXPECT_TRUE(is_pooler(*parse_uri("postgres://u:p@aws-0-eu-central-1.pooler.supabase.com:6543/postgres")));
  EXPECT_TRUE(is_pooler(*parse_uri("postgres://u:p@pgbouncer.acme.io:6432/db")));
  EXPECT_FALSE(is_pooler(*parse_uri("postgres://u:p@db.acme.io:5432/db")));
  EXPECT_TRUE(all_hosts_local(*parse_uri("postgres://u:p@localhost,db/x")));
  EXPECT_FALSE(all_hosts_local(*parse_uri("postgres://u:p@localhost,db.acme.io/x")));
}

TEST(Judge, NoCredentialIsNotReported)
{
  EXPECT_FALSE(judge_uri("postgres://db.acme.io/app").report);
  EXPECT_FALSE(judge_uri("postgres://app@db.acme.io/app").report);
  EXPECT_FALSE(judge_uri("postgres://app:@db.acme.io/app").report);
  EXPECT_TRUE(judge_uri("postgres://app:Xk29fLq7Wm@db.acme.io/app").report);
}

TEST(Judge, PlaceholdersAreNotReportedEvenOnRealHosts)
{
  EXPECT_FALSE(judge_uri("postgres://app:${PW}@db.acme.io/app").report);
  EXPECT_FALSE(judge_uri("postgres://app:%3Cpassword%3E@db.acme.io/app").report);
  EXPECT_FALSE(judge_uri("postgres://app:your%5Fpassword@db.acme.io/app").report);
  EXPECT_FALSE(judge_uri("postgres://app:%DB_PASSWORD%@db.acme.io/app").report);
  EXPECT_FALSE(judge_uri("postgres://app:***@db.acme.io/app").report);
}

TEST(Judge, ConfidenceLadder)
{
  // literal on a real host -> high
  auto v = judge_uri("postgres://app:Xk29fLq7Wm@db.acme.io/app");
  EXPECT_TRUE(v.report);
  EXPECT_EQ(v.confidence, Confidence::high);
  // weak on a real host is still high: the URL establishes the credential role
  EXPECT_EQ(judge_uri("postgres://postgres:postgres@db.acme.io/app").confidence, Confidence::high);
  // strong literal on loopback / compose host -> medium
  EXPECT_EQ(judge_uri("postgres://admin:Tn7Qx9Lz2Wm4Kp@localhost:15432/prod").confidence, Confidence::medium);
  EXPECT_EQ(judge_uri("postgres://api:Cp8Wx3Zr6Tq@db:5432/api").confidence, Confidence::medium);
  // weak on loopback / compose -> low, still reported
  v = judge_uri("postgres://postgres:postgres@localhost/app");
  EXPECT_TRUE(v.report);
  EXPECT_EQ(v.confidence, Confidence::low);
  EXPECT_EQ(judge_uri("redis://:redis@redis:6379").confidence, Confidence::low);
  // private network: weak -> medium, strong -> high
  EXPECT_EQ(judge_uri("postgres://postgres:postgres@10.0.0.5/app").confidence, Confidence::medium);
  EXPECT_EQ(judge_uri("postgres://app:Xk29fLq7Wm@10.0.0.5/app").confidence, Confidence::high);
}

TEST(Judge, DocumentationHosts)
{
  EXPECT_FALSE(judge_uri("postgres://admin:secret@db.example.com/app").report);
  // Issue 2: documentation hosts are not reported by default. Strong literals there are kept at low confidence
  // (visible with --min-confidence low), never dropped; the same password on a real host is high.
  for (const char* url : {"postgres://admin:Xk29fLq7Wm@db.example.com/app", "postgres://admin:Xk29fLq7Wm@db.test/app",
                          "postgres://admin:Xk29fLq7Wm@db.invalid/app", "postgres://admin:Xk29fLq7Wm@192.0.2.10/app"}) {
    const auto v = judge_uri(url);
    EXPECT_TRUE(v.report) << url;
    EXPECT_EQ(v.confidence, Confidence::low) << url;
  }
  EXPECT_EQ(judge_uri("postgres://admin:Xk29fLq7Wm@db.example.com/app", "README.md").confidence, Confidence::low);
  EXPECT_EQ(judge_uri("postgres://admin:Xk29fLq7Wm@db.prod-cluster.acme-corp.net/app").confidence, Confidence::high);
}

TEST(Judge, KnownSamplesAreLowNotDropped)
{
  const auto v = judge_uri("postgresql://scott:tiger@localhost/mydatabase");
  EXPECT_TRUE(v.report);
  EXPECT_EQ(v.confidence, Confidence::low);
  // node-postgres docs: also a placeholder word, so either not reported or low.
  const auto docs = judge_uri("postgresql://dbuser:secretpassword@database.server.com:3211/mydb");
  EXPECT_TRUE(!docs.report || docs.confidence == Confidence::low);
  // Contrast: the same user with another password on a real host is a leak.
  EXPECT_EQ(judge_uri("postgresql://dbuser:Xk29fLq7Wm@database.server.com:3211/mydb").confidence, Confidence::high);
  EXPECT_TRUE(is_known_sample(*parse_uri("mysql://scott:tiger@db/foo")));
  EXPECT_FALSE(is_known_sample(*parse_uri("mysql://scott:lion@db/foo")));
}

TEST(Judge, VendorDefaultPasswordsAreWeak)
{
  // Firebird's SYSDBA default: low on a local host (SQLAlchemy's old setup.cfg), still high on a remote one.
  EXPECT_EQ(judge_uri("firebird://sysdba:masterkey@localhost//tmp/test.fdb", "setup.cfg").confidence,
            Confidence::low);
  EXPECT_EQ(judge_uri("firebird://sysdba:masterkey@fb.acme-corp.net//data/app.fdb", "app/db.py").confidence,
            Confidence::high);
}

TEST(Judge, LowTrustPathsLowerOneStepButNeverDrop)
{
  const char* uri = "postgres://app:Xk29fLq7Wm@db.acme.io/app";
  EXPECT_EQ(judge_uri(uri, "README.md").confidence, Confidence::medium);
  EXPECT_EQ(judge_uri(uri, "tests/test_db.py").confidence, Confidence::medium);
  EXPECT_EQ(judge_uri(uri, ".env.example").confidence, Confidence::medium);
  EXPECT_EQ(judge_uri(uri, "app/settings.py").confidence, Confidence::high);
  const auto local = judge_uri("postgres://admin:Tn7Qx9Lz2Wm4Kp@localhost/prod", "docs/tunnel.md");
  EXPECT_TRUE(local.report);
  EXPECT_EQ(local.confidence, Confidence::low);
}

TEST(LowTrustPath, Recognises)
{
  for (const char* p : {"README.md", "docs/x.yml", "a/test/b.py", "tests/x.go", "x_test.go", "test_db.py",
                        "src/app.spec.ts", "src/App.test.js", "src/DbTest.java", ".env.example", "config/.env.sample",
                        "deploy/app.env.template", "spec/fixtures/db.yml", "examples/app.py", "conftest.py"}) {
    EXPECT_TRUE(is_low_trust_path(p)) << p;
  }
  for (const char* p : {"app/settings.py", ".env", "config/database.yml", "src/main/resources/application.properties",
                        "docker-compose.yml", "latest/x.py", "contest.py"}) {
    EXPECT_FALSE(is_low_trust_path(p)) << p;
  }
}

TEST(SecretKey, DependsOnPasswordUserAndHost)
{
  const auto a = secret_key(*parse_uri("postgres://u:p1@h/db"));
  EXPECT_EQ(a, secret_key(*parse_uri("postgresql://u:p1@H/other?x=1")));
  EXPECT_NE(a, secret_key(*parse_uri("postgres://u:p2@h/db")));
  EXPECT_NE(a, secret_key(*parse_uri("postgres://v:p1@h/db")));
  EXPECT_NE(a, secret_key(*parse_uri("postgres://u:p1@h2/db")));
}

TEST(Redact, MasksTheSpanAndOtherCopies)
{
  EXPECT_EQ(redact("postgres://u:pw1@h/db?password=pw1", Span{13, 3}), "postgres://u:****@h/db?password=****");
  EXPECT_EQ(redact("abc", Span{5, 2}), "abc");
  EXPECT_EQ(redact("abc", Span{}), "abc");
}

TEST(Redact, RedactedUri)
{
  EXPECT_EQ(to_redacted_uri(*parse_uri("postgresql+asyncpg://app:s3cret@db.acme.io:5432/app?sslmode=require")),
            "postgresql+asyncpg://app:****@db.acme.io:5432/app?sslmode=require");
  EXPECT_EQ(to_redacted_uri(*parse_uri("postgres://u:x@[::1]:5433,h2/db?password=x")),
            "postgres://u:****@[::1]:5433,h2/db?password=****");
  const auto kv = to_redacted_uri(*parse_keyvalue("host=h port=5432 dbname=d user=u password=x sslmode=require"));
  EXPECT_EQ(kv, "postgresql://u:****@h:5432/d?sslmode=require");
  EXPECT_EQ(to_redacted_uri(*parse_uri("postgres://u:p%40w@h/db")).find("p%40w"), std::string::npos);
}

}  // namespace
}  // namespace dsnguard::dsn
