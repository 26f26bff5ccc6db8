// End-to-end: `dsnguard lint` .gitignore checks (G001-G006), --fix, JSON output and exit codes, on real
// temporary git repositories.
#include <gtest/gtest.h>

#include "e2e/lint_support.hpp"

namespace dsnguard::test {

namespace {

const char* k_reads_env = "import os\nDATABASE_URL = os.getenv(\"DATABASE_URL\")\n";
const char* k_full_ignore = ".env\n.env.local\n.env.*.local\n";

}  // namespace

TEST(LintGitignore, TrackedEnvFileIsAnErrorWithUntrackAndRotateFix)
{
  TempDir d;
  git_init(d.path());
  write_file(d.path(), ".env", "DATABASE_URL=postgresql://app:S3cr3t-Pw-9x@localhost/app\nAPI_TOKEN=abc123def456\n");
  git_commit_all(d.path(), "oops");
  const auto r = lint_json(d.path());
  EXPECT_EQ(r.result.exit_code, 1) << r.result.err;
  const auto g = r.with("G001", ".env");
  ASSERT_EQ(g.size(), 1u) << r.result.out;
  EXPECT_EQ(g[0]["severity"], "error");
  EXPECT_EQ(g[0]["kind"], "lint");
  const std::string fix = g[0]["fix"];
  EXPECT_NE(fix.find("git rm --cached '.env'"), std::string::npos) << fix;
  EXPECT_NE(fix.find("rotate"), std::string::npos);
  EXPECT_NE(fix.find("DATABASE_URL"), std::string::npos);  // names what to rotate...
  EXPECT_EQ(r.result.out.find("S3cr3t-Pw-9x"), std::string::npos);  // ...never the value
  EXPECT_EQ(r.result.out.find("abc123def456"), std::string::npos);
}

TEST(LintGitignore, IgnoredEnvFileIsFine)
{
  TempDir d;
  git_init(d.path());
  write_file(d.path(), ".gitignore", k_full_ignore);
  write_file(d.path(), "app.py", k_reads_env);
  git_commit_all(d.path(), "init");
  write_file(d.path(), ".env", "DATABASE_URL=postgresql://app:pw@localhost/app\n");
  const auto r = lint_json(d.path());
  EXPECT_EQ(r.result.exit_code, 0) << r.result.out;
  for (const char* id : {"G001", "G002", "G003", "G004", "G005"}) {
    EXPECT_FALSE(r.has(id)) << id << "\n" << r.result.out;
  }
}

TEST(LintGitignore, UntrackedUnignoredEnvFileIsAnError)
{
  TempDir d;
  git_init(d.path());
  write_file(d.path(), "README.md", "hi\n");
  git_commit_all(d.path(), "init");
  write_file(d.path(), "config/.env.production", "SECRET_KEY=zz\n");
  const auto r = lint_json(d.path());
  EXPECT_EQ(r.result.exit_code, 1);
  const auto g = r.with("G002", "config/.env.production");
  ASSERT_EQ(g.size(), 1u) << r.result.out;
  EXPECT_NE(std::string(g[0]["fix"]).find(".env.production"), std::string::npos);
}

TEST(LintGitignore, ProjectReadingDatabaseUrlNeedsTheUsualIgnoreLines)
{
  TempDir d;
  git_init(d.path());
  write_file(d.path(), "app.py", k_reads_env);
  write_file(d.path(), ".gitignore", ".env\n");
  git_commit_all(d.path(), "init");
  const auto r = lint_json(d.path());
  EXPECT_EQ(r.result.exit_code, 0) << "a warning alone does not fail with the default --fail-on error";
  const auto g = r.with("G003");
  ASSERT_EQ(g.size(), 1u) << r.result.out;
  EXPECT_EQ(g[0]["severity"], "warning");
  EXPECT_EQ(g[0]["fix"], "Append these lines to .gitignore: .env.local .env.*.local");
  EXPECT_EQ(lint_json(d.path(), {"--fail-on", "warning"}).result.exit_code, 1);
}

TEST(LintGitignore, NoWarningWhenCoveredOrWhenTheProjectDoesNotReadTheEnvironment)
{
  TempDir covered;
  git_init(covered.path());
  write_file(covered.path(), "app.py", k_reads_env);
  write_file(covered.path(), ".gitignore", ".env*\n!.env.example\n");
  git_commit_all(covered.path(), "init");
  EXPECT_FALSE(lint_json(covered.path()).has("G003"));

  TempDir plain;
  git_init(plain.path());
  write_file(plain.path(), "main.c", "int main(void) { return 0; }\n");
  git_commit_all(plain.path(), "init");
  const auto r = lint_json(plain.path());
  EXPECT_FALSE(r.has("G003")) << r.result.out;
  EXPECT_EQ(r.result.exit_code, 0);
}

TEST(LintGitignore, DotenvLoadersAndComposeEnvFileCount)
{
  for (const auto& [file, content] : std::vector<std::pair<std::string, std::string>>{
         {"index.js", "require('dotenv').config();\nconst url = process.env.DATABASE_URL;\n"},
         {"docker-compose.yml", "services:\n  web:\n    env_file: .env\n"},
         {"settings.py", "import dj_database_url\nDATABASES = {'default': dj_database_url.config()}\n"}}) {
    TempDir d;
    git_init(d.path());
    write_file(d.path(), file, content);
    git_commit_all(d.path(), "init");
    EXPECT_TRUE(lint_json(d.path()).has("G003")) << file;
  }
}

TEST(LintGitignore, NegationReincludingARealEnvFileIsAnError)
{
  TempDir d;
  git_init(d.path());
  write_file(d.path(), ".gitignore", ".env*\n!.env\n");
  write_file(d.path(), "app.py", k_reads_env);
  git_commit_all(d.path(), "init");
  auto r = lint_json(d.path());
  EXPECT_EQ(r.result.exit_code, 1);
  auto g = r.with("G004", ".gitignore");
  ASSERT_EQ(g.size(), 1u) << r.result.out;
  EXPECT_EQ(g[0]["line"], 2);
  EXPECT_NE(std::string(g[0]["message"]).find("'!.env'"), std::string::npos);

  // With the file present it is the same finding (not a second G002).
  write_file(d.path(), ".env", "X=1\n");
  r = lint_json(d.path());
  EXPECT_EQ(r.with("G004").size(), 1u) << r.result.out;
  EXPECT_FALSE(r.has("G002"));
}

TEST(LintGitignore, NegationOfATemplateIsFine)
{
  TempDir d;
  git_init(d.path());
  write_file(d.path(), ".gitignore", ".env*\n!.env.example\n");
  write_file(d.path(), ".env.example", "DATABASE_URL=postgresql://user:changeme@localhost/app\n");
  git_commit_all(d.path(), "init");
  const auto r = lint_json(d.path());
  EXPECT_FALSE(r.has("G004")) << r.result.out;
  EXPECT_FALSE(r.has("G001")) << "templates are expected to be tracked";
  EXPECT_EQ(r.result.exit_code, 0) << r.result.out;
}

TEST(LintGitignore, NestedNegationIsCaughtEvenThoughLibgit2MissesIt)
{
  TempDir d;
  git_init(d.path());
  write_file(d.path(), ".gitignore", ".env*\n");
  write_file(d.path(), "svc/.gitignore", "!.env.local\n");
  git_commit_all(d.path(), "init");
  write_file(d.path(), "svc/.env.local", "TOKEN=x\n");
  // git itself would commit it:
  EXPECT_EQ(git(d.path(), {"status", "--porcelain"}), "?? svc/.env.local\n");
  const auto r = lint_json(d.path());
  const auto g = r.with("G004", "svc/.gitignore");
  ASSERT_EQ(g.size(), 1u) << r.result.out;
  EXPECT_EQ(g[0]["line"], 1);
}

TEST(LintGitignore, ProtectionOnlyInInfoExcludeOrGlobalExcludesIsAWarning)
{
  TempDir d;
  git_init(d.path());
  write_file(d.path(), "README.md", "x\n");
  git_commit_all(d.path(), "init");
  write_file(d.path(), ".git/info/exclude", ".env\n");
  write_file(d.path(), ".env", "X=1\n");
  auto r = lint_json(d.path());
  auto g = r.with("G005", ".env");
  ASSERT_EQ(g.size(), 1u) << r.result.out;
  EXPECT_NE(std::string(g[0]["message"]).find("info/exclude"), std::string::npos);
  EXPECT_EQ(r.result.exit_code, 0);

  TempDir excl;
  write_file(excl.path(), "ignore", ".env\n");
  write_file(d.path(), ".git/info/exclude", "");
  git(d.path(), {"config", "core.excludesFile", excl / "ignore"});
  r = lint_json(d.path());
  g = r.with("G005", ".env");
  ASSERT_EQ(g.size(), 1u) << r.result.out;
  EXPECT_NE(std::string(g[0]["message"]).find("global excludes"), std::string::npos);

  // Committed protection: no warning.
  write_file(d.path(), ".gitignore", ".env\n");
  EXPECT_FALSE(lint_json(d.path()).has("G005"));
}

TEST(LintGitignore, TemplateWithARealLookingSecretIsAnError)
{
  TempDir d;
  git_init(d.path());
  write_file(d.path(), ".env.example", "DEBUG=1\nSTRIPE_SECRET_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc9f\nPASSWORD=changeme\n");
  git_commit_all(d.path(), "init");
  const auto r = lint_json(d.path());
  const auto g = r.with("G006", ".env.example");
  ASSERT_EQ(g.size(), 1u) << r.result.out;
  EXPECT_EQ(g[0]["line"], 2);
  EXPECT_EQ(r.result.out.find("sk_live_4eC39HqLyjWDarjtT1zdp7dc9f"), std::string::npos);
  EXPECT_EQ(r.result.exit_code, 1);
}

TEST(LintGitignore, FixAppendsLinesIdempotentlyAndPrintsWhatItWillNotRun)
{
  TempDir d;
  git_init(d.path());
  write_file(d.path(), "app.py", k_reads_env);
  write_file(d.path(), ".gitignore", "node_modules/");  // no final newline
  write_file(d.path(), ".env", "DATABASE_URL=postgresql://u:pw@localhost/app\n");
  git_commit_all(d.path(), "tracked .env");
  auto r = dsnguard({"lint", "--fix", d.path()}, lint_env());
  EXPECT_EQ(r.exit_code, 1) << "the tracked .env is still an error after --fix";
  EXPECT_EQ(read_file(d / ".gitignore"),
            "node_modules/\n# dsnguard: keep environment files out of git\n.env\n.env.local\n.env.*.local\n");
  EXPECT_NE(r.err.find("git rm --cached -- '.env'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("rotate"), std::string::npos);
  // Printed, not run: .env is still tracked.
  EXPECT_EQ(git(d.path(), {"ls-files", ".env"}), ".env\n");
  EXPECT_NE(r.out.find("G001"), std::string::npos);
  EXPECT_EQ(r.out.find("G003"), std::string::npos) << "fixed lines are not reported again";

  const std::string once = read_file(d / ".gitignore");
  r = dsnguard({"lint", "--fix", d.path()}, lint_env());
  EXPECT_EQ(read_file(d / ".gitignore"), once);
}

TEST(LintGitignore, FixPreservesCrlfAndCreatesAMissingGitignore)
{
  TempDir d;
  git_init(d.path());
  write_file(d.path(), "app.py", k_reads_env);
  write_file(d.path(), ".gitignore", "dist/\r\n*.pyc\r\n");
  git_commit_all(d.path(), "init");
  auto r = dsnguard({"lint", "--fix", d.path()}, lint_env());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(read_file(d / ".gitignore"), "dist/\r\n*.pyc\r\n# dsnguard: keep environment files out of git\r\n.env\r\n"
                                         ".env.local\r\n.env.*.local\r\n");
  const std::string once = read_file(d / ".gitignore");
  dsnguard({"lint", "--fix", d.path()}, lint_env());
  EXPECT_EQ(read_file(d / ".gitignore"), once);

  TempDir fresh;
  git_init(fresh.path());
  write_file(fresh.path(), "app.py", k_reads_env);
  git_commit_all(fresh.path(), "init");
  r = dsnguard({"lint", "--fix", fresh.path()}, lint_env());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(read_file(fresh / ".gitignore"),
            "# dsnguard: keep environment files out of git\n.env\n.env.local\n.env.*.local\n");
  EXPECT_FALSE(lint_json(fresh.path()).has("G003"));
}

TEST(LintGitignore, WithoutFixNothingIsWritten)
{
  TempDir d;
  git_init(d.path());
  write_file(d.path(), "app.py", k_reads_env);
  git_commit_all(d.path(), "init");
  dsnguard({"lint", d.path()}, lint_env());
  EXPECT_EQ(git(d.path(), {"status", "--porcelain"}), "");
}

TEST(LintGitignore, JsonOutputShapeAndTextOutput)
{
  TempDir d;
  git_init(d.path());
  write_file(d.path(), "README.md", "x\n");
  git_commit_all(d.path(), "init");
  write_file(d.path(), ".env", "X=1\n");
  const auto r = lint_json(d.path());
  EXPECT_EQ(r.json["command"], "lint");
  EXPECT_EQ(r.json["mode"], "worktree");
  const auto g = r.with("G002");
  ASSERT_EQ(g.size(), 1u);
  for (const char* field : {"rule", "kind", "severity", "path", "line", "column", "message", "fix", "fingerprint"}) {
    EXPECT_TRUE(g[0].contains(field)) << field;
  }
  const auto t = dsnguard({"lint", d.path()}, lint_env());
  EXPECT_NE(t.out.find(".env:1:1: error G002"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("fix: Add '.env' to .gitignore."), std::string::npos) << t.out;
}

TEST(LintGitignore, ExitCodes)
{
  TempDir d;
  EXPECT_EQ(dsnguard({"lint", d / "missing"}, lint_env()).exit_code, 2);
  EXPECT_EQ(dsnguard({"lint", "--fail-on", "bogus", d.path()}, lint_env()).exit_code, 2);
  TempDir bare;
  git(bare.path(), {"init", "-q", "--bare"});
  const auto b = dsnguard({"lint", bare.path()}, lint_env());
  EXPECT_EQ(b.exit_code, 2);
  EXPECT_NE(b.err.find("bare repository"), std::string::npos) << b.err;
  // Not a repository: URL checks still run, .gitignore checks are skipped with a note.
  write_file(d.path(), "notes.txt", "nothing here\n");
  const auto r = lint_json(d.path());
  EXPECT_EQ(r.result.exit_code, 0);
  EXPECT_NE(r.result.out.find("not a git repository"), std::string::npos);
}

}  // namespace dsnguard::test

namespace dsnguard::test {

TEST(LintGitignore, TemplateWithARealConnectionPasswordIsAnError)
{
  TempDir d;
  git_init(d.path());
  write_file(d.path(), ".env.example",
             "DATABASE_URL=postgresql://app:Zq8vX3pL9wKm7Tq@prod-db.acme-corp.com:5432/app?sslmode=require\n"
             "OTHER_URL=postgresql://app:changeme@localhost:5432/app\n"
             "THIRD_URL=postgresql://app:${DB_PASSWORD}@prod-db.acme-corp.com:5432/app?sslmode=require\n");
  git_commit_all(d.path(), "init");
  const auto r = lint_json(d.path());
  const auto g = r.with("G006", ".env.example");
  ASSERT_EQ(g.size(), 1u) << r.result.out;
  EXPECT_EQ(g[0]["line"], 1);
  EXPECT_EQ(g[0]["match"], "postgresql://app:****@prod-db.acme-corp.com:5432/app?sslmode=require");
  EXPECT_EQ(r.result.out.find("Zq8vX3pL9wKm7Tq"), std::string::npos);
  EXPECT_EQ(r.result.exit_code, 1);
}

}  // namespace dsnguard::test

namespace dsnguard::test {

TEST(LintGitignore, TrackedDespiteAnIgnoreRuleSaysSo)
{
  TempDir d;
  git_init(d.path());
  write_file(d.path(), ".env", "X=1\n");
  git_commit_all(d.path(), "tracked");
  write_file(d.path(), ".gitignore", ".env\n.env.local\n.env.*.local\n");
  git_commit_all(d.path(), "ignore it (too late)");
  const auto r = lint_json(d.path());
  const auto g = r.with("G001", ".env");
  ASSERT_EQ(g.size(), 1u) << r.result.out;
  EXPECT_NE(std::string(g[0]["message"]).find("do not apply to tracked files"), std::string::npos);
  EXPECT_EQ(std::string(g[0]["fix"]).find("add '.env'"), std::string::npos) << g[0]["fix"];
  // --fix has nothing to append, and still prints the untracking command.
  const auto f = dsnguard({"lint", "--fix", d.path()}, lint_env());
  EXPECT_EQ(read_file(d / ".gitignore"), ".env\n.env.local\n.env.*.local\n");
  EXPECT_NE(f.err.find("git rm --cached -- '.env'"), std::string::npos) << f.err;
}

}  // namespace dsnguard::test
