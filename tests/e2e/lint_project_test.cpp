// End-to-end: `dsnguard lint` project checks (P001-P006, Python) on real temporary repositories.
#include <gtest/gtest.h>

#include "e2e/lint_support.hpp"

namespace dsnguard::test {

namespace {

const char* k_neon = "postgresql://app:Zq8vX3pL9wKm@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb"
                     "?sslmode=require&channel_binding=require";

LintRun lint_files(const std::vector<std::pair<std::string, std::string>>& files, const std::string& env = "")
{
  TempDir d;
  git_init(d.path());
  write_file(d.path(), ".gitignore", ".env\n.env.local\n.env.*.local\n");
  for (const auto& [path, content] : files) {
    write_file(d.path(), path, content);
  }
  git_commit_all(d.path(), "init");
  if (!env.empty()) {
    write_file(d.path(), ".env", env);
  }
  auto r = lint_json(d.path());
  EXPECT_EQ(r.result.out.find("Zq8vX3pL9wKm"), std::string::npos);
  return r;
}

}  // namespace

TEST(LintProject, LiteralUrlInSourceCode)
{
  const auto r = lint_files({{"app/db.py", std::string("import os\nREMOTE = \"") + k_neon + "\"\nLOCAL = \"postgresql://u:p@localhost/dev\"\n"
                                           "FROM_ENV = os.environ[\"DATABASE_URL\"]\n"}});
  const auto p = r.with("P001", "app/db.py");
  ASSERT_EQ(p.size(), 1u) << r.result.out;
  EXPECT_EQ(p[0]["line"], 2);
  EXPECT_EQ(p[0]["severity"], "warning");
  EXPECT_FALSE(lint_files({{"app/db.py", "url = \"postgresql://u:p@localhost/dev\"\n"}}).has("P001"));
}

TEST(LintProject, EngineOptionsForCloudHosts)
{
  const std::string env = std::string("DATABASE_URL=") + k_neon + "\n";
  const auto bad = lint_files({{"requirements.txt", "sqlalchemy>=2.0.36\npsycopg2-binary\n"},
                               {"db.py", "import os\nfrom sqlalchemy import create_engine\n\nengine = create_engine(\n"
                                         "    os.environ[\"DATABASE_URL\"], pool_size=20, pool_recycle=3600)\n"}},
                              env);
  for (const char* id : {"P002", "P003", "P006"}) {
    const auto f = bad.with(id, "db.py");
    ASSERT_EQ(f.size(), 1u) << id << "\n" << bad.result.out;
    EXPECT_EQ(f[0]["line"], 4) << id;
  }
  EXPECT_EQ(bad.with("P006", "db.py")[0]["severity"], "info");
  EXPECT_EQ(bad.result.exit_code, 0) << "warnings and infos only";

  const auto good = lint_files({{"requirements.txt", "sqlalchemy>=2.0.36\npsycopg2-binary\n"},
                                {"db.py", "import os\nfrom sqlalchemy import create_engine\nengine = create_engine(os.environ[\"DATABASE_URL\"],"
                                          " pool_pre_ping=True, pool_recycle=240, pool_size=5)\n"}},
                               env);
  for (const char* id : {"P002", "P003", "P006"}) {
    EXPECT_FALSE(good.has(id)) << id << "\n" << good.result.out;
  }
  // A local database is not a cloud host.
  const auto local = lint_files({{"db.py", "from sqlalchemy import create_engine\nengine = create_engine(\"postgresql://u:p@localhost/dev\")\n"}});
  EXPECT_FALSE(local.has("P002"));
}

TEST(LintProject, SqlalchemyPinnedBelow2033)
{
  auto r = lint_files({{"requirements.txt", "flask\nSQLAlchemy==1.4.52\n"},
                       {"pyproject.toml", "[tool.poetry.dependencies]\nsqlalchemy = \"^2.0.36\"\n"},
                       {"poetry.lock", "[[package]]\nname = \"sqlalchemy\"\nversion = \"2.0.25\"\n"}});
  EXPECT_EQ(r.with("P004", "requirements.txt").size(), 1u) << r.result.out;
  EXPECT_EQ(r.with("P004", "poetry.lock").size(), 1u);
  EXPECT_FALSE(r.has("P004", "pyproject.toml"));
  r = lint_files({{"requirements.txt", "SQLAlchemy>=2.0.33\n"}, {"uv.lock", "[[package]]\nname = \"sqlalchemy\"\nversion = \"2.0.36\"\n"}});
  EXPECT_FALSE(r.has("P004")) << r.result.out;
}

TEST(LintProject, DriverMissingFromDependencies)
{
  const std::string env = "DATABASE_URL=postgresql+asyncpg://app:Zq8vX3pL9wKm@localhost/app\n";
  auto r = lint_files({{"requirements.txt", "sqlalchemy>=2.0.36\n"}}, env);
  const auto f = r.with("P005", ".env");
  ASSERT_EQ(f.size(), 1u) << r.result.out;
  EXPECT_NE(std::string(f[0]["fix"]).find("asyncpg"), std::string::npos);
  r = lint_files({{"requirements.txt", "sqlalchemy>=2.0.36\nasyncpg==0.29\n"}}, env);
  EXPECT_FALSE(r.has("P005")) << r.result.out;
  // Bare postgresql:// with SQLAlchemy needs psycopg2; psycopg2-binary provides it.
  const std::string bare = "DATABASE_URL=postgresql://app:Zq8vX3pL9wKm@localhost/app\n";
  EXPECT_TRUE(lint_files({{"pyproject.toml", "[project]\ndependencies = [\"sqlalchemy>=2.0.36\"]\n"}}, bare).has("P005"));
  EXPECT_FALSE(lint_files({{"pyproject.toml", "[project]\ndependencies = [\"sqlalchemy>=2.0.36\", \"psycopg2-binary\"]\n"}}, bare).has("P005"));
  // Not a Python project: nothing to say.
  EXPECT_FALSE(lint_files({{"package.json", "{\"dependencies\": {\"pg\": \"8\"}}\n"}}, bare).has("P005"));
}

}  // namespace dsnguard::test

namespace dsnguard::test {

TEST(LintProject, BareSchemeIsSatisfiedByAnyDriverOfTheFamily)
{
  // Apps commonly rewrite postgresql:// to postgresql+psycopg:// at startup; psycopg 3 alone is then enough.
  const std::string bare = "DATABASE_URL=postgresql://app:Zq8vX3pL9wKm@localhost/app\n";
  EXPECT_FALSE(lint_files({{"pyproject.toml", "[project]\ndependencies = [\"sqlalchemy>=2.0.36\", \"psycopg[binary]>=3.2\"]\n"}}, bare)
                 .has("P005"));
}

}  // namespace dsnguard::test
