// End-to-end bad-input matrix (issue 7): each case feeds the built binary something broken or unusual and
// checks a clear one-line message naming the thing, the documented exit code, and that everything else was
// still scanned (a planted secret elsewhere is still reported).
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/process.hpp"

namespace dsnguard::test {

namespace {

namespace fs = std::filesystem;

// A real-looking credential on a real-looking host: always reported at high confidence.
const std::string k_password = "Zq8vLm3Tx9Kp";
const std::string k_url = "postgresql://app:" + k_password + "@db.prod-cluster.acme-corp.net:5432/app";

// A repository with one committed file holding the planted secret.
void planted_repo(const std::string& dir)
{
  git_init(dir);
  write_file(dir, "app/settings.py", "DATABASE_URL = \"" + k_url + "\"\n");
  git_commit_all(dir, "settings");
}

nlohmann::json json_of(const RunResult& r)
{
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "not JSON: " << r.out << r.err;
  return j;
}

bool has_finding_in(const nlohmann::json& j, const std::string& path)
{
  if (!j.contains("findings")) {
    return false;
  }
  for (const auto& f : j["findings"]) {
    if (f["path"] == path) {
      return true;
    }
  }
  return false;
}

bool skipped_with(const nlohmann::json& j, const std::string& path_part, const std::string& reason)
{
  for (const auto& s : j["skipped"]) {
    if (s["path"].get<std::string>().find(path_part) != std::string::npos && s["reason"] == reason) {
      return true;
    }
  }
  return false;
}

std::size_t lines(const std::string& s)
{
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

// Loose object file path of `oid` in `repo`.
std::string loose_path(const std::string& repo, std::string oid)
{
  while (!oid.empty() && (oid.back() == '\n' || oid.back() == '\r')) {
    oid.pop_back();
  }
  return repo + "/.git/objects/" + oid.substr(0, 2) + "/" + oid.substr(2);
}

std::string trimmed(std::string s)
{
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
    s.pop_back();
  }
  return s;
}

}  // namespace

// --- Git object store damage -------------------------------------------------------------------------------

TEST(BadInput, CorruptLooseObjectIsNamedAndTheRestIsScanned)
{
  TempDir repo;
  planted_repo(repo.path());
  write_file(repo.path(), "notes.txt", "harmless\n");
  git_commit_all(repo.path(), "notes");
  const std::string oid = trimmed(git(repo.path(), {"rev-parse", "HEAD:notes.txt"}));
  const std::string file = loose_path(repo.path(), oid);
  ::chmod(file.c_str(), 0644);
  write_file(repo.path(), ".git/objects/" + oid.substr(0, 2) + "/" + oid.substr(2), "this is not zlib data");
  const auto r = dsnguard({"scan", "--history", "--format", "json", repo.path()});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find(oid.substr(0, 12)), std::string::npos) << r.err;
  EXPECT_TRUE(has_finding_in(json_of(r), "app/settings.py"));
}

TEST(BadInput, MissingObjectIsReportedByIdAndTheRestIsScanned)
{
  TempDir repo;
  planted_repo(repo.path());
  write_file(repo.path(), "gone.txt", "will vanish\n");
  git_commit_all(repo.path(), "gone");
  const std::string oid = trimmed(git(repo.path(), {"rev-parse", "HEAD:gone.txt"}));
  fs::remove(loose_path(repo.path(), oid));
  const auto r = dsnguard({"scan", "--history", "--format", "json", repo.path()});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find(oid.substr(0, 12)), std::string::npos) << r.err;
  const auto j = json_of(r);
  EXPECT_TRUE(has_finding_in(j, "app/settings.py"));
  EXPECT_TRUE(skipped_with(j, oid.substr(0, 12), "missing-object")) << j["skipped"].dump();
}

TEST(BadInput, TruncatedPackIsReportedAndLooseObjectsAreStillScanned)
{
  TempDir repo;
  git_init(repo.path());
  write_file(repo.path(), "packed.txt", std::string(4096, 'x') + "\n");
  git_commit_all(repo.path(), "packed");
  git(repo.path(), {"gc", "-q", "--aggressive"});
  // The secret arrives after gc: a loose object, readable whatever happens to the pack.
  write_file(repo.path(), "app/settings.py", "DATABASE_URL = \"" + k_url + "\"\n");
  git_commit_all(repo.path(), "settings");
  for (const auto& e : fs::directory_iterator(repo / ".git/objects/pack")) {
    if (e.path().extension() == ".pack") {
      fs::resize_file(e.path(), fs::file_size(e.path()) / 2);
    }
  }
  const auto r = dsnguard({"scan", "--history", "--format", "json", repo.path()});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_FALSE(r.err.empty());
  EXPECT_TRUE(has_finding_in(json_of(r), "app/settings.py")) << r.out;
}

TEST(BadInput, ShallowCloneSaysHistoryIsPartial)
{
  TempDir origin;
  planted_repo(origin.path());
  write_file(origin.path(), "b.txt", "b\n");
  git_commit_all(origin.path(), "b");
  TempDir parent;
  const std::string clone = parent / "clone";
  run({"git", "clone", "-q", "--depth", "1", "file://" + origin.path(), clone});
  const auto r = dsnguard({"scan", "--history", clone});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // findings win over partial history
  EXPECT_NE(r.out.find("fetch-depth: 0"), std::string::npos) << r.out;
  // Without findings, partial history is "incomplete".
  TempDir clean_origin;
  git_init(clean_origin.path());
  write_file(clean_origin.path(), "a.txt", "a\n");
  git_commit_all(clean_origin.path(), "a");
  write_file(clean_origin.path(), "a.txt", "b\n");
  git_commit_all(clean_origin.path(), "b");
  const std::string clean_clone = parent / "clean";
  run({"git", "clone", "-q", "--depth", "1", "file://" + clean_origin.path(), clean_clone});
  EXPECT_EQ(dsnguard({"scan", "--history", clean_clone}).exit_code, 3);
}

// --- Repository shapes -------------------------------------------------------------------------------------

TEST(BadInput, BareRepositoryWorktreeScanIsAUsageErrorHistoryWorks)
{
  TempDir origin;
  planted_repo(origin.path());
  TempDir parent;
  const std::string bare = parent / "bare.git";
  run({"git", "clone", "-q", "--bare", origin.path(), bare});
  const auto wt = dsnguard({"scan", bare});
  EXPECT_EQ(wt.exit_code, 2);
  EXPECT_EQ(lines(wt.err), 1u) << wt.err;
  EXPECT_NE(wt.err.find("bare"), std::string::npos) << wt.err;
  EXPECT_EQ(dsnguard({"scan", "--history", bare}).exit_code, 1);
}

TEST(BadInput, LinkedWorktreeIsScanned)
{
  TempDir repo;
  planted_repo(repo.path());
  TempDir parent;
  const std::string linked = parent / "linked";
  git(repo.path(), {"worktree", "add", "-q", linked});
  const auto r = dsnguard({"scan", "--format", "json", linked});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(has_finding_in(json_of(r), "app/settings.py"));
  EXPECT_EQ(dsnguard({"scan", "--history", linked}).exit_code, 1);
}

TEST(BadInput, SubmoduleIsListedNotEntered)
{
  TempDir sub;
  git_init(sub.path());
  write_file(sub.path(), "inner.py", "URL = \"postgresql://inner:Hq7Wm2Lp9Xz4@db.inner-corp.net/x\"\n");
  git_commit_all(sub.path(), "inner");
  TempDir repo;
  planted_repo(repo.path());
  git(repo.path(), {"-c", "protocol.file.allow=always", "submodule", "add", "-q", sub.path(), "vendor/inner"});
  git_commit_all(repo.path(), "submodule");
  const auto r = dsnguard({"scan", "--format", "json", repo.path()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto j = json_of(r);
  EXPECT_TRUE(has_finding_in(j, "app/settings.py"));
  EXPECT_FALSE(has_finding_in(j, "vendor/inner/inner.py"));
  EXPECT_TRUE(skipped_with(j, "vendor/inner", "submodule")) << j["skipped"].dump();
}

TEST(BadInput, UnbornHeadEmptyRepositoryAndDetachedHead)
{
  TempDir empty;
  git_init(empty.path());
  const auto e = dsnguard({"scan", "--format", "json", empty.path()});
  EXPECT_EQ(e.exit_code, 0) << e.err;
  EXPECT_EQ(json_of(e)["summary"]["files_scanned"], 0);
  EXPECT_EQ(dsnguard({"scan", "--history", empty.path()}).exit_code, 0);
  EXPECT_EQ(dsnguard({"scan", "--staged", empty.path()}, RunOptions{empty.path(), "", {}, {}, 60}).exit_code, 0);

  TempDir unborn;
  git_init(unborn.path());
  write_file(unborn.path(), "app/settings.py", "DATABASE_URL = \"" + k_url + "\"\n");
  git(unborn.path(), {"add", "-A"});
  RunOptions in_unborn;
  in_unborn.cwd = unborn.path();
  EXPECT_EQ(dsnguard({"scan", "--staged"}, in_unborn).exit_code, 1);
  EXPECT_EQ(dsnguard({"scan", unborn.path()}).exit_code, 1);

  TempDir detached;
  planted_repo(detached.path());
  write_file(detached.path(), "b.txt", "b\n");
  git_commit_all(detached.path(), "b");
  git(detached.path(), {"checkout", "-q", "--detach", "HEAD~1"});
  EXPECT_EQ(dsnguard({"scan", detached.path()}).exit_code, 1);
  EXPECT_EQ(dsnguard({"scan", "--history", detached.path()}).exit_code, 1);
}

TEST(BadInput, RunFromASubdirectoryAndWithGitDirSet)
{
  TempDir repo;
  planted_repo(repo.path());
  RunOptions sub;
  sub.cwd = repo / "app";
  const auto r = dsnguard({"scan", "--format", "json"}, sub);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(has_finding_in(json_of(r), "app/settings.py"));  // paths stay repo-relative

  // GIT_DIR set, run from somewhere else: the history scan reads that repository.
  TempDir elsewhere;
  std::vector<std::string> argv{binary_path(), "scan", "--history", "--format", "json"};
  RunOptions o;
  o.cwd = elsewhere.path();
  o.env["GIT_DIR"] = repo / ".git";
  o.env["NO_COLOR"] = "1";
  const auto g = run(argv, o);
  EXPECT_EQ(g.exit_code, 1) << g.err << g.out;
}

// --- Files ---------------------------------------------------------------------------------------------------

TEST(BadInput, SymlinkLoopAndSymlinkOutOfTheRepo)
{
  TempDir outside;
  write_file(outside.path(), "secret.env", "DATABASE_URL=postgresql://out:Pw9Lq2Xz7Hk3@db.outside-corp.net/x\n");
  TempDir repo;
  planted_repo(repo.path());
  fs::create_symlink("loop_b", repo / "loop_a");
  fs::create_symlink("loop_a", repo / "loop_b");
  fs::create_symlink(outside / "secret.env", repo / "linked.env");
  git_commit_all(repo.path(), "links");
  const auto r = dsnguard({"scan", "--format", "json", repo.path()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto j = json_of(r);
  EXPECT_TRUE(has_finding_in(j, "app/settings.py"));
  for (const auto& f : j["findings"]) {
    EXPECT_EQ(f["match"].get<std::string>().find("db.outside-corp.net"), std::string::npos) << "followed a link out";
  }
  EXPECT_TRUE(skipped_with(j, "linked.env", "symlink-outside-root")) << j["skipped"].dump();
  // --no-git walks the directory: the loop must not hang and the outside file is not read either.
  const auto n = dsnguard({"scan", "--no-git", "--format", "json", repo.path()});
  EXPECT_EQ(n.exit_code, 1) << n.err;
  EXPECT_TRUE(has_finding_in(json_of(n), "app/settings.py"));
}

TEST(BadInput, FileNamesWithNewlinesAndInvalidUtf8)
{
  TempDir repo;
  git_init(repo.path());
  write_file(repo.path(), "bad\nname.py", "URL = \"" + k_url + "\"\n");
  write_file(repo.path(), "caf\xff.py", "URL = \"" + k_url + "\"\n");
  git_commit_all(repo.path(), "odd names");
  const auto r = dsnguard({"scan", repo.path()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  // Text output escapes the bytes instead of breaking the line structure.
  EXPECT_NE(r.out.find("bad\\x0Aname.py:1:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("caf\\xFF.py:1:"), std::string::npos) << r.out;
  const auto j = json_of(dsnguard({"scan", "--format", "json", repo.path()}));
  EXPECT_TRUE(has_finding_in(j, "bad\nname.py"));
  EXPECT_EQ(j["findings"].size(), 2u);
  EXPECT_EQ(dsnguard({"scan", "--history", repo.path()}).exit_code, 1);
}

TEST(BadInput, Utf16AndCrlfFilesAreScanned)
{
  TempDir repo;
  git_init(repo.path());
  std::string utf16("\xFF\xFE", 2);
  for (char c : "DATABASE_URL=" + k_url + "\r\n") {
    utf16.push_back(c);
    utf16.push_back('\0');
  }
  write_file(repo.path(), "win.env.txt", utf16);
  write_file(repo.path(), "crlf.py", "# header\r\n\r\nURL = \"" + k_url + "\"\r\n");
  git_commit_all(repo.path(), "encodings");
  const auto r = dsnguard({"scan", "--format", "json", "--no-redact", repo.path()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto j = json_of(r);
  EXPECT_TRUE(has_finding_in(j, "win.env.txt")) << r.out;
  bool crlf = false;
  for (const auto& f : j["findings"]) {
    if (f["path"] == "crlf.py") {
      crlf = true;
      EXPECT_EQ(f["line"], 3);
      EXPECT_EQ(f["secret"], k_password);
      EXPECT_EQ(f["match"].get<std::string>().find('\r'), std::string::npos);
    }
  }
  EXPECT_TRUE(crlf);
}

TEST(BadInput, HugeSparseFileIsSkippedQuicklyNotRead)
{
  TempDir repo;
  planted_repo(repo.path());
  {
    std::ofstream f(repo / "huge.bin", std::ios::binary);
  }
  fs::resize_file(repo / "huge.bin", 2ull * 1024 * 1024 * 1024);  // 2 GiB sparse: no disk used
  const auto r = dsnguard({"scan", "--format", "json", repo.path()}, RunOptions{"", "", {}, {}, 60});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto j = json_of(r);
  EXPECT_TRUE(skipped_with(j, "huge.bin", "too-large")) << j["skipped"].dump();
  EXPECT_TRUE(has_finding_in(j, "app/settings.py"));
}

TEST(BadInput, PermissionDeniedIsNamedAndTheRestIsScanned)
{
  TempDir repo;
  planted_repo(repo.path());
  write_file(repo.path(), "private.py", "x = 1\n");
  ::chmod((repo / "private.py").c_str(), 0000);
  std::vector<std::string> argv{binary_path(), "scan", "--format", "json", repo.path()};
  if (::geteuid() == 0) {
    // Root reads everything: run as nobody, which can read the repository but not the 0000 file.
    if (::access("/usr/bin/setpriv", X_OK) != 0) {
      GTEST_SKIP() << "setpriv missing";
    }
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(repo.path()); it != fs::recursive_directory_iterator(); ++it) {
      ::chown(it->path().c_str(), 65534, 65534);
    }
    ::chown(repo.path().c_str(), 65534, 65534);
    argv.insert(argv.begin(), {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"});
  }
  RunOptions o;
  o.env["NO_COLOR"] = "1";
  o.env["HOME"] = "/nonexistent";
  const auto r = run(argv, o);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("private.py"), std::string::npos) << r.err;
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_TRUE(has_finding_in(json_of(r), "app/settings.py"));
}

TEST(BadInput, FifoAndEmptyFilesDoNotHang)
{
  TempDir repo;
  planted_repo(repo.path());
  ASSERT_EQ(::mkfifo((repo / "pipe").c_str(), 0644), 0);
  write_file(repo.path(), "empty.txt", "");
  const auto r = dsnguard({"scan", "--format", "json", repo.path()}, RunOptions{"", "", {}, {}, 30});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto j = json_of(r);
  EXPECT_TRUE(has_finding_in(j, "app/settings.py"));
  EXPECT_TRUE(skipped_with(j, "pipe", "not-regular")) << j["skipped"].dump();
  const auto n = dsnguard({"scan", "--no-git", "--format", "json", repo.path()}, RunOptions{"", "", {}, {}, 30});
  EXPECT_EQ(n.exit_code, 1) << n.err;
}

TEST(BadInput, HundredMegabyteLineFinishesWithinTheSizeLimit)
{
  TempDir repo;
  planted_repo(repo.path());
  std::string line(100u * 1024 * 1024, 'a');
  line += " postgresql://big:Wq4Zr8Nm2Kx6@db.big-corp.net/x\n";
  write_file(repo.path(), "long.txt", line);
  line.clear();
  line.shrink_to_fit();
  // Default limit (10 MiB): listed as too large.
  const auto r = dsnguard({"scan", "--format", "json", repo.path()}, RunOptions{"", "", {}, {}, 120});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(skipped_with(json_of(r), "long.txt", "too-large"));
  // Raised limit: scanned, the URL at the end of the line is found.
  const auto big = dsnguard({"scan", "--max-file-size", "200M", "--format", "json", repo.path()},
                            RunOptions{"", "", {}, {}, 120});
  EXPECT_EQ(big.exit_code, 1) << big.err;
  EXPECT_TRUE(has_finding_in(json_of(big), "long.txt"));
}

// --- Configuration and command line --------------------------------------------------------------------------

TEST(BadInput, BrokenRuleFilesNameFileRuleAndError)
{
  TempDir dir;
  write_file(dir.path(), "bad_regex.json", R"({"rules":[{"id":"my-rule","pattern":"(unclosed"}]})");
  write_file(dir.path(), "not_json.json", "{rules: nope");
  write_file(dir.path(), "dup.json", R"({"rules":[{"id":"a","pattern":"x"},{"id":"a","pattern":"y"}]})");
  write_file(dir.path(), "unknown_key.json", R"({"rules":[{"id":"k","pattern":"x","colour":"red"}]})");
  TempDir repo;
  planted_repo(repo.path());
  const auto re = dsnguard({"scan", "--rules", dir / "bad_regex.json", repo.path()});
  EXPECT_EQ(re.exit_code, 2);
  EXPECT_EQ(lines(re.err), 1u) << re.err;
  EXPECT_NE(re.err.find("bad_regex.json"), std::string::npos) << re.err;
  EXPECT_NE(re.err.find("my-rule"), std::string::npos) << re.err;
  EXPECT_NE(re.err.find("missing )"), std::string::npos) << re.err;  // RE2's own words
  EXPECT_EQ(re.out, "");  // the rules load beside the listing; nothing of the scan is reported
  // With a path that does not exist as well, the rule file's error is the one reported.
  const auto both = dsnguard({"scan", "--rules", dir / "bad_regex.json", dir / "no-such-dir"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_EQ(lines(both.err), 1u) << both.err;
  EXPECT_NE(both.err.find("bad_regex.json"), std::string::npos) << both.err;
  for (const char* f : {"not_json.json", "dup.json", "unknown_key.json"}) {
    const auto r = dsnguard({"scan", "--rules", dir / f, repo.path()});
    EXPECT_EQ(r.exit_code, 2) << f;
    EXPECT_NE(r.err.find(f), std::string::npos) << r.err;
    EXPECT_EQ(lines(r.err), 1u) << r.err;
  }
  const auto missing = dsnguard({"scan", "--rules", dir / "nope.json", repo.path()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope.json"), std::string::npos);
}

TEST(BadInput, CatastrophicRegexRunsInLinearTime)
{
  TempDir dir;
  // (a+)+$ is exponential in a backtracking engine on "aaaa...b"; RE2 is linear.
  write_file(dir.path(), "evil.json", R"({"rules":[{"id":"evil","pattern":"(a+)+$","keywords":["aaaa"]}]})");
  TempDir repo;
  git_init(repo.path());
  write_file(repo.path(), "a.txt", std::string(200000, 'a') + "b\n");
  git_commit_all(repo.path(), "a");
  const auto r = dsnguard({"scan", "--rules", dir / "evil.json", "--format", "json", repo.path()},
                          RunOptions{"", "", {}, {}, 60});
  EXPECT_NE(r.exit_code, -1) << "killed: the scan did not finish";
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
}

TEST(BadInput, BrokenConfigNamesTheKey)
{
  TempDir repo;
  planted_repo(repo.path());
  write_file(repo.path(), ".dsnguard.json", R"({"allow-pathz": ["x"]})");
  const auto r = dsnguard({"scan", repo.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("allow-pathz"), std::string::npos) << r.err;
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  write_file(repo.path(), ".dsnguard.json", "{not json");
  const auto j = dsnguard({"scan", repo.path()});
  EXPECT_EQ(j.exit_code, 2);
  EXPECT_NE(j.err.find(".dsnguard.json"), std::string::npos) << j.err;
}

TEST(BadInput, UnreadableOrBrokenBaseline)
{
  TempDir repo;
  planted_repo(repo.path());
  const auto missing = dsnguard({"scan", "--baseline", repo / "nope.baseline", repo.path()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope.baseline"), std::string::npos) << missing.err;
  EXPECT_EQ(lines(missing.err), 1u) << missing.err;
  write_file(repo.path(), "broken.baseline", "this is not a baseline line\n");
  const auto broken = dsnguard({"scan", "--baseline", repo / "broken.baseline", repo.path()});
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_NE(broken.err.find("broken.baseline"), std::string::npos) << broken.err;
}

TEST(BadInput, UnknownFlagMissingPathAndUnwritableOutput)
{
  TempDir repo;
  planted_repo(repo.path());
  const auto flag = dsnguard({"scan", "--frobnicate", repo.path()});
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_NE(flag.err.find("--frobnicate"), std::string::npos);
  const auto path = dsnguard({"scan", repo / "does-not-exist"});
  EXPECT_EQ(path.exit_code, 2);
  EXPECT_NE(path.err.find("does-not-exist"), std::string::npos) << path.err;
  EXPECT_EQ(lines(path.err), 1u) << path.err;
  const auto out = dsnguard({"scan", "--output", repo / "no/such/dir/report.json", repo.path()});
  EXPECT_NE(out.exit_code, 0);
  EXPECT_NE(out.exit_code, 1);
  EXPECT_NE(out.err.find("report.json"), std::string::npos) << out.err;
}

TEST(BadInput, BrokenGitdirFileIsAClearError)
{
  TempDir repo;
  write_file(repo.path(), ".git", "gitdir: /nonexistent/place\n");
  write_file(repo.path(), "settings.py", "URL = \"" + k_url + "\"\n");
  const auto r = dsnguard({"scan", "--history", repo.path()});
  EXPECT_TRUE(r.exit_code == 2 || r.exit_code == 3) << r.exit_code;
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_FALSE(r.err.empty());
}

TEST(BadInput, Sha256RepositoryIsAClearError)
{
  TempDir repo;
  const auto init = run({"git", "init", "-q", "--object-format=sha256", repo.path()});
  if (init.exit_code != 0) {
    GTEST_SKIP() << "git cannot create SHA-256 repositories here";
  }
  write_file(repo.path(), "settings.py", "URL = \"" + k_url + "\"\n");
  git(repo.path(), {"add", "-A"});
  git(repo.path(), {"-c", "user.name=a", "-c", "user.email=a@b.c", "commit", "-q", "-m", "x"});
  const auto r = dsnguard({"scan", "--history", repo.path()});
  EXPECT_TRUE(r.exit_code == 2 || r.exit_code == 3) << r.exit_code << r.out;
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  // The working tree itself is still plain files: --no-git scans them.
  EXPECT_EQ(dsnguard({"scan", "--no-git", repo.path()}).exit_code, 1);
}

}  // namespace dsnguard::test
