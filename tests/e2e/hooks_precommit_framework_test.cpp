// End-to-end with the real pre-commit framework (Debian's pre-commit 3.0.4): a project whose
// .pre-commit-config.yaml points at a git repository holding this tree's .pre-commit-hooks.yaml, with the
// built dsnguard on PATH. A commit that adds a database URL with a password is blocked with a readable,
// redacted message; a clean commit passes. No network: language `system` installs nothing.
#include <gtest/gtest.h>

#include "e2e/gate_support.hpp"

namespace dsnguard::test {

namespace {

struct FrameworkRepo {
  BinOnPath bin;
  TempDir hook_repo;
  TempDir project;
  TempDir home;
  RunOptions env;

  FrameworkRepo()
  {
    env = git_env(bin.path_value());
    env.env["PRE_COMMIT_HOME"] = home / "pre-commit-cache";
    env.env["HOME"] = home.path();
    env.env["XDG_CACHE_HOME"] = home / "cache";
    env.unset_env.push_back("PRE_COMMIT");
    env.unset_env.push_back("SKIP");

    // The hook repository: this tree's manifest, committed (pre-commit clones it at `rev`).
    git_init(hook_repo.path());
    write_file(hook_repo.path(), ".pre-commit-hooks.yaml", read_file(source_dir() + "/.pre-commit-hooks.yaml"));
    const std::string rev = git_commit_all(hook_repo.path(), "hooks");

    git_init(project.path());
    write_file(project.path(), ".pre-commit-config.yaml",
               "repos:\n- repo: " + hook_repo.path() + "\n  rev: " + rev
                   + "\n  hooks:\n  - id: dsnguard\n  - id: dsnguard-push\n  - id: dsnguard-audit\n");
    git_commit_all(project.path(), "pre-commit config");
  }

  RunResult pre_commit(const std::vector<std::string>& args)
  {
    std::vector<std::string> argv{"pre-commit"};
    argv.insert(argv.end(), args.begin(), args.end());
    RunOptions o = env;
    o.cwd = project.path();
    return run(argv, o);
  }
};

}  // namespace

TEST(PreCommitFramework, BlocksASecretAndPassesACleanCommit)
{
  FrameworkRepo f;
  const auto installed = f.pre_commit({"install"});
  ASSERT_EQ(installed.exit_code, 0) << installed.out << installed.err;

  // Clean commit passes (the hook ran: pre-commit prints its name with Passed).
  write_file(f.project.path(), "README.md", "# demo\nSet DATABASE_URL in your environment.\n");
  git(f.project.path(), {"add", "README.md"});
  auto c = git_try(f.project.path(), {"commit", "-m", "docs"}, f.env);
  ASSERT_EQ(c.exit_code, 0) << c.out << c.err;
  EXPECT_NE((c.out + c.err).find("dsnguard (staged database URLs and .env files)"), std::string::npos) << c.out << c.err;
  EXPECT_NE((c.out + c.err).find("Passed"), std::string::npos);

  // A commit that adds a credential is blocked, and says what, where and how to get out.
  write_file(f.project.path(), "config/settings.py", "DATABASE_URL = \"" + leaked_url() + "\"\n");
  git(f.project.path(), {"add", "config/settings.py"});
  c = git_try(f.project.path(), {"commit", "-m", "add settings"}, f.env);
  const std::string all = c.out + c.err;
  EXPECT_NE(c.exit_code, 0) << all;
  EXPECT_NE(all.find("Failed"), std::string::npos) << all;
  EXPECT_NE(all.find("config/settings.py:1"), std::string::npos) << all;
  EXPECT_NE(all.find("dsnguard blocked this commit"), std::string::npos) << all;
  EXPECT_NE(all.find("dsnguard:allow"), std::string::npos);
  EXPECT_NE(all.find("--write-baseline"), std::string::npos);
  EXPECT_EQ(all.find("Lr7pZt4w"), std::string::npos) << "secret printed";
  // Nothing was committed.
  EXPECT_EQ(git(f.project.path(), {"log", "--format=%s", "-1"}), "docs\n");
}

TEST(PreCommitFramework, ManualAuditStage)
{
  FrameworkRepo f;
  write_file(f.project.path(), "settings.py", "DATABASE_URL = \"" + leaked_url() + "\"\n");
  git(f.project.path(), {"add", "settings.py"});
  git(f.project.path(), {"commit", "-q", "--no-verify", "-m", "leak"});
  const auto r = f.pre_commit({"run", "--hook-stage", "manual", "dsnguard-audit"});
  const std::string all = r.out + r.err;
  EXPECT_EQ(r.exit_code, 1) << all;
  EXPECT_NE(all.find("# dsnguard audit report"), std::string::npos) << all;
  EXPECT_NE(all.find("settings.py"), std::string::npos);
  EXPECT_EQ(all.find("Lr7pZt4w"), std::string::npos) << "secret printed";
}

TEST(PreCommitFramework, ManifestUsesStagesThisPreCommitUnderstands)
{
  // `pre-commit try-repo`-style validation of the manifest by the installed client (3.0.4 rejects the
  // newer stage names pre-commit/pre-push).
  FrameworkRepo f;
  const auto r = f.pre_commit({"validate-manifest", source_dir() + "/.pre-commit-hooks.yaml"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto cfg = f.pre_commit({"validate-config", f.project / ".pre-commit-config.yaml"});
  EXPECT_EQ(cfg.exit_code, 0) << cfg.out << cfg.err;
}

}  // namespace dsnguard::test
