// End-to-end: `dsnguard scan --history` on real temporary repositories (issue 3): every blob once, with
// provenance (introducing commit, refs, at_head), shallow clones, missing objects, --since/--range/--all-objects.
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
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

Scan scan(const std::string& dir, const std::vector<std::string>& extra = {})
{
  std::vector<std::string> args{"scan", "--history", "--format", "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(dir);
  const auto r = dsnguard(args);
  Scan s;
  s.exit_code = r.exit_code;
  s.err = r.err;
  s.report = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(s.report.is_discarded()) << r.out << r.err;
  return s;
}

std::vector<json> findings_of(const json& report, const std::string& rule)
{
  std::vector<json> out;
  for (const auto& f : report["findings"]) {
    if (f["rule"] == rule) {
      out.push_back(f);
    }
  }
  return out;
}

bool has_ref(const json& occurrence, const std::string& ref)
{
  for (const auto& r : occurrence["refs"]) {
    if (r == ref) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST(HistoryScan, SecretAddedThenRemovedIsFoundWithTheAddingCommit)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "README.md", "hello\n");
  git_commit_all(dir.path(), "init");
  write_file(dir.path(), "app/settings.py", "DATABASE_URL = '" + url_with("Zq7mTn3vLp9xWk2r") + "'\n");
  const auto adding = git_commit_all(dir.path(), "add settings");
  write_file(dir.path(), "app/settings.py", "import os\nDATABASE_URL = os.environ['DATABASE_URL']\n");
  git_commit_all(dir.path(), "use the environment");

  const auto s = scan(dir.path());
  EXPECT_EQ(s.exit_code, 1) << s.err;
  EXPECT_EQ(s.report["mode"], "history");
  const auto fs = findings_of(s.report, "postgres-uri");
  ASSERT_EQ(fs.size(), 1u) << s.report.dump(2);
  EXPECT_EQ(fs[0]["path"], "app/settings.py");
  EXPECT_EQ(fs[0]["commit"], adding);
  ASSERT_EQ(fs[0]["occurrences"].size(), 1u);
  const auto& o = fs[0]["occurrences"][0];
  EXPECT_EQ(o["commit"], adding);
  EXPECT_EQ(o["author"], "Test Author <author@example.com>");
  EXPECT_GT(o["time"].get<std::int64_t>(), 0);
  EXPECT_FALSE(o["at_head"].get<bool>());
  EXPECT_TRUE(has_ref(o, "refs/heads/main"));
  EXPECT_EQ(s.report["summary"]["commits"], 3);
  EXPECT_EQ(s.report["summary"]["blobs"], 3);  // README, settings v1, settings v2
  // The secret never appears in the output (redacted by default).
  EXPECT_EQ(s.report.dump().find("Zq7mTn3vLp9xWk2r"), std::string::npos);
}

TEST(HistoryScan, SecretOnlyOnASideBranchInATagOrInTheStash)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "config.py", "DEBUG = True\n");
  git_commit_all(dir.path(), "init");

  // Side branch only.
  git(dir.path(), {"checkout", "-q", "-b", "side"});
  write_file(dir.path(), "side.py", "URL = '" + url_with("SideBranchPw8841") + "'\n");
  git_commit_all(dir.path(), "side");
  git(dir.path(), {"checkout", "-q", "main"});

  // Tag only (annotated tag on a commit no branch contains).
  git(dir.path(), {"checkout", "-q", "--detach"});
  write_file(dir.path(), "tagged.py", "URL = '" + url_with("TaggedOnlyPw5530") + "'\n");
  git_commit_all(dir.path(), "tagged");
  git(dir.path(), {"tag", "-a", "v1", "-m", "release"});
  git(dir.path(), {"checkout", "-q", "main"});

  // Stash only: an older entry (stash@{1}) and the newest (refs/stash).
  write_file(dir.path(), "config.py", "DEBUG = True\nURL = '" + url_with("OlderStashPw7712") + "'\n");
  git(dir.path(), {"stash", "-q"});
  write_file(dir.path(), "config.py", "DEBUG = True\nURL = '" + url_with("NewerStashPw9931") + "'\n");
  git(dir.path(), {"stash", "-q"});

  const auto s = scan(dir.path(), {"--no-redact"});
  EXPECT_EQ(s.exit_code, 1) << s.err;
  std::map<std::string, json> by_secret;
  for (const auto& f : findings_of(s.report, "postgres-uri")) {
    by_secret[f["match"].get<std::string>()] = f;
  }
  ASSERT_EQ(by_secret.size(), 4u) << s.report.dump(2);
  const auto refs_of = [&](const std::string& pw) { return by_secret.at(url_with(pw))["occurrences"][0]; };
  EXPECT_TRUE(has_ref(refs_of("SideBranchPw8841"), "refs/heads/side"));
  EXPECT_FALSE(has_ref(refs_of("SideBranchPw8841"), "refs/heads/main"));
  EXPECT_TRUE(has_ref(refs_of("TaggedOnlyPw5530"), "refs/tags/v1"));
  EXPECT_EQ(refs_of("TaggedOnlyPw5530")["refs"].size(), 1u);
  EXPECT_TRUE(has_ref(refs_of("NewerStashPw9931"), "refs/stash"));
  EXPECT_TRUE(has_ref(refs_of("OlderStashPw7712"), "refs/stash@{1}"));
  EXPECT_FALSE(has_ref(refs_of("OlderStashPw7712"), "refs/stash"));
}

// Two ways one secret meets 100 commits: one blob that 100 commits keep (scanned once, one occurrence), and 100
// different blobs that all contain it (one finding, 100 occurrences).
TEST(HistoryScan, OneSecretAcrossAHundredCommitsIsOneFinding)
{
  TempDir dir;
  git_init(dir.path());
  const std::string url = url_with("HundredTimesPw4471");
  // fast-import: one process instead of 200 git commands.
  std::string stream;
  for (int i = 1; i <= 100; ++i) {
    const std::string counter = "n = " + std::to_string(i) + "\n";
    const std::string changing = "URL = '" + url + "'\n" + counter;
    const std::string constant = "URL = '" + url + "'\n";
    stream += "commit refs/heads/main\n";
    stream += "committer Test Author <author@example.com> " + std::to_string(1700000000 + i) + " +0000\n";
    const std::string msg = "c" + std::to_string(i);
    stream += "data " + std::to_string(msg.size()) + "\n" + msg + "\n";
    stream += "M 100644 inline changing.py\ndata " + std::to_string(changing.size()) + "\n" + changing + "\n";
    stream += "M 100644 inline constant.py\ndata " + std::to_string(constant.size()) + "\n" + constant + "\n";
  }
  RunOptions o;
  o.stdin_data = stream;
  git(dir.path(), {"fast-import", "--quiet"}, o);

  const auto s = scan(dir.path(), {"--no-redact"});
  EXPECT_EQ(s.exit_code, 1) << s.err;
  EXPECT_EQ(s.report["summary"]["commits"], 100);
  EXPECT_EQ(s.report["summary"]["blobs"], 101);  // 100 versions of changing.py + constant.py once
  EXPECT_EQ(s.report["summary"]["files_scanned"], 101);
  const auto fs = findings_of(s.report, "postgres-uri");
  ASSERT_EQ(fs.size(), 1u) << s.report.dump(2);
  const auto& occ = fs[0]["occurrences"];
  ASSERT_EQ(occ.size(), 101u);
  std::size_t changing = 0;
  std::size_t constant = 0;
  std::set<std::string> commits;
  for (const auto& o2 : occ) {
    changing += o2["path"] == "changing.py";
    constant += o2["path"] == "constant.py";
    commits.insert(o2["commit"].get<std::string>());
  }
  EXPECT_EQ(changing, 100u);
  EXPECT_EQ(constant, 1u);       // one blob kept by 100 commits: introduced once
  EXPECT_EQ(commits.size(), 100u);
  EXPECT_EQ(occ[0]["time"], 1700000001);  // oldest first
}

TEST(HistoryScan, EnvFileCommittedThenDeleted)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "README.md", "x\n");
  git_commit_all(dir.path(), "init");
  write_file(dir.path(), "deploy/.env", "DEBUG=1\n");
  const auto adding = git_commit_all(dir.path(), "add env");
  write_file(dir.path(), "deploy/.env", "DEBUG=0\n");
  git_commit_all(dir.path(), "edit env");
  git(dir.path(), {"rm", "-q", "deploy/.env"});
  git_commit_all(dir.path(), "remove env");

  const auto s = scan(dir.path());
  EXPECT_EQ(s.exit_code, 1) << s.err;
  const auto fs = findings_of(s.report, "env-file");
  ASSERT_EQ(fs.size(), 1u) << s.report.dump(2);
  EXPECT_EQ(fs[0]["path"], "deploy/.env");
  EXPECT_EQ(fs[0]["commit"], adding);
  EXPECT_EQ(fs[0]["attributes"]["path_at_head"], "false");
  ASSERT_EQ(fs[0]["occurrences"].size(), 2u);  // both versions of the file
  EXPECT_EQ(fs[0]["occurrences"][0]["commit"], adding);
  EXPECT_TRUE(has_ref(fs[0]["occurrences"][0], "refs/heads/main"));
}

TEST(HistoryScan, RenamedFileKeepsBothPaths)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "old_name.py", "URL = '" + url_with("RenamedFilePw2290") + "'\n");
  const auto first = git_commit_all(dir.path(), "add");
  git(dir.path(), {"mv", "old_name.py", "new_name.py"});
  const auto second = git_commit_all(dir.path(), "rename");

  const auto s = scan(dir.path());
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_EQ(s.report["summary"]["blobs"], 1);  // same content: read once
  const auto fs = findings_of(s.report, "postgres-uri");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0]["path"], "old_name.py");
  const auto& occ = fs[0]["occurrences"];
  ASSERT_EQ(occ.size(), 2u);
  EXPECT_EQ(occ[0]["path"], "old_name.py");
  EXPECT_EQ(occ[0]["commit"], first);
  EXPECT_FALSE(occ[0]["at_head"].get<bool>());
  EXPECT_EQ(occ[1]["path"], "new_name.py");
  EXPECT_EQ(occ[1]["commit"], second);
  EXPECT_TRUE(occ[1]["at_head"].get<bool>());
}

TEST(HistoryScan, SecretFromAMergedBranchIsAttributedToTheBranchCommit)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "a.txt", "a\n");
  git_commit_all(dir.path(), "init");
  git(dir.path(), {"checkout", "-q", "-b", "feature"});
  write_file(dir.path(), "db.py", "URL = '" + url_with("MergedBranchPw6612") + "'\n");
  const auto feature = git_commit_all(dir.path(), "feature");
  git(dir.path(), {"checkout", "-q", "main"});
  write_file(dir.path(), "b.txt", "b\n");
  git_commit_all(dir.path(), "main moves");
  git(dir.path(), {"merge", "-q", "--no-ff", "-m", "merge feature", "feature"});

  const auto s = scan(dir.path());
  EXPECT_EQ(s.exit_code, 1);
  const auto fs = findings_of(s.report, "postgres-uri");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0]["commit"], feature);
  ASSERT_EQ(fs[0]["occurrences"].size(), 1u);
  EXPECT_TRUE(fs[0]["occurrences"][0]["at_head"].get<bool>());
  EXPECT_TRUE(has_ref(fs[0]["occurrences"][0], "refs/heads/main"));
  EXPECT_TRUE(has_ref(fs[0]["occurrences"][0], "refs/heads/feature"));
  EXPECT_EQ(s.report["summary"]["commits"], 4);
}

TEST(HistoryScan, BinaryBlobIsSkippedAndCounted)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "dump.bin", std::string("\0\1\2", 3) + url_with("BinaryBlobPw1180") + "\n");
  git_commit_all(dir.path(), "binary");
  const auto s = scan(dir.path());
  EXPECT_EQ(s.exit_code, 0) << s.report.dump(2);
  EXPECT_EQ(s.report["summary"]["binary_skipped"], 1);
  ASSERT_EQ(s.report["skipped"].size(), 1u);
  EXPECT_EQ(s.report["skipped"][0]["path"], "dump.bin");
  EXPECT_EQ(s.report["skipped"][0]["reason"], "binary");
}

TEST(HistoryScan, ShallowCloneScansWhatExistsAndSaysHistoryIsPartial)
{
  TempDir origin;
  git_init(origin.path());
  write_file(origin.path(), "old.py", "URL = '" + url_with("BeforeBoundaryPw31") + "'\n");
  git_commit_all(origin.path(), "old secret");
  git(origin.path(), {"rm", "-q", "old.py"});
  git_commit_all(origin.path(), "remove");
  write_file(origin.path(), "a.txt", "clean\n");
  git_commit_all(origin.path(), "clean tip");

  TempDir clone;
  git(clone.path(), {"clone", "-q", "--depth", "1", "file://" + origin.path(), "c"});
  const std::string c = clone / "c";
  const auto s = scan(c);
  // The old secret is beyond the shallow boundary: nothing found, and the run says it is incomplete.
  EXPECT_EQ(s.exit_code, 3) << s.err;
  EXPECT_TRUE(s.report["findings"].empty());
  EXPECT_TRUE(s.report["summary"]["partial_history"].get<bool>());
  const std::string notes = s.report["summary"]["notes"].dump();
  EXPECT_NE(notes.find("fetch-depth: 0"), std::string::npos);
  EXPECT_NE(notes.find("GIT_DEPTH: 0"), std::string::npos);
  EXPECT_NE(notes.find("--unshallow"), std::string::npos);
  EXPECT_EQ(s.report["summary"]["commits"], 1);

  // A finding inside the shallow part: exit 1 (findings win over partial history).
  write_file(c, "new.py", "URL = '" + url_with("AfterBoundaryPw772") + "'\n");
  git_commit_all(c, "new secret");
  const auto t = scan(c);
  EXPECT_EQ(t.exit_code, 1);
  EXPECT_EQ(findings_of(t.report, "postgres-uri").size(), 1u);
  EXPECT_TRUE(t.report["summary"]["partial_history"].get<bool>());
}

TEST(HistoryScan, MissingObjectIsReportedByIdAndTheRestIsScanned)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "gone.txt", "this blob will be deleted\n");
  write_file(dir.path(), "db.py", "URL = '" + url_with("StillScannedPw8810") + "'\n");
  git_commit_all(dir.path(), "two files");
  const std::string id = trim_newlines(git(dir.path(), {"rev-parse", "HEAD:gone.txt"}));
  const std::string loose = dir / (".git/objects/" + id.substr(0, 2) + "/" + id.substr(2));
  ASSERT_TRUE(std::filesystem::exists(loose));
  std::filesystem::remove(loose);

  const auto s = scan(dir.path());
  EXPECT_EQ(s.exit_code, 3) << s.err;  // incomplete wins, and the finding is still reported
  EXPECT_TRUE(s.report["summary"]["incomplete"].get<bool>());
  bool reported = false;
  for (const auto& k : s.report["skipped"]) {
    reported |= k["path"] == id && k["reason"] == "missing-object";
  }
  EXPECT_TRUE(reported) << s.report["skipped"].dump();
  EXPECT_EQ(findings_of(s.report, "postgres-uri").size(), 1u);
  EXPECT_NE(s.err.find(id), std::string::npos);
}

TEST(HistoryScan, SinceAndRangeLimitToBlobsThoseCommitsIntroduce)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "one.py", "URL = '" + url_with("FirstCommitPw1234") + "'\n");
  const auto c1 = git_commit_all(dir.path(), "one");
  write_file(dir.path(), "two.txt", "clean\n");
  const auto c2 = git_commit_all(dir.path(), "two");
  write_file(dir.path(), "three.py", "URL = '" + url_with("ThirdCommitPw5678") + "'\n");
  const auto c3 = git_commit_all(dir.path(), "three");

  const auto since = scan(dir.path(), {"--since", c2, "--no-redact"});
  EXPECT_EQ(since.exit_code, 1);
  auto fs = findings_of(since.report, "postgres-uri");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0]["path"], "three.py");
  EXPECT_EQ(fs[0]["commit"], c3);
  EXPECT_EQ(since.report["summary"]["commits"], 1);
  EXPECT_FALSE(since.report["summary"]["partial_history"].get<bool>());

  const auto middle = scan(dir.path(), {"--range", c1 + ".." + c2});
  EXPECT_EQ(middle.exit_code, 0) << middle.report.dump(2);
  EXPECT_EQ(middle.report["summary"]["blobs"], 1);  // only two.txt: one.py was already there

  const auto first = scan(dir.path(), {"--range", ".." + c1});
  EXPECT_EQ(first.exit_code, 1) << first.err << first.report.dump(2);

  const auto bad = dsnguard({"scan", "--history", "--range", "nope..HEAD", dir.path()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("nope"), std::string::npos);
}

TEST(HistoryScan, AllObjectsAlsoScansUnreachableBlobs)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "a.txt", "a\n");
  git_commit_all(dir.path(), "init");
  write_file(dir.path(), "orphan.py", "URL = '" + url_with("UnreachablePw9090") + "'\n");
  git(dir.path(), {"hash-object", "-w", "orphan.py"});
  std::filesystem::remove(dir / "orphan.py");

  const auto reachable = scan(dir.path());
  EXPECT_EQ(reachable.exit_code, 0);
  EXPECT_EQ(reachable.report["summary"]["blobs"], 1);
  const auto all = scan(dir.path(), {"--all-objects"});
  EXPECT_EQ(all.exit_code, 1) << all.report.dump(2);
  EXPECT_EQ(all.report["summary"]["blobs"], 2);
  EXPECT_EQ(findings_of(all.report, "postgres-uri").size(), 1u);
}

}  // namespace dsnguard::test
