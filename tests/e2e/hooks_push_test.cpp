// End-to-end: the plain git hooks installed by install-hook, driven by real `git commit` and `git push`:
// a secret is blocked with the redacted finding and the ways out; clean changes pass; the pre-push hook
// sees commits that were committed with --no-verify.
#include <gtest/gtest.h>

#include "e2e/gate_support.hpp"

namespace dsnguard::test {

TEST(HooksPlain, PreCommitBlocksASecretAndPassesCleanCommits)
{
  BinOnPath bin;
  const auto env = git_env(bin.path_value());
  TempDir repo;
  git_init(repo.path());
  ASSERT_EQ(dsnguard({"install-hook", repo.path()}).exit_code, 0);

  write_file(repo.path(), "README.md", "# demo\n");
  git(repo.path(), {"add", "README.md"});
  auto c = git_try(repo.path(), {"commit", "-q", "-m", "init"}, env);
  ASSERT_EQ(c.exit_code, 0) << c.out << c.err;

  write_file(repo.path(), "app/config.py", "DATABASE_URL = \"" + leaked_url() + "\"\n");
  git(repo.path(), {"add", "app/config.py"});
  c = git_try(repo.path(), {"commit", "-q", "-m", "config"}, env);
  const auto all = c.out + c.err;
  EXPECT_EQ(c.exit_code, 1) << all;
  EXPECT_NE(all.find("app/config.py:1"), std::string::npos) << all;
  EXPECT_NE(all.find("****"), std::string::npos) << all;
  EXPECT_EQ(all.find("Lr7pZt4w"), std::string::npos) << "secret printed";
  EXPECT_NE(all.find("dsnguard blocked this commit"), std::string::npos);
  EXPECT_NE(all.find("Remove it"), std::string::npos);
  EXPECT_NE(all.find("dsnguard:allow"), std::string::npos);
  EXPECT_NE(all.find("--write-baseline"), std::string::npos);
  EXPECT_EQ(git(repo.path(), {"rev-list", "--count", "HEAD"}), "1\n");

  // Way out 2: an inline allow on the line lets the commit through.
  write_file(repo.path(), "app/config.py", "DATABASE_URL = \"" + leaked_url() + "\"  # dsnguard:allow demo value\n");
  git(repo.path(), {"add", "app/config.py"});
  c = git_try(repo.path(), {"commit", "-q", "-m", "config (allowed)"}, env);
  EXPECT_EQ(c.exit_code, 0) << c.out << c.err;
}

TEST(HooksPlain, PrePushBlocksCommitsMadeWithNoVerify)
{
  BinOnPath bin;
  const auto env = git_env(bin.path_value());
  TempDir remote;
  TempDir repo;
  git(remote.path(), {"init", "-q", "--bare", "-b", "main"});
  git_init(repo.path());
  git(repo.path(), {"remote", "add", "origin", remote.path()});
  write_file(repo.path(), "README.md", "# demo\n");
  git_commit_all(repo.path(), "init");
  ASSERT_EQ(dsnguard({"install-hook", "--pre-push", repo.path()}).exit_code, 0);

  auto p = git_try(repo.path(), {"push", "-q", "origin", "main"}, env);
  ASSERT_EQ(p.exit_code, 0) << p.out << p.err;

  write_file(repo.path(), "deploy.sh", "export DATABASE_URL=\"" + leaked_url() + "\"\n");
  git_commit_all(repo.path(), "deploy script");  // no pre-commit hook installed: nothing stops the commit
  p = git_try(repo.path(), {"push", "-q", "origin", "main"}, env);
  const auto all = p.out + p.err;
  EXPECT_NE(p.exit_code, 0) << all;
  EXPECT_NE(all.find("deploy.sh"), std::string::npos) << all;
  EXPECT_NE(all.find("dsnguard blocked this push"), std::string::npos) << all;
  EXPECT_EQ(all.find("Lr7pZt4w"), std::string::npos) << "secret printed";
  // The remote did not get the commit.
  EXPECT_EQ(git(remote.path(), {"rev-list", "--count", "main"}), "1\n");
}

}  // namespace dsnguard::test
