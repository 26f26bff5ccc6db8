// End-to-end: --baseline / --write-baseline / stale entries / broken baselines, and inline dsnguard:allow
// counting, on real repositories.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "e2e/gate_support.hpp"

namespace dsnguard::test {

namespace {

nlohmann::json parse_json(const RunResult& r)
{
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
  return j;
}

}  // namespace

TEST(GateBaseline, WrittenBaselineSuppressesSurvivesEditsAndHoldsNoSecret)
{
  TempDir repo;
  git_init(repo.path());
  write_file(repo.path(), "app/db.py", "URL = \"" + leaked_url() + "\"\n");
  git_commit_all(repo.path(), "init");
  ASSERT_EQ(dsnguard({"scan", repo.path()}).exit_code, 1);

  const std::string bl = repo / "known.baseline";
  auto w = dsnguard({"scan", "--write-baseline", bl, repo.path()});
  EXPECT_EQ(w.exit_code, 0) << w.err;  // what was just recorded is accepted
  EXPECT_NE(w.err.find("wrote 1 entry"), std::string::npos) << w.err;
  const std::string text = read_file(bl);
  EXPECT_EQ(text.find("Lr7pZt4w"), std::string::npos) << text;
  EXPECT_EQ(text.find("db-prod-7.acme-internal.net"), std::string::npos) << text;
  EXPECT_NE(text.find("app/db.py"), std::string::npos);
  // Rewriting gives the identical file (sorted, no timestamps).
  dsnguard({"scan", "--write-baseline", bl, repo.path()});
  EXPECT_EQ(read_file(bl), text);

  // Lines added above the secret: still suppressed (no line numbers in the baseline).
  write_file(repo.path(), "app/db.py", "# settings\nimport os\n\nURL = \"" + leaked_url() + "\"\n");
  auto r = dsnguard({"scan", "--format", "json", "--baseline", bl, repo.path()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = parse_json(r);
  EXPECT_TRUE(j["findings"].empty());
  ASSERT_EQ(j["suppressed"].size(), 1u);
  EXPECT_EQ(j["suppressed"][0]["suppressed_by"], "baseline");

  // A different secret in the same file is new.
  write_file(repo.path(), "app/db.py",
             "URL = \"" + leaked_url() + "\"\nOTHER = \"postgres://app_user:Qw8-other" + "Secret5x@db2.acme-internal.net/app\"\n");
  r = dsnguard({"scan", "--baseline", bl, repo.path()});
  EXPECT_EQ(r.exit_code, 1) << r.out;
}

TEST(GateBaseline, StaleEntriesAreReported)
{
  TempDir repo;
  git_init(repo.path());
  write_file(repo.path(), "a.py", "URL = \"" + leaked_url() + "\"\n");
  git_commit_all(repo.path(), "init");
  const std::string bl = repo / "bl.txt";
  ASSERT_EQ(dsnguard({"scan", "--write-baseline", bl, repo.path()}).exit_code, 0);
  write_file(repo.path(), "a.py", "URL = os.environ['DATABASE_URL']\n");
  auto r = dsnguard({"scan", "--format", "json", "--baseline", bl, repo.path()});
  EXPECT_EQ(r.exit_code, 0);
  auto j = parse_json(r);
  ASSERT_EQ(j["stale_baseline"].size(), 1u) << j.dump(2);
  r = dsnguard({"scan", "--baseline", bl, repo.path()});
  EXPECT_NE(r.out.find("stale"), std::string::npos) << r.out;
}

TEST(GateBaseline, BrokenOrMissingBaselineIsAOneLineErrorNamingTheFile)
{
  TempDir repo;
  git_init(repo.path());
  write_file(repo.path(), "a.txt", "nothing\n");
  git_commit_all(repo.path(), "init");
  auto r = dsnguard({"scan", "--baseline", repo / "missing.txt", repo.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing.txt"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  write_file(repo.path(), "broken.txt", "{\"results\": []}\n");
  r = dsnguard({"scan", "--baseline", repo / "broken.txt", repo.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("broken.txt"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(GateBaseline, DefaultBaselineFileAtTheRootIsHonouredByTheHook)
{
  BinOnPath bin;
  const auto env = git_env(bin.path_value());
  TempDir repo;
  git_init(repo.path());
  write_file(repo.path(), "README", "x\n");
  git_commit_all(repo.path(), "init");
  ASSERT_EQ(dsnguard({"install-hook", repo.path()}).exit_code, 0);

  write_file(repo.path(), "app/db.py", "URL = \"" + leaked_url() + "\"\n");
  git(repo.path(), {"add", "app/db.py"});
  auto c = git_try(repo.path(), {"commit", "-q", "-m", "secret"}, env);
  ASSERT_NE(c.exit_code, 0) << c.out << c.err;
  EXPECT_NE(c.err.find("dsnguard blocked this commit"), std::string::npos) << c.err;
  EXPECT_EQ(c.err.find("Lr7pZt4w"), std::string::npos);

  // Way out 3, exactly as the message says: record it in .dsnguard-baseline and commit again.
  RunOptions in_repo = env;
  in_repo.cwd = repo.path();
  auto w = dsnguard({"scan", "--staged", "--write-baseline", ".dsnguard-baseline"}, in_repo);
  EXPECT_EQ(w.exit_code, 0) << w.out << w.err;
  git(repo.path(), {"add", ".dsnguard-baseline"});
  c = git_try(repo.path(), {"commit", "-q", "-m", "secret, accepted"}, env);
  EXPECT_EQ(c.exit_code, 0) << c.out << c.err;
}

TEST(GateInline, AllowCommentsAreCountedAndListed)
{
  TempDir repo;
  git_init(repo.path());
  write_file(repo.path(), "same_line.py", "URL = \"" + leaked_url() + "\"  # dsnguard:allow\n");
  write_file(repo.path(), "prev_line.py", "# dsnguard:allow test fixture\nURL = \"" + leaked_url() + "\"\n");
  write_file(repo.path(), "real.py", "URL = \"" + leaked_url() + "\"\n");
  git_commit_all(repo.path(), "init");
  auto r = dsnguard({"scan", "--format", "json", repo.path()});
  EXPECT_EQ(r.exit_code, 1);
  auto j = parse_json(r);
  ASSERT_EQ(j["findings"].size(), 1u) << j.dump(2);
  EXPECT_EQ(j["findings"][0]["path"], "real.py");
  EXPECT_EQ(j["summary"]["suppressed"], 2);
  ASSERT_EQ(j["suppressed"].size(), 2u);
  EXPECT_EQ(j["suppressed"][0]["suppressed_by"], "inline");

  r = dsnguard({"scan", repo.path()});
  EXPECT_NE(r.out.find("2 suppressed (2 inline)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("same_line.py"), std::string::npos);
  r = dsnguard({"scan", "--show-suppressed", repo.path()});
  EXPECT_NE(r.out.find("same_line.py"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("prev_line.py"), std::string::npos);

  // Only inline-allowed findings left: exit 0.
  write_file(repo.path(), "real.py", "URL = os.environ['DATABASE_URL']\n");
  EXPECT_EQ(dsnguard({"scan", repo.path()}).exit_code, 0);
}

}  // namespace dsnguard::test
