#include "lint/project.hpp"

#include <gtest/gtest.h>

namespace dsnguard::lint {

TEST(SpecCapsBelow, Pep440AndPoetrySpecifiers)
{
  for (const char* capped : {"==1.4.46", "==2.0.20", "<2", "<2.0.33", "<=2.0.32", "~=1.4", "~=1.4.46", "^1.4", "~1.4",
                             "==1.4.*", ">=1.4,<2.0", "1.4.46", "===2.0.0"}) {
    EXPECT_TRUE(spec_caps_below(capped, "2.0.33")) << capped;
  }
  for (const char* ok : {"==2.0.33", ">=1.4", "~=2.0.20", "^2.0.20", "~=2.0", "<3", "<=2.0.33", "==2.0.*", ">=2.0.33",
                         "!=2.0.20", "*", "2.0.40"}) {
    EXPECT_FALSE(spec_caps_below(ok, "2.0.33")) << ok;
  }
}

TEST(ProjectFacts, SqlalchemyPinsInEveryManifestKind)
{
  ProjectFacts facts;
  std::vector<core::Finding> out;
  observe_file("requirements.txt", "flask==3.0.0\nSQLAlchemy[asyncio]==1.4.46  # old\npsycopg2-binary\n", facts, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].rule_id, "P004");
  EXPECT_EQ(out[0].location.line, 2u);
  EXPECT_EQ(out[0].severity, core::Severity::warning);
  EXPECT_TRUE(facts.uses_sqlalchemy);
  EXPECT_TRUE(facts.python_manifest);

  out.clear();
  observe_file("pyproject.toml", "[project]\ndependencies = [\n  \"sqlalchemy>=1.4,<2\",\n]\n", facts, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].location.line, 3u);
  out.clear();
  observe_file("pyproject.toml", "[tool.poetry.dependencies]\npython = \"^3.11\"\nSQLAlchemy = {version = \"^1.4\", extras = [\"asyncio\"]}\n", facts, out);
  ASSERT_EQ(out.size(), 1u);
  out.clear();
  observe_file("poetry.lock", "[[package]]\nname = \"sqlalchemy\"\nversion = \"2.0.20\"\n\n[[package]]\nname = \"x\"\nversion = \"1.0\"\n", facts, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].location.line, 3u);
  out.clear();
  observe_file("uv.lock", "[[package]]\nname = \"sqlalchemy\"\nversion = \"2.0.36\"\n", facts, out);
  EXPECT_TRUE(out.empty());
  observe_file("requirements-dev.txt", "sqlalchemy>=2.0.33\nsqlalchemy-utils==0.41.1\n", facts, out);
  EXPECT_TRUE(out.empty());
  observe_file("Pipfile.lock", "{\"default\": {\"sqlalchemy\": {\"hashes\": [], \"version\": \"==1.3.24\"}}}", facts, out);
  EXPECT_EQ(out.size(), 1u);
}

TEST(ProjectFacts, DependencyTokens)
{
  ProjectFacts facts;
  std::vector<core::Finding> out;
  observe_file("requirements.txt", "psycopg2-binary==2.9\nasyncpg\n", facts, out);
  EXPECT_TRUE(has_python_dependency(facts, "psycopg2"));
  EXPECT_TRUE(has_python_dependency(facts, "psycopg2-binary"));
  EXPECT_TRUE(has_python_dependency(facts, "asyncpg"));
  EXPECT_FALSE(has_python_dependency(facts, "psycopg"));
  EXPECT_FALSE(has_python_dependency(facts, "pymysql"));
}

TEST(ProjectFacts, ConsumersAndEnvironmentReaders)
{
  ProjectFacts facts;
  std::vector<core::Finding> out;
  observe_file("app/db.py", "from sqlalchemy import create_engine\nengine = create_engine(url)\n", facts, out);
  EXPECT_TRUE(facts.uses_sqlalchemy);
  EXPECT_FALSE(facts.reads_env);
  observe_file("app/config.py", "url = os.environ['DATABASE_URL'].replace('postgres://', 'postgresql://', 1)\n", facts, out);
  EXPECT_TRUE(facts.reads_env);
  EXPECT_TRUE(facts.rewrites_postgres_scheme);
  observe_file("prisma/schema.prisma", "datasource db {\n url = env(\"DATABASE_URL\")\n directUrl = env(\"DIRECT_URL\")\n}\n", facts, out);
  EXPECT_TRUE(facts.uses_prisma);
  EXPECT_TRUE(facts.prisma_direct_url);
  EXPECT_TRUE(out.empty());
}

TEST(ProjectFacts, EngineCallsAreParsed)
{
  ProjectFacts facts;
  std::vector<core::Finding> out;
  observe_file("db.py",
               "engine = create_engine(\n  os.environ['DATABASE_URL'],\n  pool_size=10, pool_recycle=1_800,\n)\n"
               "other = create_async_engine('postgresql+asyncpg://u:p@h/db', pool_pre_ping=True)\n",
               facts, out);
  ASSERT_EQ(facts.engine_calls.size(), 2u);
  EXPECT_EQ(facts.engine_calls[0].line, 1u);
  EXPECT_EQ(facts.engine_calls[0].pool_size, 10);
  EXPECT_EQ(facts.engine_calls[0].pool_recycle, 1800);
  EXPECT_FALSE(facts.engine_calls[0].pool_pre_ping);
  EXPECT_TRUE(facts.engine_calls[0].literal_url.empty());
  EXPECT_TRUE(facts.engine_calls[1].pool_pre_ping);
  EXPECT_EQ(facts.engine_calls[1].literal_url, "postgresql+asyncpg://u:p@h/db");
  EXPECT_EQ(facts.engine_calls[1].line, 5u);
}

TEST(ProjectChecks, MissingDriver)
{
  ProjectFacts facts;
  std::vector<core::Finding> out;
  observe_file("requirements.txt", "sqlalchemy==2.0.36\npsycopg2-binary\n", facts, out);
  dsn::ConnInfo info;
  info.form = dsn::Form::uri;
  info.scheme = "postgresql+asyncpg";
  info.driver = "asyncpg";
  check_driver(facts, info, ".env", 1, 14, "postgresql+asyncpg://u:****@h/db", out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].rule_id, "P005");
  EXPECT_NE(out[0].fix.find("asyncpg"), std::string::npos);
  out.clear();
  info.scheme = "postgresql";
  info.driver.clear();
  check_driver(facts, info, ".env", 1, 14, "", out);  // bare scheme -> psycopg2, present
  EXPECT_TRUE(out.empty());
  info.scheme = "mysql+pymysql";
  info.driver = "pymysql";
  check_driver(facts, info, ".env", 1, 14, "", out);
  EXPECT_EQ(out.size(), 1u);
  ProjectFacts no_manifest;
  out.clear();
  check_driver(no_manifest, info, ".env", 1, 14, "", out);
  EXPECT_TRUE(out.empty()) << "without manifests the dependencies are unknown";
}

}  // namespace dsnguard::lint
