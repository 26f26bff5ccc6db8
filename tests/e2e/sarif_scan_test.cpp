// End-to-end: `scan --format sarif` on real repositories validates against the SARIF 2.1.0 schema and
// GitHub's requirements, never carries the secret, and keeps path + commit for history findings whose file
// is gone.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "e2e/gate_support.hpp"

namespace dsnguard::test {

namespace {

RunResult validate_sarif(const std::string& text)
{
  TempDir dir;
  write_file(dir.path(), "out.sarif", text);
  return run({"python3", source_dir() + "/tests/support/validate_sarif.py",
              source_dir() + "/tests/schemas/sarif-schema-2.1.0.json", dir / "out.sarif"});
}

}  // namespace

TEST(SarifScan, CleanRepositoryIsValidSarifWithRules)
{
  TempDir repo;
  git_init(repo.path());
  write_file(repo.path(), "README.md", "hello\n");
  git_commit_all(repo.path(), "init");
  const auto r = dsnguard({"scan", "--format", "sarif", repo.path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto v = validate_sarif(r.out);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_FALSE(doc["runs"][0]["tool"]["driver"]["rules"].empty());  // built-in rules are described
  EXPECT_TRUE(doc["runs"][0]["results"].empty());
}

TEST(SarifScan, FindingsAreValidRelativeAndRedacted)
{
  TempDir repo;
  git_init(repo.path());
  write_file(repo.path(), "config/my settings.py", "DATABASE_URL = \"" + leaked_url() + "\"\n");
  git_commit_all(repo.path(), "init");
  TempDir out_dir;  // outside the repository, so the second scan does not scan the first report
  const auto out_file = out_dir / "report.sarif";
  for (const bool no_redact : {false, true}) {
    std::vector<std::string> args{"scan", "--format", "sarif", "-o", out_file};
    if (no_redact) {
      args.push_back("--no-redact");
    }
    args.push_back(repo.path());
    const auto r = dsnguard(args);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    const std::string text = read_file(out_file);
    const auto v = validate_sarif(text);
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    EXPECT_EQ(text.find("Lr7pZt4w"), std::string::npos) << "secret in SARIF";
    const auto doc = nlohmann::json::parse(text);
    const auto& results = doc["runs"][0]["results"];
    ASSERT_EQ(results.size(), 1u) << text;
    const auto& loc = results[0]["locations"][0]["physicalLocation"];
    EXPECT_EQ(loc["artifactLocation"]["uri"], "config/my%20settings.py");
    EXPECT_EQ(loc["region"]["startLine"], 1);
    EXPECT_TRUE(results[0]["partialFingerprints"].contains("dsnguard/v1"));
  }
}

TEST(SarifScan, HistoryFindingInADeletedFileKeepsPathAndCommit)
{
  TempDir repo;
  git_init(repo.path());
  write_file(repo.path(), "deploy/old.env.sh", "export DATABASE_URL=\"" + leaked_url() + "\"\n");
  const std::string introducing = git_commit_all(repo.path(), "add deploy script");
  git(repo.path(), {"rm", "-q", "deploy/old.env.sh"});
  write_file(repo.path(), "README.md", "gone\n");
  git_commit_all(repo.path(), "remove it");
  const auto r = dsnguard({"scan", "--history", "--format", "sarif", repo.path()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto v = validate_sarif(r.out);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  const auto doc = nlohmann::json::parse(r.out);
  const auto& results = doc["runs"][0]["results"];
  ASSERT_FALSE(results.empty()) << r.out;
  EXPECT_EQ(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "deploy/old.env.sh");
  EXPECT_EQ(results[0]["properties"]["commit"], introducing);
  EXPECT_NE(results[0]["message"]["text"].get<std::string>().find(introducing.substr(0, 12)), std::string::npos);
}

}  // namespace dsnguard::test
