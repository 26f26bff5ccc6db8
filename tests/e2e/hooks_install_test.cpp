// End-to-end: install-hook / uninstall-hook on real repositories (default hooks dir, core.hooksPath relative
// and absolute, linked worktrees, an existing hook refused then chained, missing binary).
#include <gtest/gtest.h>

#include <filesystem>

#include "e2e/gate_support.hpp"

namespace dsnguard::test {

namespace fs = std::filesystem;

TEST(HooksInstall, InstallsTheHooksFromTheSourceTreeAndUninstalls)
{
  TempDir repo;
  git_init(repo.path());
  auto r = dsnguard({"install-hook", repo.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string hook = repo / ".git/hooks/pre-commit";
  EXPECT_NE(r.out.find(hook), std::string::npos) << r.out;  // says where it went
  EXPECT_EQ(read_file(hook), read_file(source_dir() + "/hooks/pre-commit"));  // embedded == hooks/
  EXPECT_TRUE(is_executable(hook));
  r = dsnguard({"install-hook", "--pre-push", repo.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(repo / ".git/hooks/pre-push"), read_file(source_dir() + "/hooks/pre-push"));
  // Installing again is a no-op that says so.
  r = dsnguard({"install-hook", repo.path()});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("already installed"), std::string::npos);

  r = dsnguard({"uninstall-hook", repo.path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(hook));
  EXPECT_FALSE(fs::exists(repo / ".git/hooks/pre-push"));
  r = dsnguard({"uninstall-hook", repo.path()});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("no dsnguard hook"), std::string::npos);
}

TEST(HooksInstall, HonoursRelativeCoreHooksPathFromASubdirectory)
{
  TempDir repo;
  git_init(repo.path());
  git(repo.path(), {"config", "core.hooksPath", ".githooks"});
  write_file(repo.path(), "src/deep/file.txt", "x\n");
  const auto r = dsnguard({"install-hook", repo / "src/deep"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Relative to the work tree root, not to the directory install-hook ran from.
  EXPECT_TRUE(is_executable(repo / ".githooks/pre-commit"));
  EXPECT_FALSE(fs::exists(repo / "src/deep/.githooks"));
  EXPECT_FALSE(fs::exists(repo / ".git/hooks/pre-commit"));
  EXPECT_NE(r.out.find("core.hooksPath"), std::string::npos) << r.out;
  // git agrees on where it runs hooks from.
  EXPECT_EQ(git(repo.path(), {"rev-parse", "--git-path", "hooks"}), ".githooks\n");
}

TEST(HooksInstall, HonoursAbsoluteCoreHooksPath)
{
  TempDir repo;
  TempDir shared;
  git_init(repo.path());
  git(repo.path(), {"config", "core.hooksPath", shared / "hooks"});
  const auto r = dsnguard({"install-hook", "--pre-push", repo.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(is_executable(shared / "hooks/pre-push"));
  EXPECT_FALSE(fs::exists(repo / ".git/hooks/pre-push"));
}

TEST(HooksInstall, LinkedWorktreeInstallsIntoTheCommonDir)
{
  TempDir repo;
  TempDir wt_parent;
  git_init(repo.path());
  write_file(repo.path(), "README", "x\n");
  git_commit_all(repo.path(), "init");
  const std::string wt = wt_parent / "linked";
  git(repo.path(), {"worktree", "add", "-q", "-b", "feature", wt});
  const auto r = dsnguard({"install-hook", wt});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(is_executable(repo / ".git/hooks/pre-commit"));
  EXPECT_FALSE(fs::exists(repo / ".git/worktrees/linked/hooks/pre-commit"));
}

TEST(HooksInstall, RefusesToOverwriteAnExistingHookThenChainsItWithForce)
{
  BinOnPath bin;
  const auto env = git_env(bin.path_value());
  TempDir repo;
  git_init(repo.path());
  const std::string existing = "#!/bin/sh\necho ran >> \"$(git rev-parse --git-dir)/existing-hook-ran\"\nexit 0\n";
  write_file(repo.path(), ".git/hooks/pre-commit", existing);
  fs::permissions(repo / ".git/hooks/pre-commit", fs::perms::owner_all);

  auto r = dsnguard({"install-hook", repo.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not installed by dsnguard"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--force"), std::string::npos);
  EXPECT_EQ(read_file(repo / ".git/hooks/pre-commit"), existing);  // untouched

  r = dsnguard({"install-hook", "--force", repo.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(repo / ".git/hooks/pre-commit.dsnguard-chained"), existing);
  EXPECT_NE(r.out.find("pre-commit.dsnguard-chained"), std::string::npos);

  // A clean commit runs both: the chained hook first, then dsnguard (which passes).
  write_file(repo.path(), "README.md", "hello\n");
  git(repo.path(), {"add", "README.md"});
  const auto c = git_try(repo.path(), {"commit", "-q", "-m", "clean"}, env);
  EXPECT_EQ(c.exit_code, 0) << c.out << c.err;
  EXPECT_TRUE(fs::exists(repo / ".git/existing-hook-ran"));

  // uninstall restores the user's hook byte for byte.
  r = dsnguard({"uninstall-hook", repo.path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(repo / ".git/hooks/pre-commit"), existing);
  EXPECT_FALSE(fs::exists(repo / ".git/hooks/pre-commit.dsnguard-chained"));
}

TEST(HooksInstall, ChainedHookFailureBlocksTheCommit)
{
  BinOnPath bin;
  TempDir repo;
  git_init(repo.path());
  write_file(repo.path(), ".git/hooks/pre-commit", "#!/bin/sh\necho 'lint failed' >&2\nexit 7\n");
  fs::permissions(repo / ".git/hooks/pre-commit", fs::perms::owner_all);
  ASSERT_EQ(dsnguard({"install-hook", "--force", repo.path()}).exit_code, 0);
  write_file(repo.path(), "a.txt", "a\n");
  git(repo.path(), {"add", "a.txt"});
  const auto c = git_try(repo.path(), {"commit", "-q", "-m", "x"}, git_env(bin.path_value()));
  EXPECT_NE(c.exit_code, 0);
  EXPECT_NE(c.err.find("lint failed"), std::string::npos) << c.err;
}

TEST(HooksInstall, UninstallLeavesForeignHooksAlone)
{
  TempDir repo;
  git_init(repo.path());
  const std::string foreign = "#!/bin/sh\nexit 0\n";
  write_file(repo.path(), ".git/hooks/pre-push", foreign);
  const auto r = dsnguard({"uninstall-hook", repo.path()});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(read_file(repo / ".git/hooks/pre-push"), foreign);
}

TEST(HooksInstall, MissingBinaryGivesAClearMessageAndBlocks)
{
  TempDir repo;
  git_init(repo.path());
  ASSERT_EQ(dsnguard({"install-hook", repo.path()}).exit_code, 0);
  write_file(repo.path(), "a.txt", "a\n");
  git(repo.path(), {"add", "a.txt"});
  // PATH with git and sh but no dsnguard.
  const auto c = git_try(repo.path(), {"commit", "-q", "-m", "x"}, git_env("/usr/bin:/bin"));
  EXPECT_NE(c.exit_code, 0);
  EXPECT_NE(c.err.find("'dsnguard' is not on PATH"), std::string::npos) << c.err;
  EXPECT_NE(c.err.find("--no-verify"), std::string::npos);
}

TEST(HooksInstall, NotARepositoryIsAUsageError)
{
  TempDir dir;
  const auto r = dsnguard({"install-hook", dir.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not inside a git repository"), std::string::npos) << r.err;
}

TEST(HooksScripts, ArePosixShell)
{
  for (const char* name : {"pre-commit", "pre-push"}) {
    const std::string path = source_dir() + "/hooks/" + name;
    EXPECT_EQ(read_file(path).rfind("#!/bin/sh\n", 0), 0u);
    EXPECT_EQ(run({"dash", "-n", path}).exit_code, 0) << name;  // parses with a strict POSIX shell
    EXPECT_TRUE(is_executable(path));
  }
}

}  // namespace dsnguard::test
