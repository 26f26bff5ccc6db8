#include "sources/index_entries.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>

#include "sources/worktree_walk.hpp"
#include "support/process.hpp"

namespace dsnguard::sources {
namespace {

std::string describe(const core::Expected<FileList>& list)
{
  if (!list) {
    return "error: " + list.error().message;
  }
  std::ostringstream out;
  for (const auto& f : list->files) {
    out << "file " << f << "\n";
  }
  for (const auto& s : list->skipped) {
    out << "skipped " << s.path << " " << to_string(s.reason) << " " << s.detail << "\n";
  }
  return out.str();
}

void write_bytes(const std::string& path, const std::string& bytes)
{
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Replaces the trailing SHA-1 of the index bytes in `body` + checksum, so libgit2 checks the structure only.
std::string with_checksum(const std::string& body)
{
  static const test::TempDir scratch;
  const std::string tmp = scratch / "body.bin";
  write_bytes(tmp, body);
  const std::string hex = test::run({"sha1sum", tmp}).out.substr(0, 40);
  std::string out = body;
  for (std::size_t i = 0; i < 40; i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

class IndexEntriesTest : public ::testing::Test {
protected:
  void SetUp() override
  {
    test::git_init(dir());
    test::write_file(dir(), "a.txt", "a\n");
    test::write_file(dir(), "dir/b/c.txt", "c\n");
    test::write_file(dir(), "dir/d.txt", "d\n");
    test::write_file(dir(), "dir-e.txt", "sorts before dir/\n");
    test::write_file(dir(), ".gitignore", "*.log\n");
    test::write_file(dir(), ".github/ci.yml", "on: push\n");
    test::write_file(dir(), "z/" + std::string(250, 'n') + "/" + std::string(200, 'm') + ".txt", "long\n");
    test::git_commit_all(dir(), "init");
    test::write_file(dir(), "untracked.txt", "u\n");
    test::write_file(dir(), "dir/b/untracked.txt", "u\n");
    test::write_file(dir(), "ignored.log", "i\n");
  }

  const std::string& dir() const { return m_dir.path(); }
  std::string index_path() const { return dir() + "/.git/index"; }
  bool direct_ok() const { return IndexEntries::read(index_path()).has_value(); }

  // The listing through the direct reader equals libgit2's, for the whole tree and for `prefix`.
  void expect_same_listing(const std::string& prefix = "dir") const
  {
    for (const std::string& p : {std::string(), prefix}) {
      const auto direct = list_git_worktree(dir(), p, IndexReader::automatic);
      const auto libgit2 = list_git_worktree(dir(), p, IndexReader::libgit2);
      EXPECT_EQ(describe(direct), describe(libgit2)) << "prefix '" << p << "'";
    }
  }

  // Every entry as `git ls-files -s` prints it: "<mode> <id> <stage>\t<path>".
  std::string entries_as_ls_files() const
  {
    const auto index = IndexEntries::read(index_path());
    EXPECT_TRUE(index.has_value());
    if (!index) {
      return {};
    }
    std::ostringstream out;
    for (const auto& e : index->entries()) {
      out << std::oct << e.mode << std::dec << " " << e.stage() << "\t" << e.path << "\n";
    }
    return out.str();
  }
  std::string git_ls_files() const
  {
    std::istringstream in(test::git(dir(), {"ls-files", "-s"}));
    std::ostringstream out;
    for (std::string line; std::getline(in, line);) {
      // drop the object id: "<mode> <id> <stage>\t<path>"
      const auto first = line.find(' ');
      const auto second = line.find(' ', first + 1);
      out << line.substr(0, first) << line.substr(second) << "\n";
    }
    return out.str();
  }

  test::TempDir m_dir;
};

TEST_F(IndexEntriesTest, PlainRepositoryIsReadDirectlyAndMatchesGitAndLibgit2)
{
  ASSERT_TRUE(direct_ok());
  EXPECT_EQ(entries_as_ls_files(), git_ls_files());
  expect_same_listing();
  const auto list = list_git_worktree(dir(), "", IndexReader::automatic);
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(list->files.size(), 9u);  // 7 tracked + 2 untracked, not ignored.log
}

TEST_F(IndexEntriesTest, PathsOf4095BytesAndLongerUseTheNul)
{
  const std::string blob = test::trim_newlines(test::git(dir(), {"hash-object", "-w", "a.txt"}));
  // Index entries need no file: names of 4094, 4095 (the flags' 0xfff) and 5000 bytes.
  for (const std::size_t length : {4094u, 4095u, 5000u}) {
    std::string path;
    while (path.size() + 201 < length) {
      path += std::string(200, static_cast<char>('a' + path.size() % 26)) + "/";
    }
    path += std::string(length - path.size(), 'f');
    ASSERT_EQ(path.size(), length);
    test::git(dir(), {"update-index", "--add", "--cacheinfo", "100644," + blob + "," + path});
  }
  ASSERT_TRUE(direct_ok());
  EXPECT_EQ(entries_as_ls_files(), git_ls_files());
  expect_same_listing();
}

TEST_F(IndexEntriesTest, ConflictStagesAreListedOnce)
{
  test::git(dir(), {"checkout", "-q", "-b", "other"});
  test::write_file(dir(), "dir/d.txt", "other\n");
  test::git_commit_all(dir(), "other");
  test::git(dir(), {"checkout", "-q", "main"});
  test::write_file(dir(), "dir/d.txt", "main\n");
  test::git(dir(), {"commit", "-q", "-am", "main"});
  const auto merge = test::run({"git", "-C", dir(), "merge", "-q", "other"});
  ASSERT_NE(merge.exit_code, 0);  // conflict
  ASSERT_TRUE(direct_ok());
  const std::string entries = entries_as_ls_files();
  EXPECT_NE(entries.find(" 1\tdir/d.txt\n"), std::string::npos);
  EXPECT_NE(entries.find(" 3\tdir/d.txt\n"), std::string::npos);
  EXPECT_EQ(entries, git_ls_files());
  expect_same_listing();
  const auto list = list_git_worktree(dir(), "dir", IndexReader::automatic);
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(std::count(list->files.begin(), list->files.end(), "dir/d.txt"), 1);
}

TEST_F(IndexEntriesTest, SkipWorktreeAndIntentToAddNeedVersion3)
{
  test::git(dir(), {"update-index", "--skip-worktree", "dir/d.txt"});
  test::write_file(dir(), "dir/new.txt", "n\n");
  test::git(dir(), {"add", "-N", "dir/new.txt"});
  ASSERT_TRUE(direct_ok());
  const auto index = IndexEntries::read(index_path());
  bool saw_skip = false;
  bool saw_ita = false;
  for (const auto& e : index->entries()) {
    saw_skip |= e.path == "dir/d.txt" && e.skip_worktree();
    saw_ita |= e.path == "dir/new.txt" && e.intent_to_add();
  }
  EXPECT_TRUE(saw_skip);
  EXPECT_TRUE(saw_ita);
  expect_same_listing();
  const auto list = list_git_worktree(dir(), "dir", IndexReader::automatic);
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(std::count(list->files.begin(), list->files.end(), "dir/d.txt"), 0);  // sparse: not listed
  EXPECT_EQ(std::count(list->files.begin(), list->files.end(), "dir/new.txt"), 1);
}

TEST_F(IndexEntriesTest, GitlinkIsSkippedAsSubmodule)
{
  const std::string head = test::trim_newlines(test::git(dir(), {"rev-parse", "HEAD"}));
  test::git(dir(), {"update-index", "--add", "--cacheinfo", "160000," + head + ",dir/sub"});
  ASSERT_TRUE(direct_ok());
  expect_same_listing();
  const auto list = list_git_worktree(dir(), "", IndexReader::automatic);
  ASSERT_TRUE(list.has_value());
  ASSERT_EQ(list->skipped.size(), 1u);
  EXPECT_EQ(list->skipped[0].path, "dir/sub");
  EXPECT_EQ(list->skipped[0].reason, core::Skipped::Reason::submodule);
}

TEST_F(IndexEntriesTest, Version4SplitAndSparseIndexesAreLeftToLibgit2)
{
  test::git(dir(), {"update-index", "--index-version", "4"});
  EXPECT_FALSE(direct_ok());
  expect_same_listing();
  test::git(dir(), {"update-index", "--index-version", "2"});
  EXPECT_TRUE(direct_ok());

  test::git(dir(), {"update-index", "--split-index"});
  EXPECT_FALSE(direct_ok());  // "link" extension
  expect_same_listing();
  test::git(dir(), {"update-index", "--no-split-index"});
  EXPECT_TRUE(direct_ok());

  test::git(dir(), {"sparse-checkout", "set", "--cone", "--sparse-index", "dir"});
  EXPECT_NE(test::read_file(index_path()).find("sdir"), std::string::npos);
  EXPECT_FALSE(direct_ok());
  expect_same_listing();
}

TEST_F(IndexEntriesTest, IgnoreCaseIsLeftToLibgit2)
{
  test::write_file(dir(), "B.txt", "b\n");
  test::git_commit_all(dir(), "upper case sorts first");
  ASSERT_TRUE(direct_ok());
  test::git(dir(), {"config", "core.ignorecase", "true"});
  expect_same_listing();  // libgit2 re-sorts: B.txt after a.txt
  const auto list = list_git_worktree(dir(), "", IndexReader::automatic);
  ASSERT_TRUE(list.has_value());
  ASSERT_GE(list->files.size(), 4u);
  EXPECT_EQ(list->files[0], ".github/ci.yml");
  EXPECT_EQ(list->files[1], ".gitignore");
  EXPECT_EQ(list->files[2], "a.txt");
  EXPECT_EQ(list->files[3], "B.txt");
}

TEST_F(IndexEntriesTest, MissingIndexGivesTheSameListing)
{
  ASSERT_EQ(std::remove(index_path().c_str()), 0);
  EXPECT_FALSE(direct_ok());
  expect_same_listing();
}

TEST_F(IndexEntriesTest, BrokenIndexesGiveLibgit2sErrors)
{
  const std::string good = test::read_file(index_path());
  // Truncated (checksum lost), garbage, unknown version, cut in the middle of the entries with a valid checksum.
  write_bytes(index_path(), good.substr(0, good.size() / 2));
  EXPECT_FALSE(direct_ok());
  expect_same_listing();
  const auto error = list_git_worktree(dir(), "", IndexReader::automatic);
  ASSERT_FALSE(error.has_value());
  EXPECT_NE(error.error().message.find("cannot read the index"), std::string::npos) << error.error().message;

  write_bytes(index_path(), std::string(100, 'x'));
  EXPECT_FALSE(direct_ok());
  expect_same_listing();
  write_bytes(index_path(), "DIRC");
  expect_same_listing();

  std::string v9 = good.substr(0, good.size() - 20);
  v9[7] = 9;
  write_bytes(index_path(), with_checksum(v9));
  EXPECT_FALSE(direct_ok());
  expect_same_listing();

  // A lower-case (mandatory) extension libgit2 does not know.
  std::string body = good.substr(0, good.size() - 20) + std::string("zzzz\0\0\0\0", 8);
  write_bytes(index_path(), with_checksum(body));
  EXPECT_FALSE(direct_ok());
  expect_same_listing();
  // An optional one it skips.
  body = good.substr(0, good.size() - 20) + std::string("ZZZZ\0\0\0\2ab", 10);
  write_bytes(index_path(), with_checksum(body));
  EXPECT_TRUE(direct_ok());
  expect_same_listing();
}

// Paths git refuses to write, edited into the index: libgit2 refuses ".", "..", ".git" and its NTFS forms.
TEST_F(IndexEntriesTest, PathsLibgit2RejectsAreLeftToIt)
{
  test::write_file(dir(), "q/xxxxx", "x\n");
  test::git_commit_all(dir(), "q");
  const std::string good = test::read_file(index_path());
  const std::size_t at = good.find("q/xxxxx");
  ASSERT_NE(at, std::string::npos);
  const std::string body = good.substr(0, good.size() - 20);
  const std::vector<std::string> rejected{"q/.GiT ", "q/.git:", "q/.git.", "q/git~1",
                                         "../xxxx", "q/./xxx", std::string("q/x\0xxx", 7)};
  for (const std::string& bad : rejected) {
    std::string edited = body;
    edited.replace(at, 7, bad);
    write_bytes(index_path(), with_checksum(edited));
    EXPECT_FALSE(direct_ok()) << bad;
    expect_same_listing("q");
    // libgit2 refuses these, except the NUL: it takes the path up to it ("q/x").
    EXPECT_EQ(list_git_worktree(dir(), "", IndexReader::libgit2).has_value(), bad[3] == '\0') << bad;
  }
  for (const std::string fine : {"q/.gitx", "q/git~x", "q/...xx"}) {
    std::string edited = body;
    edited.replace(at, 7, fine);
    write_bytes(index_path(), with_checksum(edited));
    EXPECT_TRUE(direct_ok()) << fine;
    expect_same_listing("q");
  }
}

// The one deliberate difference: the trailing checksum is not verified (git does not verify it either).
TEST_F(IndexEntriesTest, ChecksumIsNotVerified)
{
  const auto before = list_git_worktree(dir(), "", IndexReader::automatic);
  std::string bytes = test::read_file(index_path());
  bytes[bytes.size() - 1] = static_cast<char>(bytes[bytes.size() - 1] ^ 1);
  write_bytes(index_path(), bytes);
  EXPECT_TRUE(direct_ok());
  EXPECT_EQ(describe(list_git_worktree(dir(), "", IndexReader::automatic)), describe(before));
  const auto libgit2 = list_git_worktree(dir(), "", IndexReader::libgit2);
  ASSERT_FALSE(libgit2.has_value());
  EXPECT_NE(libgit2.error().message.find("checksum"), std::string::npos) << libgit2.error().message;
}

// Damaged indexes whose checksum is right, so that libgit2 judges the structure only: for every truncation and
// for bytes overwritten all over the file (entries, paths, padding, the cache tree), the listing through the
// direct reader is libgit2's listing, or libgit2's error.
TEST_F(IndexEntriesTest, DamagedStructuresGiveLibgit2sResult)
{
  // A skip-worktree entry (version 3) and a cache tree with subtrees and an invalidated root.
  test::git(dir(), {"update-index", "--skip-worktree", "dir/d.txt"});
  test::write_file(dir(), "a.txt", "changed\n");
  test::git(dir(), {"add", "a.txt"});
  const std::string good = test::read_file(index_path());
  ASSERT_NE(good.find("TREE"), std::string::npos);
  const std::string body = good.substr(0, good.size() - 20);

  std::mt19937 rng(12345);
  const char values[] = {'\0', '/', '.', '-', ' ', '\n', '0', '9', 'A', 'a', '\x7f', '\xff', '\x40', '\x0f'};
  std::vector<std::string> cases;
  for (std::size_t cut = 12; cut < body.size(); cut += 1 + cut % 13) {
    cases.push_back(body.substr(0, cut));
  }
  const std::size_t tree = good.find("TREE");
  for (int i = 0; i < 160; ++i) {
    std::string damaged = body;
    // Half of the damage goes to the cache tree, which is small.
    // Not the entry count (bytes 8-11): libgit2 sizes its path map from it before checking anything.
    const std::size_t at = i % 2 == 0 ? tree + rng() % (body.size() - tree) : 12 + rng() % (body.size() - 12);
    damaged[at] = values[rng() % sizeof values];
    cases.push_back(damaged);
  }
  int direct_reads = 0;
  for (const auto& c : cases) {
    write_bytes(index_path(), with_checksum(c));
    direct_reads += direct_ok() ? 1 : 0;
    const auto direct = list_git_worktree(dir(), "", IndexReader::automatic);
    const auto libgit2 = list_git_worktree(dir(), "", IndexReader::libgit2);
    ASSERT_EQ(describe(direct), describe(libgit2)) << "case of " << c.size() << " bytes";
  }
  // Many damaged bytes (stat data, ids, padding) leave a readable index: the direct reader must have read some.
  EXPECT_GT(direct_reads, 30);
}

// What the staged scan reads from the same reader: object ids, conflicts, binary search by path, and the cache
// tree, whose every directory (named by walking the pre-order) records HEAD's tree id and entry count there.
TEST_F(IndexEntriesTest, IdsAndCacheTreeMatchGitAfterCommit)
{
  const auto index = IndexEntries::read(index_path());
  ASSERT_TRUE(index.has_value());
  std::ostringstream got;
  for (const auto& e : index->entries()) {
    got << std::oct << e.mode << std::dec << " " << oid_hex(e.id()) << " " << e.stage() << "\t" << e.path << "\n";
  }
  EXPECT_EQ(got.str(), test::git(dir(), {"ls-files", "-s"}));
  EXPECT_FALSE(index->has_conflicts());
  EXPECT_EQ(index->entries()[index->lower_bound("dir/")].path, "dir/b/c.txt");
  EXPECT_EQ(index->entries()[index->lower_bound("dir")].path, "dir-e.txt");
  EXPECT_EQ(index->lower_bound("zz"), index->entries().size());

  const auto& tree = index->cache_tree();
  ASSERT_FALSE(tree.empty());
  EXPECT_EQ(index->name(tree[0]), "");
  EXPECT_EQ(tree[0].end, tree.size());
  std::vector<std::string> dirs;
  const auto walk = [&](const auto& self, std::uint32_t node, const std::string& path) -> void {
    dirs.push_back(path);
    const std::string spec = "HEAD:" + path;
    EXPECT_EQ(oid_hex(index->id(tree[node])), test::trim_newlines(test::git(dir(), {"rev-parse", spec}))) << path;
    const std::string files = test::git(dir(), {"ls-files", "--", path.empty() ? "." : path});
    EXPECT_EQ(tree[node].entry_count, std::count(files.begin(), files.end(), '\n')) << path;
    for (std::uint32_t child = node + 1; child < tree[node].end; child = tree[child].end) {
      const std::string name(index->name(tree[child]));
      self(self, child, path.empty() ? name : path + "/" + name);
    }
  };
  walk(walk, 0, "");
  std::sort(dirs.begin(), dirs.end());
  const std::vector<std::string> expected{"", ".github", "dir", "dir/b", "z", "z/" + std::string(250, 'n')};
  EXPECT_EQ(dirs, expected);
}

TEST_F(IndexEntriesTest, StagingInvalidatesCacheTreeNodesAndConflictsAreSeen)
{
  test::write_file(dir(), "dir/b/c.txt", "changed\n");
  test::git(dir(), {"add", "dir/b/c.txt"});
  const std::string blob = test::trim_newlines(test::git(dir(), {"rev-parse", "HEAD:a.txt"}));
  test::RunOptions stdin_info;
  stdin_info.stdin_data = "100644 " + blob + " 2\tm.txt\n100644 " + blob + " 3\tm.txt\n";
  test::git(dir(), {"update-index", "--index-info"}, stdin_info);
  const auto index = IndexEntries::read(index_path());
  ASSERT_TRUE(index.has_value());
  EXPECT_TRUE(index->has_conflicts());
  const std::size_t m = index->lower_bound("m.txt");
  ASSERT_LT(m + 1, index->entries().size());
  EXPECT_EQ(index->entries()[m].stage(), 2u);
  EXPECT_EQ(index->entries()[m + 1].stage(), 3u);
  EXPECT_EQ(oid_hex(index->entries()[m].id()), blob);
  ASSERT_FALSE(index->cache_tree().empty());
  EXPECT_LT(index->cache_tree()[0].entry_count, 0);  // the root, and dir and dir/b, are invalidated
  expect_same_listing();
}

// libgit2 reads any negative entry count as an invalidated directory (git writes -1): so does this reader.
TEST_F(IndexEntriesTest, AnyNegativeCacheTreeCountIsAnInvalidatedNode)
{
  test::write_file(dir(), "a.txt", "changed\n");
  test::git(dir(), {"add", "a.txt"});
  std::string body = test::read_file(index_path());
  body.resize(body.size() - 20);
  // The root node comes first: an empty name, then its entry count.
  const std::size_t minus_one = body.find(std::string("\0-1 ", 4), body.find("TREE"));
  ASSERT_NE(minus_one, std::string::npos);
  body[minus_one + 2] = '7';
  write_bytes(index_path(), with_checksum(body));
  const auto index = IndexEntries::read(index_path());
  ASSERT_TRUE(index.has_value());
  ASSERT_FALSE(index->cache_tree().empty());
  EXPECT_EQ(index->cache_tree()[0].entry_count, -7);
  expect_same_listing();
  ASSERT_TRUE(list_git_worktree(dir(), "", IndexReader::libgit2).has_value());
}

// From 256 KiB on the file is mapped instead of copied: the same entries, the same listing.
TEST_F(IndexEntriesTest, LargeIndexIsReadLikeASmallOne)
{
  const std::string blob = test::trim_newlines(test::git(dir(), {"rev-parse", "HEAD:a.txt"}));
  test::RunOptions stdin_info;
  for (int i = 0; i < 3000; ++i) {
    stdin_info.stdin_data += "100644 " + blob + " 0\tmany/" + std::string(80, 'p') + std::to_string(i) + "\n";
  }
  test::git(dir(), {"update-index", "--index-info"}, stdin_info);
  ASSERT_GE(test::read_file(index_path()).size(), std::size_t{256} << 10);
  ASSERT_TRUE(direct_ok());
  EXPECT_EQ(entries_as_ls_files(), git_ls_files());
  expect_same_listing("many");
}

// A nameless entry (split indexes only): an entry for "b" edited to an empty path keeps its size (64 bytes).
TEST_F(IndexEntriesTest, EmptyPathIsLeftToLibgit2)
{
  const std::string blob = test::trim_newlines(test::git(dir(), {"rev-parse", "HEAD:a.txt"}));
  test::git(dir(), {"update-index", "--add", "--cacheinfo", "100644," + blob + ",b"});
  ASSERT_TRUE(direct_ok());
  std::string body = test::read_file(index_path());
  body.resize(body.size() - 20);
  const std::size_t at = body.find(std::string("\0\1b\0", 4));
  ASSERT_NE(at, std::string::npos);
  body[at + 1] = '\0';  // path length 0
  body[at + 2] = '\0';  // and no name
  write_bytes(index_path(), with_checksum(body));
  EXPECT_FALSE(direct_ok());
  expect_same_listing();
}

}  // namespace
}  // namespace dsnguard::sources
