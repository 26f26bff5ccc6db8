// End-to-end: `dsnguard scan [PATH]` over a working tree (sources/worktree_source.cpp). Each test file gets a
// distinct power-of-two size, so summary.bytes_scanned names exactly which set of files was read.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/process.hpp"

namespace dsnguard::test {

namespace {

using nlohmann::json;

// `size` bytes of text (no secret, no NUL).
std::string text_of(std::size_t size)
{
  return std::string(size - 1, 'a') + "\n";
}

json scan_json(const std::vector<std::string>& extra, const RunOptions& options = {}, int expected_exit = 0)
{
  std::vector<std::string> args{"scan", "--format", "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = dsnguard(args, options);
  EXPECT_EQ(r.exit_code, expected_exit) << r.err << r.out;
  auto j = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out;
  return j;
}

// Reason of the skipped entry for `path`, or "" when it was not skipped.
std::string skip_reason(const json& report, const std::string& path)
{
  for (const auto& s : report["skipped"]) {
    if (s["path"] == path) {
      return s["reason"].get<std::string>();
    }
  }
  return "";
}

std::uint64_t bytes_scanned(const json& report)
{
  return report["summary"]["bytes_scanned"].get<std::uint64_t>();
}

std::uint64_t files_scanned(const json& report)
{
  return report["summary"]["files_scanned"].get<std::uint64_t>();
}

}  // namespace

TEST(WorktreeSource, TrackedAndUntrackedButNotIgnored)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), ".gitignore", "*.log\nbuild/\n");  // 13 bytes
  write_file(dir.path(), "tracked.txt", text_of(16));
  write_file(dir.path(), "src/deep/tracked.py", text_of(32));
  git_commit_all(dir.path(), "init");
  write_file(dir.path(), "untracked.txt", text_of(64));
  write_file(dir.path(), "newdir/inner/untracked.cfg", text_of(128));
  write_file(dir.path(), "app.log", text_of(256));          // ignored
  write_file(dir.path(), "build/out.txt", text_of(512));    // ignored directory
  write_file(dir.path(), "src/sub/.gitignore", "x.txt\n");  // nested ignore file (6 bytes), untracked
  write_file(dir.path(), "src/sub/x.txt", text_of(1024));   // ignored by the nested file
  write_file(dir.path(), "src/sub/y.txt", text_of(2048));   // not ignored

  const auto j = scan_json({dir.path()});
  EXPECT_EQ(j["mode"], "worktree");
  EXPECT_EQ(files_scanned(j), 7u);
  EXPECT_EQ(bytes_scanned(j), 13u + 16 + 32 + 64 + 128 + 6 + 2048);
  EXPECT_TRUE(j["skipped"].empty()) << j["skipped"].dump();

  // A tracked file stays scanned even when an ignore pattern matches it (git add -f).
  write_file(dir.path(), "forced.log", text_of(4096));
  git(dir.path(), {"add", "-f", "forced.log"});
  const auto k = scan_json({dir.path()});
  EXPECT_EQ(bytes_scanned(k), bytes_scanned(j) + 4096);
}

TEST(WorktreeSource, DeletedTrackedFileIsNotAnError)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "keep.txt", text_of(16));
  write_file(dir.path(), "gone.txt", text_of(32));
  git_commit_all(dir.path(), "init");
  std::filesystem::remove(dir / "gone.txt");
  const auto j = scan_json({dir.path()});
  EXPECT_EQ(bytes_scanned(j), 16u);
  EXPECT_FALSE(j["summary"]["incomplete"].get<bool>());
}

TEST(WorktreeSource, SymlinksAreNeverFollowed)
{
  TempDir outside;
  write_file(outside.path(), "secret.txt", text_of(4096));
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "real.txt", text_of(16));
  ASSERT_EQ(::symlink("real.txt", (dir / "inside_link").c_str()), 0);
  ASSERT_EQ(::symlink((outside / "secret.txt").c_str(), (dir / "outside_link").c_str()), 0);
  ASSERT_EQ(::symlink("../../..", (dir / "up_link").c_str()), 0);
  ASSERT_EQ(::symlink("nowhere.txt", (dir / "dangling").c_str()), 0);
  git_commit_all(dir.path(), "links");

  const auto j = scan_json({dir.path()});
  // The target inside the root is scanned once, at its own path; nothing outside is read.
  EXPECT_EQ(bytes_scanned(j), 16u);
  EXPECT_EQ(files_scanned(j), 1u);
  EXPECT_EQ(skip_reason(j, "inside_link"), "not-regular");
  EXPECT_EQ(skip_reason(j, "outside_link"), "symlink-outside-root");
  EXPECT_EQ(skip_reason(j, "up_link"), "symlink-outside-root");
  EXPECT_EQ(skip_reason(j, "dangling"), "not-regular");
  EXPECT_FALSE(j["summary"]["incomplete"].get<bool>());
}

TEST(WorktreeSource, BinaryAndOversizedFilesAreListedAsSkipped)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "small.txt", text_of(16));
  write_file(dir.path(), "big.txt", text_of(4096));
  write_file(dir.path(), "image.bin", std::string("PNG\0\0", 5) + text_of(64));
  // NUL only after the 8 KiB probe: treated as text.
  write_file(dir.path(), "late_nul.txt", text_of(8192) + std::string(1, '\0') + text_of(1023));
  git_commit_all(dir.path(), "init");

  const auto j = scan_json({"--max-file-size", "10000", dir.path()});
  EXPECT_EQ(skip_reason(j, "image.bin"), "binary");
  EXPECT_EQ(skip_reason(j, "big.txt"), "");
  EXPECT_EQ(j["summary"]["binary_skipped"], 1);
  EXPECT_EQ(bytes_scanned(j), 16u + 4096 + 8192 + 1 + 1023);

  const auto k = scan_json({"--max-file-size", "1000", dir.path()});
  EXPECT_EQ(skip_reason(k, "big.txt"), "too-large");
  EXPECT_EQ(skip_reason(k, "late_nul.txt"), "too-large");
  EXPECT_EQ(bytes_scanned(k), 16u);
}

TEST(WorktreeSource, SkippedListIsSortedByPathWhateverTheThreadTiming)
{
  // Two reader threads report skips as they finish; the report lists them by path, the same on every run.
  TempDir dir;
  git_init(dir.path());
  std::vector<std::string> names;
  for (int i = 0; i < 40; ++i) {
    // Mixed sizes and a name order unlike the index order make finishing order differ from path order.
    const std::string name = "d" + std::to_string((i * 7) % 40) + "/blob" + std::to_string(i) + ".bin";
    write_file(dir.path(), name, std::string("\0", 1) + text_of(static_cast<std::size_t>(64) << (i % 12)));
    names.push_back(name);
  }
  git_commit_all(dir.path(), "init");
  std::sort(names.begin(), names.end());
  for (int run = 0; run < 3; ++run) {
    const auto j = scan_json({dir.path()});
    std::vector<std::string> listed;
    for (const auto& s : j["skipped"]) {
      listed.push_back(s["path"].get<std::string>());
    }
    EXPECT_EQ(listed, names);
  }
}

TEST(WorktreeSource, NonUtf8FileNamesAreScanned)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "caf\xe9.txt", text_of(16));  // Latin-1 byte: invalid UTF-8
  write_file(dir.path(), "ok.txt", text_of(32));
  git_commit_all(dir.path(), "init");
  write_file(dir.path(), "untracked_\xff.txt", text_of(64));
  const auto j = scan_json({dir.path()});
  EXPECT_EQ(bytes_scanned(j), 16u + 32 + 64);
  EXPECT_TRUE(j["skipped"].empty());
}

TEST(WorktreeSource, SubdirectoryLimitsTheScanAndKeepsRepoRelativePaths)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "top.txt", text_of(16));
  write_file(dir.path(), "pkg/a.txt", text_of(32));
  write_file(dir.path(), "pkg/inner/b.bin", std::string(1, '\0') + text_of(63));
  write_file(dir.path(), "pkgother/c.txt", text_of(128));  // shares the prefix text, not the directory
  git_commit_all(dir.path(), "init");
  write_file(dir.path(), "pkg/new.txt", text_of(256));

  RunOptions in_sub;
  in_sub.cwd = dir / "pkg";
  const auto j = scan_json({}, in_sub);
  EXPECT_EQ(bytes_scanned(j), 32u + 256);
  // Paths stay relative to the repository root.
  EXPECT_EQ(skip_reason(j, "pkg/inner/b.bin"), "binary");

  const auto k = scan_json({dir / "pkg/inner"});
  EXPECT_EQ(files_scanned(k), 0u);
  EXPECT_EQ(skip_reason(k, "pkg/inner/b.bin"), "binary");
}

TEST(WorktreeSource, NoGitScansEveryRegularFile)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), ".gitignore", "ignored.txt\n");  // 12 bytes
  write_file(dir.path(), "tracked.txt", text_of(16));
  git_commit_all(dir.path(), "init");
  write_file(dir.path(), "ignored.txt", text_of(32));
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);

  const auto with_git = scan_json({dir.path()});
  EXPECT_EQ(bytes_scanned(with_git), 12u + 16);

  const auto j = scan_json({"--no-git", dir.path()});
  EXPECT_EQ(j["mode"], "no-git");
  EXPECT_EQ(bytes_scanned(j), 12u + 16 + 32);  // .git/ is not content
  EXPECT_EQ(skip_reason(j, "fifo"), "not-regular");
}

TEST(WorktreeSource, OutsideARepositoryScansThePlainDirectory)
{
  TempDir dir;
  write_file(dir.path(), "a.txt", text_of(16));
  write_file(dir.path(), "d/b.txt", text_of(32));
  write_file(dir.path(), "d/e/c.bin", std::string(1, '\0'));
  const auto j = scan_json({dir.path()});
  EXPECT_EQ(j["mode"], "no-git");
  EXPECT_EQ(bytes_scanned(j), 48u);
  EXPECT_EQ(skip_reason(j, "d/e/c.bin"), "binary");

  // A single file as PATH.
  const auto k = scan_json({dir / "d/b.txt"});
  EXPECT_EQ(bytes_scanned(k), 32u);
}

TEST(WorktreeSource, MissingPathIsAUsageError)
{
  TempDir dir;
  const auto r = dsnguard({"scan", dir / "does-not-exist"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("does-not-exist"), std::string::npos);
}

// An unreadable file is reported, the rest is still scanned, and the exit code says "incomplete". Root reads
// any file regardless of its mode, so as root the scan runs as `nobody` (setpriv) over a repository owned by
// nobody: the same permission check an ordinary user hits.
TEST(WorktreeSource, UnreadableFileMakesTheScanIncomplete)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "ok.txt", text_of(16));
  write_file(dir.path(), "locked.txt", text_of(32));
  write_file(dir.path(), "lockeddir/x.txt", text_of(64));
  git_commit_all(dir.path(), "init");
  write_file(dir.path(), "untracked_locked.txt", text_of(128));
  ASSERT_EQ(::chmod((dir / "locked.txt").c_str(), 0), 0);
  ASSERT_EQ(::chmod((dir / "untracked_locked.txt").c_str(), 0), 0);

  std::vector<std::string> argv;
  if (::geteuid() == 0) {
    if (::access("/usr/bin/setpriv", X_OK) != 0) {
      GTEST_SKIP() << "running as root without setpriv: cannot make a file unreadable";
    }
    run({"chown", "-R", "65534:65534", dir.path()});
    ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
    argv = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", binary_path()};
  } else {
    argv = {binary_path()};
  }
  for (const char* a : {"scan", "--format", "json"}) {
    argv.emplace_back(a);
  }
  argv.push_back(dir.path());
  RunOptions o;
  o.env["NO_COLOR"] = "1";
  o.env["HOME"] = dir.path();  // nobody's HOME may not exist; libgit2 reads global config from it
  const auto r = run(argv, o);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  const auto j = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out << r.err;
  EXPECT_EQ(skip_reason(j, "locked.txt"), "unreadable");
  EXPECT_EQ(skip_reason(j, "untracked_locked.txt"), "unreadable");
  EXPECT_TRUE(j["summary"]["incomplete"].get<bool>());
  EXPECT_EQ(bytes_scanned(j), 16u + 64);
  EXPECT_NE(r.err.find("locked.txt"), std::string::npos);
}

TEST(WorktreeSource, SubmodulesAndNestedRepositoriesAreNotEntered)
{
  TempDir inner;
  git_init(inner.path());
  write_file(inner.path(), "inner.txt", text_of(1024));
  git_commit_all(inner.path(), "inner");
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "top.txt", text_of(16));
  git_commit_all(dir.path(), "init");
  git(dir.path(), {"-c", "protocol.file.allow=always", "submodule", "add", "-q", inner.path(), "mod"});
  git_commit_all(dir.path(), "add submodule");
  git(dir.path(), {"init", "-q", "nested"});
  write_file(dir.path(), "nested/n.txt", text_of(2048));

  const auto j = scan_json({dir.path()});
  EXPECT_EQ(skip_reason(j, "mod"), "submodule");
  EXPECT_EQ(skip_reason(j, "nested"), "submodule");
  const auto gitmodules = std::filesystem::file_size(dir / ".gitmodules");
  EXPECT_EQ(bytes_scanned(j), 16u + gitmodules);
}

// The index is read directly (sources/index_entries.hpp), but a damaged one still ends the scan with libgit2's
// error, exit 3; a wrong trailing checksum alone is not checked (as git does not).
TEST(WorktreeSource, DamagedIndexIsLibgit2sErrorButChecksumIsNotVerified)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), "a.txt", text_of(16));
  write_file(dir.path(), "d/b.txt", text_of(32));
  git_commit_all(dir.path(), "init");
  const std::string index = read_file(dir / ".git/index");

  write_file(dir.path(), ".git/index", index.substr(0, 60));  // inside the first entry
  auto r = dsnguard({"scan", dir.path()});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("cannot read the index of '" + dir.path() + "': invalid data in index - invalid entry"),
            std::string::npos)
      << r.err;

  std::string flipped = index;
  flipped.back() = static_cast<char>(flipped.back() ^ 1);
  write_file(dir.path(), ".git/index", flipped);
  const auto j = scan_json({dir.path()});
  EXPECT_EQ(bytes_scanned(j), 16u + 32);
}

}  // namespace dsnguard::test

namespace dsnguard::test {

// With the detection engine: worktree findings carry repo-relative paths, also from a subdirectory, and ignored
// files never produce findings.
TEST(WorktreeSource, FindingsUseRepoRelativePathsAndIgnoredFilesStaySilent)
{
  TempDir dir;
  git_init(dir.path());
  write_file(dir.path(), ".gitignore", "local.py\n");
  write_file(dir.path(), "pkg/settings.py", "URL = 'postgres://app:WorktreePw8080@db.prod.internal:5432/app'\n");
  git_commit_all(dir.path(), "init");
  write_file(dir.path(), "local.py", "URL = 'postgres://app:IgnoredPw9090@db.prod.internal:5432/app'\n");
  RunOptions in_sub;
  in_sub.cwd = dir / "pkg";
  const auto r = dsnguard({"scan", "--format", "json"}, in_sub);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  ASSERT_EQ(j["findings"].size(), 1u) << r.out;
  EXPECT_EQ(j["findings"][0]["path"], "pkg/settings.py");
  const auto all = dsnguard({"scan", "--format", "json", dir.path()});
  EXPECT_EQ(nlohmann::json::parse(all.out)["findings"].size(), 1u) << all.out;
  const auto no_git = dsnguard({"scan", "--no-git", "--format", "json", dir.path()});
  EXPECT_EQ(nlohmann::json::parse(no_git.out)["findings"].size(), 2u) << no_git.out;
}

}  // namespace dsnguard::test
