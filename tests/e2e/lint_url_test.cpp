// End-to-end: `dsnguard lint` connection-string checks (L0xx) on real temporary repositories. Each test puts
// positive and negative cases on separate lines of an ignored .env and checks which lines are reported.
#include <gtest/gtest.h>

#include <set>

#include "e2e/lint_support.hpp"

namespace dsnguard::test {

namespace {

const char* k_password = "Zq8vX3pL9wKm";  // must never appear in any output

// A repo whose ignored .env holds `env` (one URL per line), plus extra files; returns the lint run.
LintRun lint_env_file(const std::string& env, const std::vector<std::pair<std::string, std::string>>& files = {},
                      RunOptions o = {})
{
  TempDir d;
  git_init(d.path());
  write_file(d.path(), ".gitignore", ".env\n.env.local\n.env.*.local\n");
  for (const auto& [path, content] : files) {
    write_file(d.path(), path, content);
  }
  git_commit_all(d.path(), "init");
  write_file(d.path(), ".env", env);
  auto r = lint_json(d.path(), {}, std::move(o));
  EXPECT_EQ(r.result.out.find(k_password), std::string::npos) << r.result.out;
  EXPECT_EQ(r.result.err.find(k_password), std::string::npos) << r.result.err;
  return r;
}

std::set<int> lines_of(const LintRun& r, const std::string& id, const std::string& path = ".env")
{
  std::set<int> out;
  for (const auto& f : r.with(id, path)) {
    out.insert(f["line"].get<int>());
  }
  return out;
}

std::string url(const std::string& rest)
{
  return "postgresql://app:" + std::string(k_password) + "@" + rest;
}

}  // namespace

TEST(LintUrl, StructureChecks)
{
  const std::string env = "A=" + url("localhost:99999/app") + "\n"                        // 1 L007
                          "B=" + url("localhost:5432/app") + "\n"                         // 2 clean
                          "C=" + url("localhost") + "\n"                                  // 3 L006
                          "D=postgresql://app:p@ss" + std::string(k_password) + "@localhost/app\n"  // 4 L004
                          "E=postgresql://app:p%40ss@localhost/app\n"                     // 5 clean
                          "F=" + url("localhost/100%") + "\n"                             // 6 L005
                          "G=postgress://app:" + k_password + "@localhost/app\n"          // 7 L027
                          "H=" + url("localhost/app#main") + "\n"                         // 8 L024
                          "I=postgresql://app:" + k_password + "@:5432/app\n"             // 9 L030
                          "J=" + url("[::1/app") + "\n";                                  // 10 L031
  const auto r = lint_env_file(env);
  EXPECT_EQ(lines_of(r, "L007"), (std::set<int>{1}));
  EXPECT_EQ(lines_of(r, "L006"), (std::set<int>{3}));
  EXPECT_EQ(lines_of(r, "L004"), (std::set<int>{4}));
  EXPECT_EQ(lines_of(r, "L005"), (std::set<int>{6}));
  EXPECT_EQ(lines_of(r, "L027"), (std::set<int>{7}));
  EXPECT_EQ(lines_of(r, "L024"), (std::set<int>{8}));
  EXPECT_EQ(lines_of(r, "L030"), (std::set<int>{9}));
  EXPECT_EQ(lines_of(r, "L031"), (std::set<int>{10}));
  EXPECT_EQ(r.result.exit_code, 1);
  const auto l4 = r.with("L004", ".env");
  ASSERT_EQ(l4.size(), 1u);
  EXPECT_EQ(l4[0]["fix"], "Percent-encode them ('@' as %40): postgresql://app:****@localhost/app");
  EXPECT_EQ(l4[0]["column"], 3);
  EXPECT_EQ(r.with("L007", ".env")[0]["fix"], "postgresql://app:****@localhost:5432/app");
  EXPECT_EQ(r.with("L027", ".env")[0]["fix"], "postgresql://app:****@localhost/app");
}

TEST(LintUrl, ParameterChecks)
{
  const std::string env = "A=" + url("localhost/app?sslmod=require") + "\n"                 // 1 L028
                          "B=" + url("localhost/app?schema=public") + "\n"                  // 2 L008
                          "C=" + url("localhost/app?sslmode=requir") + "\n"                 // 3 L009
                          "D=" + url("localhost/app?sslmode=require&application_name=x") + "\n"  // 4 clean
                          "E=" + url("localhost/app?connect_timeout=abc") + "\n"           // 5 L021
                          "F=" + url("localhost/app?require_auth=scram-sha-256") + "\n"    // 6 L029
                          "G=" + url("localhost/app?sslmode=disable&channel_binding=require") + "\n"  // 7 L014
                          "H=" + url("localhost/app?sslmode=require&channel_binding=require") + "\n"  // 8 clean
                          "I=postgresql+asyncpg://app:" + k_password + "@localhost/app?sslmode=require\n"  // 9 L015
                          "J=postgresql+asyncpg://app:" + k_password + "@localhost/app?ssl=require\n"      // 10 clean
                          "K=postgresql+psycopg3://app:" + k_password + "@localhost/app\n";  // 11 L002
  const auto r = lint_env_file(env);
  EXPECT_EQ(lines_of(r, "L028"), (std::set<int>{1}));
  EXPECT_EQ(r.with("L028", ".env")[0]["fix"], "postgresql://app:****@localhost/app?sslmode=require");
  EXPECT_EQ(lines_of(r, "L008"), (std::set<int>{2}));
  EXPECT_EQ(lines_of(r, "L009"), (std::set<int>{3}));
  EXPECT_EQ(lines_of(r, "L021"), (std::set<int>{5}));
  EXPECT_EQ(lines_of(r, "L029"), (std::set<int>{6}));
  EXPECT_EQ(lines_of(r, "L014"), (std::set<int>{7}));
  EXPECT_EQ(lines_of(r, "L015"), (std::set<int>{9}));
  EXPECT_EQ(r.with("L015", ".env")[0]["fix"], "postgresql+asyncpg://app:****@localhost/app?ssl=require");
  EXPECT_EQ(lines_of(r, "L002"), (std::set<int>{11}));

  // In a Prisma project, Prisma's own parameters are fine.
  const auto prisma = lint_env_file("DATABASE_URL=" + url("localhost/app?schema=public") + "\n",
                                    {{"prisma/schema.prisma", "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n"}});
  EXPECT_FALSE(prisma.has("L008")) << prisma.result.out;
}

TEST(LintUrl, TlsChecks)
{
  const std::string neon = "ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb";
  const std::string env = "A=" + url("db.acme-corp.com/app") + "\n"                        // 1 L010
                          "B=" + url("db.acme-corp.com/app?sslmode=prefer") + "\n"          // 2 L010
                          "C=" + url("db.acme-corp.com/app?sslmode=verify-full") + "\n"     // 3 clean
                          "D=" + url("localhost/app") + "\n"                                // 4 clean (local)
                          "E=" + url(neon + "?sslmode=disable") + "\n"                      // 5 L011 (+L013)
                          "F=" + url(neon + "?sslmode=require") + "\n"                      // 6 L013
                          "G=" + url(neon + "?sslmode=require&channel_binding=require") + "\n"  // 7 clean
                          "H=" + url("db:5432/app") + "\n";                                  // 8 clean (compose)
  const auto r = lint_env_file(env);
  EXPECT_EQ(lines_of(r, "L010"), (std::set<int>{1, 2}));
  EXPECT_EQ(r.with("L010", ".env")[0]["fix"], "postgresql://app:****@db.acme-corp.com/app?sslmode=require");
  EXPECT_EQ(lines_of(r, "L011"), (std::set<int>{5}));
  EXPECT_EQ(lines_of(r, "L013"), (std::set<int>{5, 6}));
  EXPECT_EQ(r.with("L013", ".env")[0]["severity"], "info");
}

TEST(LintUrl, PoolerChecks)
{
  const std::string pooled = "ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require&channel_binding=require";
  const std::string direct = "ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb?sslmode=require&channel_binding=require";
  const std::string env = "DATABASE_URL=" + url(pooled) + "\n"                               // 1 fine for the app
                          "DIRECT_URL=" + url(pooled) + "\n"                                 // 2 L016
                          "MIGRATION_URL=" + url(direct) + "\n"                              // 3 clean
                          "X=" + url(pooled + "&options=-c%20search_path%3Dapp") + "\n"      // 4 L017
                          "Y=" + url(direct + "&options=-c%20search_path%3Dapp") + "\n";     // 5 clean
  const auto r = lint_env_file(env, {{"alembic.ini", "[alembic]\nsqlalchemy.url = " + url(pooled) + "\n"}});
  EXPECT_EQ(lines_of(r, "L016"), (std::set<int>{2}));
  EXPECT_EQ(r.with("L016", ".env")[0]["fix"],
            "Use the direct host: postgresql://app:****@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb?sslmode=require&channel_binding=require");
  EXPECT_EQ(lines_of(r, "L016", "alembic.ini"), (std::set<int>{2}));
  EXPECT_EQ(lines_of(r, "L017"), (std::set<int>{4}));

  // Prisma without directUrl: DATABASE_URL on the pooler is what Migrate would use.
  const auto prisma = lint_env_file("DATABASE_URL=" + url(pooled) + "\n",
                                    {{"prisma/schema.prisma", "datasource db {\n  url = env(\"DATABASE_URL\")\n}\n"}});
  EXPECT_EQ(lines_of(prisma, "L016"), (std::set<int>{1}));
  const auto with_direct = lint_env_file("DATABASE_URL=" + url(pooled) + "\n",
                                         {{"prisma/schema.prisma", "datasource db {\n  url = env(\"DATABASE_URL\")\n  directUrl = env(\"DIRECT_URL\")\n}\n"}});
  EXPECT_FALSE(with_direct.has("L016"));
}

TEST(LintUrl, SqlalchemyPostgresScheme)
{
  const std::string env = "DATABASE_URL=postgres://app:" + std::string(k_password) + "@localhost/app\n";
  const auto sa = lint_env_file(env, {{"requirements.txt", "sqlalchemy>=2.0.36\npsycopg2-binary\n"}});
  ASSERT_EQ(lines_of(sa, "L003"), (std::set<int>{1}));
  EXPECT_EQ(sa.with("L003", ".env")[0]["fix"], "postgresql://app:****@localhost/app");
  EXPECT_FALSE(lint_env_file(env, {{"index.js", "const { Pool } = require('pg');\n"}}).has("L003"));
  EXPECT_FALSE(lint_env_file(env, {{"requirements.txt", "sqlalchemy>=2.0.36\npsycopg2-binary\n"},
                                   {"app/config.py", "url = os.environ['DATABASE_URL'].replace('postgres://', 'postgresql://', 1)\n"}})
                 .has("L003"));
}

TEST(LintUrl, EnvironmentVariableIsChecked)
{
  RunOptions o;
  o.env["DATABASE_URL"] = "postgress://app:" + std::string(k_password) + "@localhost/app";
  TempDir d;
  git_init(d.path());
  write_file(d.path(), "README.md", "x\n");
  git_commit_all(d.path(), "init");
  // dsnguard() unsets DATABASE_URL; run the binary directly to pass it.
  RunOptions env = lint_env(o);
  env.env["NO_COLOR"] = "1";
  const auto res = run({binary_path(), "lint", "--format", "json", d.path()}, env);
  EXPECT_EQ(res.out.find(k_password), std::string::npos);
  const auto j = nlohmann::json::parse(res.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << res.out;
  bool found = false;
  for (const auto& f : j["findings"]) {
    if (f["rule"] == "L027" && f["path"] == "$DATABASE_URL" && f["line"] == 0) {
      found = true;
    }
  }
  EXPECT_TRUE(found) << res.out;
  EXPECT_EQ(res.exit_code, 1);
}

TEST(LintUrl, KeyValueConninfoAndTextOutput)
{
  TempDir d;
  git_init(d.path());
  write_file(d.path(), "db.py", std::string("import psycopg2\nconn = psycopg2.connect(\"host=localhost port=99999 dbname=app user=app password=") + k_password + "\")\n");
  git_commit_all(d.path(), "init");
  const auto r = lint_json(d.path());
  const auto f = r.with("L007", "db.py");
  ASSERT_EQ(f.size(), 1u) << r.result.out;
  EXPECT_EQ(f[0]["line"], 2);
  EXPECT_EQ(f[0]["fix"], "host=localhost port=5432 dbname=app user=app password=****");
  EXPECT_EQ(r.result.out.find(k_password), std::string::npos);
  const auto t = dsnguard({"lint", d.path()}, lint_env());
  EXPECT_NE(t.out.find("db.py:2:"), std::string::npos) << t.out;
  EXPECT_EQ(t.out.find(k_password), std::string::npos);
}

}  // namespace dsnguard::test

namespace dsnguard::test {

TEST(LintUrl, TemplatesProseAndDocumentationAreNotMisread)
{
  TempDir d;
  git_init(d.path());
  write_file(d.path(), "compose.yml",
             "services:\n  app:\n    environment:\n"
             "      DATABASE_URL: postgresql://postgres:${POSTGRES_PASSWORD:?Variable not set}@db:5432/app\n"
             "      OTHER_URL: postgresql://{{ db_user }}:{{ db_password }}@{{ db_host }}:5432/app\n");
  write_file(d.path(), "docs/setup.md",
             "Use a postgresql:// URL. Example: postgresql://user:password@db.acme-corp.com/app\n"
             "Or postgres://… for short.\n");
  git_commit_all(d.path(), "init");
  const auto r = lint_json(d.path());
  EXPECT_TRUE(r.json["findings"].empty()) << r.result.out;
  EXPECT_EQ(r.result.exit_code, 0);

  // The same remote URL outside documentation is reported.
  write_file(d.path(), "config/settings.yml", "url: postgresql://user:Zq8vX3pL9wKm@db.acme-corp.com/app\n");
  EXPECT_TRUE(lint_json(d.path()).has("L010", "config/settings.yml"));
}

}  // namespace dsnguard::test
