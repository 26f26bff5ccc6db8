// End-to-end: `dsnguard audit` on a real repository: Markdown by default, HTML/JSON/SARIF on request, with
// provenance of history findings and remediation, never the secret.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "e2e/gate_support.hpp"

namespace dsnguard::test {

namespace {

// A repository whose history leaked a Neon URL in a file that was deleted later, plus a tracked .env.
struct AuditRepo {
  TempDir dir;
  std::string introducing;

  AuditRepo()
  {
    git_init(dir.path());
    write_file(dir.path(), "README.md", "demo\n");
    git_commit_all(dir.path(), "init");
    write_file(dir.path(), "deploy/settings.py",
               "DATABASE_URL = \"postgresql://neondb_owner:" + std::string("Zq8-Wm3k") + "Tr5vNp2x@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb\"\n");
    introducing = git_commit_all(dir.path(), "add deploy settings");
    git(dir.path(), {"rm", "-q", "deploy/settings.py"});
    write_file(dir.path(), ".env", "DATABASE_URL=" + leaked_url() + "\n");
    git_commit_all(dir.path(), "move settings to .env");
  }
};

}  // namespace

TEST(AuditCommand, MarkdownReportWithProvenanceAndRemediation)
{
  AuditRepo repo;
  const auto r = dsnguard({"audit", repo.dir.path()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto& md = r.out;
  EXPECT_EQ(md.rfind("# dsnguard audit report", 0), 0u) << md;
  EXPECT_NE(md.find("## Summary"), std::string::npos);
  // The history-only Neon credential: path, introducing commit, author, reachable refs.
  EXPECT_NE(md.find("deploy/settings.py"), std::string::npos) << md;
  EXPECT_NE(md.find(repo.introducing.substr(0, 12)), std::string::npos) << md;
  EXPECT_NE(md.find("Test Author"), std::string::npos);
  EXPECT_NE(md.find("refs/heads/main"), std::string::npos);
  EXPECT_NE(md.find("**Neon:**"), std::string::npos);
  EXPECT_NE(md.find("git filter-repo --invert-paths --path 'deploy/settings.py'"), std::string::npos);
  // The tracked .env file.
  EXPECT_NE(md.find("git filter-repo --invert-paths --path '.env'"), std::string::npos);
  EXPECT_NE(md.find("git push --force --mirror"), std::string::npos);
  EXPECT_EQ(md.find("Tr5vNp2x"), std::string::npos) << "secret printed";
  EXPECT_EQ(md.find("Lr7pZt4w"), std::string::npos) << "secret printed";
}

TEST(AuditCommand, OtherFormats)
{
  AuditRepo repo;
  const auto html = dsnguard({"audit", "--format", "html", repo.dir.path()});
  EXPECT_EQ(html.exit_code, 1) << html.err;
  EXPECT_EQ(html.out.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.out.find("deploy/settings.py"), std::string::npos);

  const auto json = dsnguard({"audit", "--format", "json", repo.dir.path()});
  const auto j = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << json.out;
  EXPECT_EQ(j["command"], "audit");
  EXPECT_GE(j["findings"].size(), 2u);

  TempDir out;
  const auto sarif = dsnguard({"audit", "--format", "sarif", "-o", out / "a.sarif", repo.dir.path()});
  EXPECT_EQ(sarif.exit_code, 1) << sarif.err;
  const auto v = run({"python3", source_dir() + "/tests/support/validate_sarif.py",
                      source_dir() + "/tests/schemas/sarif-schema-2.1.0.json", out / "a.sarif"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST(AuditCommand, CleanRepositoryExitsZero)
{
  TempDir repo;
  git_init(repo.path());
  write_file(repo.path(), "README.md", "nothing to see\n");
  git_commit_all(repo.path(), "init");
  const auto r = dsnguard({"audit", repo.path()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("No unsuppressed findings."), std::string::npos) << r.out;
}

// The same credential committed only in a test file (medium: one step lower) and now, uncommitted, in application
// code (high): `--min-confidence high` keeps it, at high, with the provenance of its committed copy.
TEST(AuditCommand, AWorkingTreeCopyRaisesAHistoryFindingAboveMinConfidence)
{
  TempDir repo;
  git_init(repo.path());
  const std::string url = "postgresql://neondb_owner:" + std::string("Vb6-Hq2m") +
                          "Zr9tLw4k@ep-quiet-river-654321.us-east-2.aws.neon.tech/neondb";
  write_file(repo.path(), "tests/test_db.py", "URL = \"" + url + "\"\n");
  const std::string introducing = git_commit_all(repo.path(), "add a test");
  write_file(repo.path(), "app/db.py", "URL = \"" + url + "\"\n");  // not committed

  const auto history_only = dsnguard({"scan", "--history", "--format", "json", "--min-confidence", "high",
                                      repo.path()});
  const auto h = nlohmann::json::parse(history_only.out, nullptr, false);
  ASSERT_FALSE(h.is_discarded()) << history_only.out << history_only.err;
  EXPECT_EQ(h["findings"].size(), 0u) << "the committed copy alone is below high";

  const auto r = dsnguard({"audit", "--format", "json", "--min-confidence", "high", repo.path()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  std::size_t credentials = 0;
  for (const auto& f : j["findings"]) {
    if (f["kind"] != "secret") {
      continue;
    }
    ++credentials;
    EXPECT_EQ(f["confidence"], "high") << f.dump();
    EXPECT_EQ(f["commit"], introducing) << f.dump();
    ASSERT_TRUE(f.contains("occurrences")) << f.dump();
    ASSERT_EQ(f["occurrences"].size(), 1u) << f.dump();
    EXPECT_EQ(f["occurrences"][0]["path"], "tests/test_db.py");
  }
  EXPECT_EQ(credentials, 1u) << r.out;
  EXPECT_EQ(r.out.find("Zr9tLw4k"), std::string::npos) << "secret printed";
}

}  // namespace dsnguard::test
