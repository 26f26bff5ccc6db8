// End-to-end: `dsnguard scan --pre-push REMOTE` (issue 3): git's pre-push stdin, new branches, updates, force
// pushes over unknown history, deletions, PRE_COMMIT_FROM_REF/TO_REF, and a real `git push` through a hook.
#include <sys/stat.h>

#include <map>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/process.hpp"

namespace dsnguard::test {

namespace {

using nlohmann::json;

const std::string k_zeros(40, '0');

std::string url_with(const std::string& password)
{
  return "postgres://app:" + password + "@db.prod.internal:5432/app";
}

std::string rev(const std::string& dir, const std::string& what)
{
  auto id = git(dir, {"rev-parse", what});
  while (!id.empty() && id.back() == '\n') {
    id.pop_back();
  }
  return id;
}

RunResult git_try(const std::string& dir, const std::vector<std::string>& args)
{
  std::vector<std::string> argv{"git", "-C", dir};
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions o;
  o.env["GIT_CONFIG_NOSYSTEM"] = "1";
  o.env["GIT_CONFIG_GLOBAL"] = "/dev/null";
  o.env["NO_COLOR"] = "1";
  o.unset_env = {"GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE"};
  return run(argv, o);
}

// A bare remote and a clone with one clean commit pushed, plus an old secret already on the remote.
struct PushSetup {
  TempDir remote;
  TempDir work;
  std::string repo;
  PushSetup()
  {
    git(remote.path(), {"init", "-q", "--bare", "-b", "main"});
    repo = work / "repo";
    git(work.path(), {"clone", "-q", remote.path(), "repo"});
    git(repo, {"config", "user.name", "Test Author"});
    git(repo, {"config", "user.email", "author@example.com"});
    git(repo, {"checkout", "-q", "-b", "main"});
    write_file(repo, "old.py", "URL = '" + url_with("AlreadyOnRemotePw11") + "'\n");
    git_commit_all(repo, "old secret, already public");
    git(repo, {"push", "-q", "--no-verify", "origin", "main"});
  }
};

struct Scan {
  int exit_code = -1;
  json report;
  std::string err;
};

Scan pre_push(const std::string& repo, const std::string& input, const std::map<std::string, std::string>& env = {})
{
  RunOptions o;
  o.cwd = repo;
  o.stdin_data = input;
  o.env = env;
  const auto r = dsnguard({"scan", "--pre-push", "origin", "--format", "json"}, o);
  Scan s{r.exit_code, json::parse(r.out, nullptr, false), r.err};
  EXPECT_FALSE(s.report.is_discarded()) << r.out << r.err;
  return s;
}

}  // namespace

TEST(PrePushScan, NewBranchScansOnlyCommitsTheRemoteLacks)
{
  PushSetup s;
  git(s.repo, {"checkout", "-q", "-b", "feature"});
  write_file(s.repo, "clean.py", "X = 1\n");
  git_commit_all(s.repo, "clean");
  const std::string line = "refs/heads/feature " + rev(s.repo, "HEAD") + " refs/heads/feature " + k_zeros + "\n";
  const auto clean = pre_push(s.repo, line);
  EXPECT_EQ(clean.exit_code, 0) << clean.report.dump(2) << clean.err;  // old.py is already on the remote
  EXPECT_EQ(clean.report["mode"], "pre-push");
  EXPECT_EQ(clean.report["summary"]["commits"], 1);

  write_file(s.repo, "db.py", "URL = '" + url_with("NewBranchPw2323") + "'\n");
  const auto c = git_commit_all(s.repo, "secret");
  const auto dirty = pre_push(s.repo, "refs/heads/feature " + c + " refs/heads/feature " + k_zeros + "\n");
  EXPECT_EQ(dirty.exit_code, 1) << dirty.err;
  ASSERT_EQ(dirty.report["findings"].size(), 1u) << dirty.report.dump(2);
  EXPECT_EQ(dirty.report["findings"][0]["path"], "db.py");
  EXPECT_EQ(dirty.report["findings"][0]["commit"], c);
}

TEST(PrePushScan, UpdateScansRemoteToLocalAddedLinesOnly)
{
  PushSetup s;
  const std::string remote_oid = rev(s.repo, "origin/main");
  // Editing the file that holds the already-public secret does not re-report it.
  write_file(s.repo, "old.py", "URL = '" + url_with("AlreadyOnRemotePw11") + "'\nX = 2\n");
  const auto edit = git_commit_all(s.repo, "edit");
  const auto clean = pre_push(s.repo, "refs/heads/main " + edit + " refs/heads/main " + remote_oid + "\n");
  EXPECT_EQ(clean.exit_code, 0) << clean.report.dump(2);

  write_file(s.repo, "old.py", "URL = '" + url_with("AlreadyOnRemotePw11") + "'\nX = 2\nY = '" + url_with("UpdatePw4545") + "'\n");
  const auto secret = git_commit_all(s.repo, "secret");
  const auto dirty = pre_push(s.repo, "refs/heads/main " + secret + " refs/heads/main " + remote_oid + "\n");
  EXPECT_EQ(dirty.exit_code, 1);
  ASSERT_EQ(dirty.report["findings"].size(), 1u) << dirty.report.dump(2);
  EXPECT_EQ(dirty.report["findings"][0]["line"], 3);
  EXPECT_EQ(dirty.report["summary"]["commits"], 2);
}

TEST(PrePushScan, ForcePushOverUnknownRemoteHistoryFallsBackToTrackingRefs)
{
  PushSetup s;
  write_file(s.repo, "db.py", "URL = '" + url_with("ForcePushPw6767") + "'\n");
  const auto c = git_commit_all(s.repo, "rewritten");
  const std::string unknown = "1234567890abcdef1234567890abcdef12345678";
  const auto r = pre_push(s.repo, "refs/heads/main " + c + " refs/heads/main " + unknown + "\n");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.report["findings"].size(), 1u);
  EXPECT_EQ(r.report["summary"]["commits"], 1);  // not the already-pushed history
}

TEST(PrePushScan, AnnotatedTagPushScansTheTaggedCommits)
{
  PushSetup s;
  write_file(s.repo, "db.py", "URL = '" + url_with("TaggedPushPw2468") + "'\n");
  git_commit_all(s.repo, "secret");
  git(s.repo, {"tag", "-a", "v2", "-m", "release"});
  const std::string tag_object = rev(s.repo, "v2");
  ASSERT_NE(tag_object, rev(s.repo, "HEAD"));  // an annotated tag object, not the commit
  const auto r = pre_push(s.repo, "refs/tags/v2 " + tag_object + " refs/tags/v2 " + k_zeros + "\n");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.report["findings"].size(), 1u);
}

TEST(PrePushScan, DeletionScansNothing)
{
  PushSetup s;
  const auto r = pre_push(s.repo, "(delete) " + k_zeros + " refs/heads/old " + rev(s.repo, "HEAD") + "\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.report["summary"]["commits"], 0);
  EXPECT_EQ(r.report["summary"]["files_scanned"], 0);

  RunOptions o;
  o.cwd = s.repo;
  o.stdin_data = "garbage line\n";
  const auto bad = dsnguard({"scan", "--pre-push", "origin"}, o);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("garbage line"), std::string::npos);
}

TEST(PrePushScan, PreCommitFrameworkRangeVariables)
{
  PushSetup s;
  const std::string from = rev(s.repo, "HEAD");
  write_file(s.repo, "db.py", "URL = '" + url_with("FrameworkPw8989") + "'\n");
  const auto to = git_commit_all(s.repo, "secret");
  const auto r = pre_push(s.repo, "", {{"PRE_COMMIT_FROM_REF", from}, {"PRE_COMMIT_TO_REF", to}});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.report["findings"].size(), 1u);
  const auto none = pre_push(s.repo, "", {{"PRE_COMMIT_FROM_REF", to}, {"PRE_COMMIT_TO_REF", to}});
  EXPECT_EQ(none.exit_code, 0);
}

TEST(PrePushScan, RealGitPushThroughAHook)
{
  PushSetup s;
  const std::string hook = s.repo + "/.git/hooks/pre-push";
  write_file(s.repo, ".git/hooks/pre-push", "#!/bin/sh\nexec '" + binary_path() + "' scan --pre-push \"$1\"\n");
  ASSERT_EQ(::chmod(hook.c_str(), 0755), 0);

  write_file(s.repo, "clean.py", "X = 1\n");
  git_commit_all(s.repo, "clean");
  auto r = git_try(s.repo, {"push", "-q", "origin", "main"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(rev(s.remote.path(), "main"), rev(s.repo, "HEAD"));

  write_file(s.repo, "db.py", "URL = '" + url_with("RealPushPw1357") + "'\n");
  git_commit_all(s.repo, "secret");
  r = git_try(s.repo, {"push", "-q", "origin", "main"});
  EXPECT_NE(r.exit_code, 0) << "push with a secret was accepted";
  EXPECT_NE((r.out + r.err).find("postgres-uri"), std::string::npos) << r.out << r.err;
  EXPECT_NE(rev(s.remote.path(), "main"), rev(s.repo, "HEAD"));

  // A new branch with the secret is blocked too; deleting a remote branch is not.
  r = git_try(s.repo, {"push", "-q", "origin", "main:refs/heads/other"});
  EXPECT_NE(r.exit_code, 0);
  git(s.repo, {"push", "-q", "--no-verify", "origin", "HEAD~1:refs/heads/gone"});
  r = git_try(s.repo, {"push", "-q", "origin", ":refs/heads/gone"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace dsnguard::test
