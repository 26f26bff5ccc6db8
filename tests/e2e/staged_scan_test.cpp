// End-to-end: `dsnguard scan --staged` (issue 3): the index, not the work tree; only added lines; the index
// git names in GIT_INDEX_FILE during `git commit -a` / `git commit <path>`, checked through a real hook.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/process.hpp"

namespace dsnguard::test {

namespace {

using nlohmann::json;

std::string url_with(const std::string& password)
{
  return "postgres://app:" + password + "@db.prod.internal:5432/app";
}

struct Scan {
  int exit_code = -1;
  json report;
  std::string err;
};

Scan staged(const std::string& dir, const RunOptions& options = {})
{
  RunOptions o = options;
  o.cwd = dir;
  const auto r = dsnguard({"scan", "--staged", "--format", "json"}, o);
  Scan s{r.exit_code, json::parse(r.out, nullptr, false), r.err};
  EXPECT_FALSE(s.report.is_discarded()) << r.out << r.err;
  return s;
}

std::size_t count_rule(const json& report, const std::string& rule)
{
  std::size_t n = 0;
  for (const auto& f : report["findings"]) {
    n += f["rule"] == rule;
  }
  return n;
}

// `git` that may fail (the helper in support/ asserts success), with the test identity.
RunResult git_try(const std::string& dir, const std::vector<std::string>& args)
{
  std::vector<std::string> argv{"git", "-C", dir};
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions o;
  o.env["GIT_CONFIG_NOSYSTEM"] = "1";
  o.env["GIT_CONFIG_GLOBAL"] = "/dev/null";
  o.env["GIT_AUTHOR_NAME"] = "Test Author";
  o.env["GIT_AUTHOR_EMAIL"] = "author@example.com";
  o.env["GIT_COMMITTER_NAME"] = "Test Author";
  o.env["GIT_COMMITTER_EMAIL"] = "author@example.com";
  o.env["NO_COLOR"] = "1";
  o.unset_env = {"GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE"};
  return run(argv, o);
}

std::string head_of(const std::string& dir)
{
  auto id = git(dir, {"rev-parse", "HEAD"});
  while (!id.empty() && id.back() == '\n') {
    id.pop_back();
  }
  return id;
}

}  // namespace

TEST(StagedScan, SecretStagedThenRemovedFromTheWorktreeIsReported)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "README.md", "x\n");
  git_commit_all(dir.path(), "init");
  write_file(dir.path(), "app.py", "URL = '" + url_with("StagedOnlyPw4410") + "'\n");
  git(dir.path(), {"add", "app.py"});
  write_file(dir.path(), "app.py", "URL = os.environ['DATABASE_URL']\n");
  const auto s = staged(dir.path());
  EXPECT_EQ(s.exit_code, 1) << s.err;
  EXPECT_EQ(s.report["mode"], "staged");
  EXPECT_EQ(count_rule(s.report, "postgres-uri"), 1u) << s.report.dump(2);
}

TEST(StagedScan, SecretOnlyInTheWorktreeIsNotReported)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "app.py", "URL = None\n");
  git_commit_all(dir.path(), "init");
  write_file(dir.path(), "app.py", "URL = '" + url_with("WorktreeOnlyPw5521") + "'\n");
  write_file(dir.path(), "new.py", "URL = '" + url_with("UntrackedPw5522") + "'\n");
  const auto s = staged(dir.path());
  EXPECT_EQ(s.exit_code, 0) << s.report.dump(2);
  EXPECT_TRUE(s.report["findings"].empty());
}

TEST(StagedScan, OnlyAddedLinesReport)
{
  TempDir dir;
  git_init(dir.path());
  // Already committed (a history problem, not this commit's).
  write_file(dir.path(), "settings.py", "A = 1\nURL = '" + url_with("AlreadyCommittedPw9") + "'\nB = 2\n");
  git_commit_all(dir.path(), "init");
  write_file(dir.path(), "settings.py", "A = 1\nURL = '" + url_with("AlreadyCommittedPw9") + "'\nB = 3\n");
  git(dir.path(), {"add", "settings.py"});
  const auto clean = staged(dir.path());
  EXPECT_EQ(clean.exit_code, 0) << clean.report.dump(2);
  EXPECT_EQ(clean.report["summary"]["files_scanned"], 1);

  write_file(dir.path(), "settings.py",
             "A = 1\nURL = '" + url_with("AlreadyCommittedPw9") + "'\nB = 3\nC = '" + url_with("NewlyAddedPw7781") + "'\n");
  git(dir.path(), {"add", "settings.py"});
  const auto added = staged(dir.path());
  EXPECT_EQ(added.exit_code, 1);
  ASSERT_EQ(count_rule(added.report, "postgres-uri"), 1u) << added.report.dump(2);
  EXPECT_EQ(added.report["findings"][0]["line"], 4);

  // A pure rename adds nothing.
  git(dir.path(), {"reset", "-q", "--hard"});
  git(dir.path(), {"mv", "settings.py", "moved.py"});
  const auto moved = staged(dir.path());
  EXPECT_EQ(moved.exit_code, 0) << moved.report.dump(2);
}

// The fast path skips directories whose cache-tree matches HEAD: nested changes must still be seen, already
// committed secrets elsewhere must not be re-read, and a moved directory adds nothing.
TEST(StagedScan, UnchangedDirectoriesAreSkippedNestedChangesAreSeen)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "a/old.py", "URL = '" + url_with("CommittedLongAgoPw1") + "'\n");
  write_file(dir.path(), "b/c/d.py", "X = 1\n");
  write_file(dir.path(), "b/e.py", "Y = 1\n");
  git_commit_all(dir.path(), "init");
  write_file(dir.path(), "b/c/d.py", "X = 1\nURL = '" + url_with("NestedChangePw2") + "'\n");
  git(dir.path(), {"add", "b/c/d.py"});
  const auto s = staged(dir.path());
  EXPECT_EQ(s.exit_code, 1);
  ASSERT_EQ(s.report["findings"].size(), 1u) << s.report.dump(2);
  EXPECT_EQ(s.report["findings"][0]["path"], "b/c/d.py");
  EXPECT_EQ(s.report["findings"][0]["line"], 2);
  EXPECT_EQ(s.report["summary"]["files_scanned"], 1);

  git(dir.path(), {"reset", "-q", "--hard"});
  git(dir.path(), {"mv", "a", "renamed_dir"});
  const auto moved = staged(dir.path());
  EXPECT_EQ(moved.exit_code, 0) << moved.report.dump(2);
  EXPECT_EQ(moved.report["summary"]["files_scanned"], 0);

  // A copy is new content at a new path (the original stays): reported.
  git(dir.path(), {"reset", "-q", "--hard"});
  std::filesystem::copy_file(dir / "a/old.py", dir / "b/copy.py");
  git(dir.path(), {"add", "b/copy.py"});
  EXPECT_EQ(staged(dir.path()).exit_code, 1);
}

// The cache-tree fast path (index v2/v3) and libgit2's tree-to-index diff (used for index v4) must find the same
// staged content: deep and shallow edits, new directories, deletions, moves across directories, mode changes.
TEST(StagedScan, CacheTreeFastPathAgreesWithLibgit2Diff)
{
  TempDir dir;
  git_init(dir.path());
  for (int d = 0; d < 12; ++d) {
    for (int f = 0; f < 5; ++f) {
      std::string path = "d";
      path.append(std::to_string(d)).append("/s").append(std::to_string(f % 2)).append("/f");
      path.append(std::to_string(f)).append(".py");
      std::string text = "value = ";
      text.append(std::to_string(d * 10 + f)).append("\n");
      write_file(dir.path(), path, text);
    }
  }
  write_file(dir.path(), "d3/s0/keep.py", "URL = '" + url_with("CommittedMovedPw7") + "'\n");
  write_file(dir.path(), "d3-x.py", "sorts between d3 and d3/\n");
  write_file(dir.path(), "top.py", "z = 0\n");
  git_commit_all(dir.path(), "init");

  write_file(dir.path(), "d1/s1/f1.py", "value = 11\nURL = '" + url_with("DeepEditPw1") + "'\n");
  write_file(dir.path(), "top.py", "z = 0\nURL = '" + url_with("TopEditPw2") + "'\n");
  write_file(dir.path(), "new/dir/n.py", "URL = '" + url_with("NewDirPw3") + "'\n");
  write_file(dir.path(), "d3-x.py", "sorts between d3 and d3/\nURL = '" + url_with("SiblingPw4") + "'\n");
  git(dir.path(), {"add", "-A"});
  git(dir.path(), {"rm", "-q", "d5/s0/f0.py"});
  git(dir.path(), {"mv", "d3/s0/keep.py", "d7/moved.py"});
  git(dir.path(), {"update-index", "--chmod=+x", "d9/s0/f2.py"});

  const auto fast = staged(dir.path());
  git(dir.path(), {"update-index", "--index-version", "4"});
  const auto slow = staged(dir.path());
  ASSERT_EQ(fast.exit_code, 1) << fast.err;
  EXPECT_EQ(slow.exit_code, fast.exit_code) << slow.err;
  const auto summary = [](const json& report) {
    std::vector<std::string> out;
    for (const auto& f : report["findings"]) {
      out.push_back(f["path"].get<std::string>() + ":" + std::to_string(f["line"].get<int>()) + ":"
                    + f["rule"].get<std::string>());
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  const auto found = summary(fast.report);
  ASSERT_EQ(found.size(), 4u) << fast.report.dump(2);
  EXPECT_EQ(found[0].rfind("d1/s1/f1.py:2:", 0), 0u);
  EXPECT_EQ(found[1].rfind("d3-x.py:2:", 0), 0u);
  EXPECT_EQ(found[2].rfind("new/dir/n.py:1:", 0), 0u);
  EXPECT_EQ(found[3].rfind("top.py:2:", 0), 0u);
  EXPECT_EQ(summary(slow.report), found);
  EXPECT_EQ(slow.report["summary"]["files_scanned"], fast.report["summary"]["files_scanned"]);
}

TEST(StagedScan, UnbornHeadAndNewEnvFile)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "db.py", "URL = '" + url_with("FirstCommitPw3321") + "'\n");
  write_file(dir.path(), "config/.env", "DEBUG=1\n");
  git(dir.path(), {"add", "-A"});
  const auto s = staged(dir.path());
  EXPECT_EQ(s.exit_code, 1) << s.err;
  EXPECT_EQ(count_rule(s.report, "postgres-uri"), 1u);
  EXPECT_EQ(count_rule(s.report, "env-file"), 1u) << s.report.dump(2);
}

TEST(StagedScan, IntentToAddAndSubmodulesAreSkipped)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "a.txt", "a\n");
  git_commit_all(dir.path(), "init");
  write_file(dir.path(), "later.py", "URL = '" + url_with("IntentToAddPw1212") + "'\n");
  git(dir.path(), {"add", "-N", "later.py"});
  TempDir inner;
  git_init(inner.path());
  write_file(inner.path(), "x.txt", "x\n");
  git_commit_all(inner.path(), "inner");
  git(dir.path(), {"-c", "protocol.file.allow=always", "submodule", "add", "-q", inner.path(), "mod"});
  const auto s = staged(dir.path());
  EXPECT_EQ(s.exit_code, 0) << s.report.dump(2);
  bool submodule = false;
  for (const auto& k : s.report["skipped"]) {
    submodule |= k["path"] == "mod" && k["reason"] == "submodule";
  }
  EXPECT_TRUE(submodule) << s.report["skipped"].dump();
}

TEST(StagedScan, HonoursGitIndexFileRelativeAndAbsolute)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "a.py", "A = 1\n");
  git_commit_all(dir.path(), "init");
  // A second index with the secret; the repository's own index stays clean.
  write_file(dir.path(), "a.py", "A = '" + url_with("OtherIndexPw6060") + "'\n");
  RunOptions with_index;
  with_index.env["GIT_INDEX_FILE"] = dir / ".git/other-index";
  git(dir.path(), {"read-tree", "HEAD"}, with_index);
  git(dir.path(), {"add", "a.py"}, with_index);
  git(dir.path(), {"checkout", "--", "a.py"});

  EXPECT_EQ(staged(dir.path()).exit_code, 0);
  // dsnguard() clears GIT_INDEX_FILE from the inherited environment; set it explicitly through a shell.
  const auto absolute = run({"env", "GIT_INDEX_FILE=" + (dir / ".git/other-index"), binary_path(), "scan", "--staged", dir.path()});
  EXPECT_EQ(absolute.exit_code, 1) << absolute.out << absolute.err;
  RunOptions in_root;
  in_root.cwd = dir.path();
  const auto relative = run({"env", "GIT_INDEX_FILE=.git/other-index", binary_path(), "scan", "--staged"}, in_root);
  EXPECT_EQ(relative.exit_code, 1) << relative.out << relative.err;
  const auto missing = run({"env", "GIT_INDEX_FILE=.git/no-such-index", binary_path(), "scan", "--staged"}, in_root);
  EXPECT_EQ(missing.exit_code, 3) << missing.err;
}

// The real thing: a pre-commit hook script that runs the binary, with whatever GIT_INDEX_FILE git exports for
// `git commit`, `git commit -a` and `git commit <path>`.
TEST(StagedScan, PreCommitHookBlocksSecretsInEveryCommitMode)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "a.py", "A = 1\n");
  write_file(dir.path(), "b.py", "B = 1\n");
  git_commit_all(dir.path(), "init");
  const std::string hook = dir / ".git/hooks/pre-commit";
  write_file(dir.path(), ".git/hooks/pre-commit", "#!/bin/sh\nexec '" + binary_path() + "' scan --staged\n");
  ASSERT_EQ(::chmod(hook.c_str(), 0755), 0);
  const std::string before = head_of(dir.path());

  // git commit -a: the temporary index (.git/index.lock) holds the secret, .git/index does not.
  write_file(dir.path(), "a.py", "A = '" + url_with("CommitDashAPw3030") + "'\n");
  auto r = git_try(dir.path(), {"commit", "-q", "-a", "-m", "secret via -a"});
  EXPECT_NE(r.exit_code, 0) << "commit -a with a secret was accepted";
  EXPECT_NE((r.out + r.err).find("postgres-uri"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(head_of(dir.path()), before);

  // git commit <path>: a next-index-<pid>.lock.
  r = git_try(dir.path(), {"commit", "-q", "a.py", "-m", "secret via path"});
  EXPECT_NE(r.exit_code, 0) << "commit <path> with a secret was accepted";
  EXPECT_NE((r.out + r.err).find("postgres-uri"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(head_of(dir.path()), before);

  // Staged secret, clean work tree (.git/index relative).
  git(dir.path(), {"add", "a.py"});
  write_file(dir.path(), "a.py", "A = 2\n");
  r = git_try(dir.path(), {"commit", "-q", "-m", "staged secret"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE((r.out + r.err).find("postgres-uri"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(head_of(dir.path()), before);

  // Clean changes pass through every mode.
  git(dir.path(), {"add", "a.py"});
  r = git_try(dir.path(), {"commit", "-q", "-m", "clean"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  write_file(dir.path(), "b.py", "B = 2\n");
  r = git_try(dir.path(), {"commit", "-q", "-a", "-m", "clean -a"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  write_file(dir.path(), "b.py", "B = 3\n");
  r = git_try(dir.path(), {"commit", "-q", "b.py", "-m", "clean path"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(head_of(dir.path()), before);
}

// The staged scan reads the index with the working-tree listing's reader (sources/index_entries.hpp) and leaves
// what it declines to libgit2. An index damaged in a way libgit2 refuses (here an unknown mandatory extension,
// with a correct checksum) ends the scan with libgit2's error, exit 3, as in the working-tree scan; the staged
// scan's former reader skipped the extension and scanned.
TEST(StagedScan, IndexLibgit2RefusesIsItsErrorAndExit3)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "d/a.py", "A = 1\n");
  git_commit_all(dir.path(), "init");
  write_file(dir.path(), "d/a.py", "A = '" + url_with("DamagedIndexPw5151") + "'\n");
  git(dir.path(), {"add", "d/a.py"});
  ASSERT_EQ(staged(dir.path()).exit_code, 1);

  const std::string index = read_file(dir / ".git/index");
  write_file(dir.path(), "body.bin", index.substr(0, index.size() - 20) + std::string("zzzz\0\0\0\0", 8));
  const std::string hex = run({"sha1sum", dir / "body.bin"}).out.substr(0, 40);
  std::string damaged = read_file(dir / "body.bin");
  for (std::size_t i = 0; i < 40; i += 2) {
    damaged.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  write_file(dir.path(), ".git/index", damaged);
  RunOptions o;
  o.cwd = dir.path();
  const auto r = dsnguard({"scan", "--staged"}, o);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("cannot read the index '" + dir.path() + "/.git/index': unsupported mandatory extension"),
            std::string::npos)
      << r.err;
}

}  // namespace dsnguard::test
