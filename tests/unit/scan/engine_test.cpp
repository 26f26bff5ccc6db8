#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "config/rules.hpp"
#include "core/fingerprint.hpp"
#include "scan/engine.hpp"

namespace dsnguard::scan {
namespace {

const Engine& default_engine()
{
  static const Engine e = [] {
    auto rules = config::builtin_rules();
    EXPECT_TRUE(rules.has_value());
    auto compiled = Engine::compile(*rules);
    EXPECT_TRUE(compiled.has_value()) << (compiled ? "" : compiled.error().message);
    return std::move(*compiled);
  }();
  return e;
}

std::vector<core::Finding> scan(std::string_view text, std::string path = "app/config.py",
                                const std::vector<core::LineRange>* added = nullptr)
{
  core::Fragment f;
  f.bytes = text;
  f.origin.path = std::move(path);
  f.added_lines = added;
  return default_engine().scan(f);
}

std::vector<core::Finding> secrets(const std::vector<core::Finding>& all)
{
  std::vector<core::Finding> out;
  for (const auto& f : all) {
    if (f.kind == core::FindingKind::secret) {
      out.push_back(f);
    }
  }
  return out;
}

core::Rule rule(std::string id, std::string pattern)
{
  core::Rule r;
  r.id = std::move(id);
  r.pattern = std::move(pattern);
  r.source_file = "rules/test.json";
  return r;
}

TEST(EngineCompile, BadRegexNamesFileRuleAndRe2Error)
{
  auto e = Engine::compile({rule("broken-rule", "postgres(")});
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error().code, core::ErrorCode::config);
  EXPECT_NE(e.error().message.find("rules/test.json"), std::string::npos) << e.error().message;
  EXPECT_NE(e.error().message.find("broken-rule"), std::string::npos);
  EXPECT_NE(e.error().message.find("missing )"), std::string::npos) << e.error().message;
}

TEST(EngineCompile, UnknownSecretGroupIsAConfigError)
{
  auto r = rule("r", "password=(?P<value>\\S+)");
  r.secret_group = "secret";
  auto e = Engine::compile({r});
  ASSERT_FALSE(e.has_value());
  EXPECT_NE(e.error().message.find("secret_group"), std::string::npos);
}

TEST(EngineCompile, BadPathAndAllowRegexesAreReported)
{
  auto r = rule("r", "x");
  r.path_pattern = "[";
  EXPECT_FALSE(Engine::compile({r}).has_value());
  auto a = rule("a", "x");
  a.allow_patterns = {"(?P<"};
  EXPECT_FALSE(Engine::compile({a}).has_value());
}

// Built-in rules build their regexes on first use; this is the check that stands in for the eager one: every
// built-in regex compiles and every secret_group names a group, exactly as a user rule file is checked at load.
TEST(EngineCompile, EveryBuiltinRuleCompilesWhenCheckedEagerly)
{
  auto rules = config::builtin_rules();
  ASSERT_TRUE(rules.has_value());
  ASSERT_FALSE(rules->empty());
  for (auto& r : *rules) {
    EXPECT_TRUE(r.builtin) << r.id;
    r.builtin = false;
  }
  auto e = Engine::compile(*rules);
  EXPECT_TRUE(e.has_value()) << (e ? "" : e.error().message);
}

TEST(EngineCompile, UserRulesAreCheckedAtLoadBuiltinOnesOnFirstUse)
{
  auto user = rule("broken-rule", "postgres(");
  EXPECT_FALSE(Engine::compile({user}).has_value());
  auto builtin = user;
  builtin.builtin = true;  // never shipped broken (test above); if it were, it would match nothing, not crash
  builtin.keywords = {"postgres"};
  auto e = Engine::compile({builtin});
  ASSERT_TRUE(e.has_value());
  core::Fragment f;
  f.bytes = "postgres(";
  f.origin.path = "a.txt";
  EXPECT_TRUE(e->scan(f).empty());
}

TEST(EngineScan, LazyRegexesAreSafeAcrossThreads)
{
  auto rules = config::builtin_rules();
  ASSERT_TRUE(rules.has_value());
  auto e = Engine::compile(*rules);
  ASSERT_TRUE(e.has_value());
  const std::string text = "DATABASE_URL = 'postgresql://app:Xk9pQ2mZ@db.acme.io:5432/orders'\n";
  std::vector<std::size_t> counts(4, 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < counts.size(); ++t) {
    threads.emplace_back([&, t] {
      core::Fragment f;
      f.bytes = text;
      f.origin.path = "app/settings.py";
      counts[t] = secrets(e->scan(f)).size();
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  for (const auto c : counts) {
    EXPECT_EQ(c, 1u);
  }
}

TEST(EngineScan, PreparingRegexesWhileScanningChangesNoResult)
{
  auto rules = config::builtin_rules();
  ASSERT_TRUE(rules.has_value());
  auto e = Engine::compile(*rules);
  ASSERT_TRUE(e.has_value());
  const std::string text = "DATABASE_URL = 'postgresql://app:Xk9pQ2mZ@db.acme.io:5432/orders'\n"
                           "export PGPASSWORD=Vq7Lm3Xw9\n";
  std::atomic<bool> stop{false};
  std::thread prepare([&] { e->prepare(stop); });
  core::Fragment f;
  f.bytes = text;
  f.origin.path = "app/settings.sh";
  const auto during = secrets(e->scan(f));
  prepare.join();
  const auto after = secrets(e->scan(f));
  EXPECT_EQ(during.size(), 2u);
  ASSERT_EQ(after.size(), during.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].fingerprint, during[i].fingerprint);
  }
  // A stopped preparation returns at once and leaves the engine usable.
  auto fresh = Engine::compile(*rules);
  ASSERT_TRUE(fresh.has_value());
  std::atomic<bool> stopped{true};
  fresh->prepare(stopped);
  EXPECT_EQ(secrets(fresh->scan(f)).size(), 2u);
}

TEST(EngineScan, FindingFieldsForAUri)
{
  const std::string text = "# settings\nDATABASE_URL = 'postgresql+asyncpg://app:p%40ss9Kq@db.acme.io:5433/orders?sslmode=require'\n";
  const auto fs = secrets(scan(text));
  ASSERT_EQ(fs.size(), 1u);
  const auto& f = fs[0];
  EXPECT_EQ(f.rule_id, "postgres-uri");
  EXPECT_EQ(f.confidence, core::Confidence::high);
  EXPECT_EQ(f.location.line, 2u);
  EXPECT_EQ(f.location.column, text.find("postgresql+") - text.find('\n'));
  EXPECT_EQ(f.location.offset, text.find("postgresql+"));
  EXPECT_EQ(f.match, "postgresql+asyncpg://app:p%40ss9Kq@db.acme.io:5433/orders?sslmode=require");
  EXPECT_EQ(f.match.substr(f.secret_offset, f.secret_length), "p%40ss9Kq");
  EXPECT_EQ(f.secret, "p@ss9Kq");
  EXPECT_EQ(f.location.end_line, 2u);
  EXPECT_EQ(f.attribute("family"), "postgresql");
  EXPECT_EQ(f.attribute("scheme"), "postgresql+asyncpg");
  EXPECT_EQ(f.attribute("driver"), "asyncpg");
  EXPECT_EQ(f.attribute("host"), "db.acme.io");
  EXPECT_EQ(f.attribute("port"), "5433");
  EXPECT_EQ(f.attribute("database"), "orders");
  EXPECT_EQ(f.attribute("user"), "app");
  EXPECT_EQ(f.attribute("sslmode"), "require");
  EXPECT_EQ(f.attribute("form"), "uri");
  EXPECT_EQ(f.attribute("url"), "postgresql+asyncpg://app:****@db.acme.io:5433/orders?sslmode=require");
  for (const auto& [k, v] : f.attributes) {
    EXPECT_EQ(v.find("p@ss9Kq"), std::string::npos) << k;
    EXPECT_EQ(v.find("p%40ss9Kq"), std::string::npos) << k;
  }
  EXPECT_EQ(f.message.find("p@ss9Kq"), std::string::npos);
  EXPECT_NE(f.message.find("db.acme.io"), std::string::npos);
  EXPECT_FALSE(f.fix.empty());
  EXPECT_EQ(f.fingerprint.rfind("v1:", 0), 0u);
}

TEST(EngineScan, FingerprintIgnoresLinesButNotPathOrSecret)
{
  const auto a = secrets(scan("X='postgres://u:Kq9Wm2Lx@db.acme.io/db'\n"));
  const auto b = secrets(scan("\n\n\nX='postgres://u:Kq9Wm2Lx@db.acme.io/db'\n"));
  const auto c = secrets(scan("X='postgres://u:Kq9Wm2Lx@db.acme.io/db'\n", "other/path.py"));
  const auto d = secrets(scan("X='postgres://u:Kq9Wm2Lz@db.acme.io/db'\n"));
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  ASSERT_EQ(c.size(), 1u);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(a[0].fingerprint, b[0].fingerprint);
  EXPECT_NE(a[0].fingerprint, c[0].fingerprint);
  EXPECT_NE(a[0].fingerprint, d[0].fingerprint);
}

TEST(EngineScan, PlaceholdersAreNotReturned)
{
  EXPECT_TRUE(secrets(scan("X='postgres://u:${PW}@db.acme.io/db'\n")).empty());
  EXPECT_TRUE(secrets(scan("X='postgres://u:<password>@db.acme.io/db'\n")).empty());
  EXPECT_TRUE(secrets(scan("X='postgres://u@db.acme.io/db'\n")).empty());
}

TEST(EngineScan, WeakLocalCredentialsAreReturnedAtLowConfidence)
{
  const auto fs = secrets(scan("X='postgres://postgres:postgres@localhost/db'\n"));
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].confidence, core::Confidence::low);
}

TEST(EngineScan, InlineAllowMarkersSuppress)
{
  const auto same = secrets(scan("X='postgres://u:Kq9Wm2Lx@db.acme.io/db'  # dsnguard:allow\n"));
  ASSERT_EQ(same.size(), 1u);
  EXPECT_TRUE(same[0].suppressed);
  EXPECT_EQ(same[0].suppressed_by, "inline");
  const auto above = secrets(scan("# dsnguard:allow test fixture\nX='postgres://u:Kq9Wm2Lx@db.acme.io/db'\n"));
  ASSERT_EQ(above.size(), 1u);
  EXPECT_TRUE(above[0].suppressed);
  const auto far = secrets(scan("# dsnguard:allow\n\nX='postgres://u:Kq9Wm2Lx@db.acme.io/db'\n"));
  ASSERT_EQ(far.size(), 1u);
  EXPECT_FALSE(far[0].suppressed);
}

TEST(EngineScan, AddedLinesFilter)
{
  const std::string text = "A='postgres://u:Kq9Wm2Lx@db1.acme.io/db'\nB='postgres://u:Lq9Wm2Lx@db2.acme.io/db'\n";
  const std::vector<core::LineRange> second{{2, 2}};
  const auto fs = secrets(scan(text, "app/config.py", &second));
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].attribute("host"), "db2.acme.io");
  const std::vector<core::LineRange> none{{5, 9}};
  EXPECT_TRUE(secrets(scan(text, "app/config.py", &none)).empty());
  EXPECT_EQ(secrets(scan(text)).size(), 2u);
}

TEST(EngineScan, OneFindingPerCredentialMostSpecificRuleWins)
{
  const auto jdbc = secrets(scan("url=jdbc:postgresql://u:Kq9Wm2Lx@db.acme.io/db\n", "app.properties"));
  ASSERT_EQ(jdbc.size(), 1u);
  EXPECT_EQ(jdbc[0].rule_id, "jdbc-url");
  const auto pg = secrets(scan("export PGPASSWORD=Kq9Wm2Lx\n", "deploy.sh"));
  ASSERT_EQ(pg.size(), 1u);
  EXPECT_EQ(pg[0].rule_id, "pgpassword-assignment");
}

TEST(EngineScan, TwoCredentialsOnOneLine)
{
  const auto fs = secrets(scan("A=postgres://a:Kq9Wm2Lx@h1.acme.io/db B=mysql://b:Zq9Wm2Lx@h2.acme.io/db\n", "x.conf"));
  ASSERT_EQ(fs.size(), 2u);
}

TEST(EngineScan, JsonEscapesMapBackToRawOffsets)
{
  const std::string text = "{\"url\":\"postgres:\\/\\/app:Kq9Wm2Lx@db.acme.io\\/app\"}";
  const auto fs = secrets(scan(text, "config.json"));
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].match, "postgres:\\/\\/app:Kq9Wm2Lx@db.acme.io\\/app");
  EXPECT_EQ(fs[0].match.substr(fs[0].secret_offset, fs[0].secret_length), "Kq9Wm2Lx");
  EXPECT_EQ(text.substr(fs[0].location.offset, fs[0].location.length), fs[0].match);
  EXPECT_EQ(fs[0].attribute("database"), "app");
}

TEST(EngineScan, ShellDefaultReportsTheLiteralOnly)
{
  const std::string text = "psql \"postgresql://app:${PGPASS:-Df9Lt3Sh6Kx}@pg.acme.io/app\"\n";
  const auto fs = secrets(scan(text, "run.sh"));
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].secret, "Df9Lt3Sh6Kx");
  EXPECT_EQ(fs[0].match.substr(fs[0].secret_offset, fs[0].secret_length), "Df9Lt3Sh6Kx");
}

TEST(EngineScan, EnvFilesArePathFindings)
{
  const auto fs = scan("DEBUG=1\n", "services/api/.env");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].kind, core::FindingKind::env_file);
  EXPECT_EQ(fs[0].rule_id, "env-file");
  EXPECT_EQ(fs[0].secret_length, 0u);
  EXPECT_TRUE(scan("DEBUG=1\n", ".env.example").empty());
  EXPECT_TRUE(scan("DEBUG=1\n", "config/app.env.sample").empty());
  core::Origin o;
  o.path = ".envrc";
  EXPECT_EQ(default_engine().scan_path(o).size(), 1u);
  o.path = "src/env.py";
  EXPECT_TRUE(default_engine().scan_path(o).empty());
}

TEST(EngineScan, TemplatesAreStillScannedForContent)
{
  const auto fs = secrets(scan("DATABASE_URL=postgres://app:Kq9Wm2Lx@db.acme.io/app\n", ".env.example"));
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].confidence, core::Confidence::medium);
}

TEST(EngineScan, LargeFileWithoutKeywordsHasNoFindings)
{
  std::string big;
  for (int i = 0; i < 20000; ++i) {
    big += "int value_" + std::to_string(i) + " = compute(" + std::to_string(i) + ");\n";
  }
  EXPECT_TRUE(scan(big, "src/big.c").empty());
  big += "const char* url = \"postgres://u:Kq9Wm2Lx@db.acme.io/db\";\n";
  const auto fs = secrets(scan(big, "src/big.c"));
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].location.line, 20001u);
}

TEST(EngineScan, RulesWhoseKeywordsComeAfterAFloodOfHitsStillRun)
{
  // Past the hit limit (20,000 keyword hits) the engine scans whole fragments per rule; a rule whose keywords
  // only occur after the limit must be among them.
  std::string dump;
  for (int i = 0; i < 21000; ++i) {
    dump += "INSERT INTO engines VALUES ('mysql');\n";
  }
  dump += "DATABASE_URL=postgres://app:Kq9Wm2Lx7@db.acme.io/app\n";
  const auto fs = secrets(scan(dump, "dump.sql"));
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].location.line, 21001u);
}

TEST(EngineScan, Base64ValuesOfKubernetesSecretsAreDecoded)
{
  // "postgresql://app:Zq8Tn4Wx2Lp@pg.prod.acme-corp.io/app", base64
  const std::string token = "cG9zdGdyZXNxbDovL2FwcDpacThUbjRXeDJMcEBwZy5wcm9kLmFjbWUtY29ycC5pby9hcHA=";
  const std::string manifest = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  DATABASE_URL: " + token + "\n";
  const auto fs = secrets(scan(manifest, "k8s/db-secret.yaml"));
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].rule_id, "postgres-uri");
  EXPECT_EQ(fs[0].secret, "Zq8Tn4Wx2Lp");
  EXPECT_EQ(fs[0].location.line, 6u);
  EXPECT_EQ(fs[0].location.column, 17u);
  EXPECT_EQ(fs[0].location.end_column, 16u + token.size());
  EXPECT_EQ(fs[0].attribute("encoding"), "base64");
  // The same value outside a Secret manifest is not decoded.
  EXPECT_TRUE(secrets(scan("kind: ConfigMap\ndata:\n  DATABASE_URL: " + token + "\n", "k8s/cm.yaml")).empty());
  // Staged scans report it only when its line is added; an allow marker on the line suppresses it.
  const std::vector<core::LineRange> other{{1, 5}};
  EXPECT_TRUE(secrets(scan(manifest, "k8s/db-secret.yaml", &other)).empty());
  const std::vector<core::LineRange> its_line{{6, 6}};
  EXPECT_EQ(secrets(scan(manifest, "k8s/db-secret.yaml", &its_line)).size(), 1u);
  const auto allowed = secrets(scan(manifest + "  # dsnguard:allow\n", "k8s/db-secret.yaml"));
  ASSERT_EQ(allowed.size(), 1u);
  EXPECT_FALSE(allowed[0].suppressed);  // the marker is below, not on or above the line
  const std::string marked = "apiVersion: v1\nkind: Secret\ndata:\n  # dsnguard:allow\n  DATABASE_URL: " + token + "\n";
  const auto suppressed = secrets(scan(marked, "k8s/db-secret.yaml"));
  ASSERT_EQ(suppressed.size(), 1u);
  EXPECT_TRUE(suppressed[0].suppressed);
}

TEST(EngineScan, UrlsSplitAcrossJoinedLiteralsAreFound)
{
  const std::string text = "import os\nDATABASE_URL = (\n    \"postgresql://app_user:\"\n"
                           "    \"Xk29fLq7WmTn4@db.prod.acme-corp.net:5432/app\"\n)\n";
  const auto found = secrets(scan(text));
  ASSERT_EQ(found.size(), 1u);
  const auto& f = found[0];
  EXPECT_EQ(f.rule_id, "postgres-uri");
  EXPECT_EQ(f.secret, "Xk29fLq7WmTn4");
  EXPECT_EQ(f.confidence, core::Confidence::high);
  EXPECT_EQ(f.location.line, 3u);  // the first piece
  EXPECT_EQ(f.location.column, 6u);
  EXPECT_EQ(f.location.end_line, 4u);
  EXPECT_EQ(f.attribute("joined"), "true");
  // A variable password is not a literal credential; a variable host does not hide a literal password.
  EXPECT_TRUE(secrets(scan("u = \"postgresql://app:\" + DB_PASSWORD + \"@db.acme-corp.net/app\"\n")).empty());
  EXPECT_EQ(secrets(scan("u = \"postgresql://app:\" + \"Xk29fLq7WmTn4@\" + DB_HOST + \"/app\"\n")).size(), 1u);
  // Only when a joined line is added (staged scans), and never past an inline allow marker.
  const std::vector<core::LineRange> first_line_only{{1, 1}};
  EXPECT_TRUE(secrets(scan(text, "app/config.py", &first_line_only)).empty());
  const std::vector<core::LineRange> second_piece{{4, 4}};
  EXPECT_EQ(secrets(scan(text, "app/config.py", &second_piece)).size(), 1u);
  const auto allowed = secrets(scan("# dsnguard:allow\nu = \"postgresql://app:\" \"Xk29fLq7WmTn4@db.acme-corp.net/app\"\n"));
  ASSERT_EQ(allowed.size(), 1u);
  EXPECT_TRUE(allowed[0].suppressed);
}

TEST(EngineScan, HugeSingleLineIsScannedAroundHits)
{
  std::string line(300000, 'a');
  line += " postgres://u:Kq9Wm2Lx@db.acme.io/db ";
  line += std::string(300000, 'b');
  const auto fs = secrets(scan(line, "dist/app.min.js"));
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].location.column, 300002u);
}

TEST(EngineScan, ThreadSafe)
{
  const std::string text = "A=postgres://a:Kq9Wm2Lx@h1.acme.io/db\nexport PGPASSWORD=Zq9Wm2Lx\n";
  const auto expected = scan(text, "x.sh");
  std::vector<std::thread> threads;
  std::vector<std::size_t> counts(4, 0);
  for (std::size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        counts[t] += scan(text, "x.sh").size();
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  for (const auto c : counts) {
    EXPECT_EQ(c, expected.size() * 200);
  }
}

TEST(EngineScan, CustomRuleWithoutValidatorUsesTheSecretGroup)
{
  auto r = rule("custom-token", "dbtoken=(?P<secret>[A-Za-z0-9]{8,})");
  r.secret_group = "secret";
  r.keywords = {"dbtoken="};
  r.confidence = core::Confidence::medium;
  auto e = Engine::compile({r});
  ASSERT_TRUE(e.has_value());
  core::Fragment f;
  const std::string text = "dbtoken=Kq9Wm2LxZz\n";
  f.bytes = text;
  f.origin.path = "x.conf";
  const auto fs = e->scan(f);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].secret, "Kq9Wm2LxZz");
  EXPECT_EQ(fs[0].confidence, core::Confidence::medium);  // capped by the rule
  const std::string none = "no keyword here\n";
  f.bytes = none;
  EXPECT_TRUE(e->scan(f).empty());
}

// The rules that apply to a path are remembered per thread for the last path: alternating paths, and a new engine
// with other path filters (possibly at a freed engine's address), must each get their own answer.
TEST(EngineScan, PathFiltersFollowEachPathAndEachEngine)
{
  const auto custom = [](const std::string& path_pattern) {
    auto r = rule("custom-token", "dbtoken=(?P<secret>[A-Za-z0-9]{8,})");
    r.secret_group = "secret";
    r.keywords = {"dbtoken="};
    r.path_pattern = path_pattern;
    auto e = Engine::compile({r});
    EXPECT_TRUE(e.has_value());
    return std::move(*e);
  };
  const std::string text = "dbtoken=Kq9Wm2LxZz\n";
  const auto found = [&](const Engine& e, const std::string& path) {
    core::Fragment f;
    f.bytes = text;
    f.origin.path = path;
    return e.scan(f).size();
  };
  for (int round = 0; round < 3; ++round) {
    const Engine yaml = custom("\\.ya?ml$");
    EXPECT_EQ(found(yaml, "deploy/app.yaml"), 1u);
    EXPECT_EQ(found(yaml, "deploy/app.py"), 0u);
    EXPECT_EQ(found(yaml, "deploy/app.yaml"), 1u);
    const Engine python = custom("\\.py$");
    EXPECT_EQ(found(python, "deploy/app.yaml"), 0u);
    EXPECT_EQ(found(yaml, "deploy/app.yaml"), 1u);
    EXPECT_EQ(found(python, "deploy/app.yaml"), 0u);
    EXPECT_EQ(found(python, "deploy/app.py"), 1u);
  }
  // Engines made and dropped one after the other, each asked about the same path.
  for (int round = 0; round < 4; ++round) {
    const bool yaml = round % 2 == 0;
    const Engine e = custom(yaml ? "\\.ya?ml$" : "\\.py$");
    EXPECT_EQ(found(e, "deploy/app.yaml"), yaml ? 1u : 0u) << round;
  }
}

// Judgements are remembered per thread (a history meets one credential in thousands of blob versions): the same
// text must still be judged by its own path and its own password, in any order.
TEST(EngineScan, TheSameCredentialIsJudgedByItsPathAndPassword)
{
  const std::string url = "DATABASE_URL = \"postgresql://app:Zq8vL2mN4pX7@db.acme.io:5432/app\"\n";
  const std::string other = "DATABASE_URL = \"postgresql://app:Hs3kT9wR1yB6@db.acme.io:5432/app\"\n";
  for (int round = 0; round < 2; ++round) {
    const auto app = secrets(scan(url, "app/settings.py"));
    const auto fixture = secrets(scan(url, "tests/fixtures/settings.py"));
    const auto changed = secrets(scan(other, "app/settings.py"));
    ASSERT_EQ(app.size(), 1u);
    ASSERT_EQ(fixture.size(), 1u);
    ASSERT_EQ(changed.size(), 1u);
    EXPECT_EQ(app[0].confidence, core::Confidence::high);
    EXPECT_LT(fixture[0].confidence, app[0].confidence);  // a test path lowers it one step
    EXPECT_NE(app[0].fingerprint, fixture[0].fingerprint);
    EXPECT_NE(app[0].fingerprint, changed[0].fingerprint);
    EXPECT_EQ(app[0].secret, "Zq8vL2mN4pX7");
    EXPECT_EQ(changed[0].secret, "Hs3kT9wR1yB6");
  }
}

}  // namespace
}  // namespace dsnguard::scan
