#include "sources/cache_tree.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "support/process.hpp"

namespace dsnguard::sources {
namespace {

std::string hex(const git_oid& id)
{
  return oid_hex(id);
}

class CacheTreeTest : public ::testing::Test {
protected:
  void SetUp() override
  {
    test::git_init(m_dir.path());
    test::write_file(m_dir.path(), "a/b/c.txt", "c\n");
    test::write_file(m_dir.path(), "a/d.txt", "d\n");
    test::write_file(m_dir.path(), "a-b.txt", "sorts before a/\n");
    test::write_file(m_dir.path(), "e.txt", "e\n");
    test::write_file(m_dir.path(), "z/y/x.txt", "x\n");
    test::write_file(m_dir.path(), "z/y/w.sh", "w\n");
    test::git_commit_all(m_dir.path(), "init");
  }
  std::string index_path() const { return m_dir.path() + "/.git/index"; }
  std::string rev(const std::string& spec) const { return test::trim_newlines(test::git(m_dir.path(), {"rev-parse", spec})); }

  test::TempDir m_dir;
};

// Every entry as `git ls-files -s` prints it: mode, id, stage, path.
TEST_F(CacheTreeTest, EntriesMatchGitLsFiles)
{
  const auto index = IndexFile::read(index_path());
  ASSERT_TRUE(index.ok());
  std::ostringstream got;
  for (std::size_t i = 0; i < index.size(); ++i) {
    const auto e = index.entry(i);
    got << std::oct << e.mode << std::dec << " " << hex(e.id) << " " << e.stage << "\t" << e.path << "\n";
  }
  EXPECT_EQ(got.str(), test::git(m_dir.path(), {"ls-files", "-s"}));
  EXPECT_FALSE(index.has_conflicts());
  EXPECT_TRUE(index.has_path("a/d.txt"));
  EXPECT_FALSE(index.has_path("a/d"));
  EXPECT_TRUE(index.has_prefix("z/y/"));
  EXPECT_FALSE(index.has_prefix("q/"));
  EXPECT_EQ(index.path(index.lower_bound("a/")), "a/b/c.txt");
  EXPECT_EQ(index.lower_bound("zz"), index.size());
}

TEST_F(CacheTreeTest, CacheTreeIdsAndCountsMatchHeadAfterCommit)
{
  const auto index = IndexFile::read(index_path());
  ASSERT_TRUE(index.ok());
  ASSERT_TRUE(index.has_cache_tree());
  const struct {
    const char* dir;
    std::int64_t count;
  } dirs[] = {{"", 6}, {"a", 2}, {"a/b", 1}, {"z", 2}, {"z/y", 2}};
  for (const auto& d : dirs) {
    const auto node = index.tree(d.dir);
    ASSERT_TRUE(node.has_value()) << d.dir;
    EXPECT_EQ(node->entry_count, d.count) << d.dir;
    EXPECT_EQ(hex(node->id), rev(std::string("HEAD:") + d.dir)) << d.dir;
  }
  EXPECT_FALSE(index.tree("q").has_value());
  EXPECT_FALSE(index.tree("a/b/c.txt").has_value());
  EXPECT_FALSE(index.tree("a/q").has_value());
}

TEST_F(CacheTreeTest, StagingInvalidatesOnlyTheChangedPath)
{
  test::write_file(m_dir.path(), "a/b/c.txt", "changed\n");
  test::git(m_dir.path(), {"add", "a/b/c.txt"});
  const auto index = IndexFile::read(index_path());
  ASSERT_TRUE(index.ok());
  for (const char* dir : {"", "a", "a/b"}) {
    const auto node = index.tree(dir);
    EXPECT_TRUE(!node || node->entry_count < 0) << dir;
  }
  const auto z = index.tree("z/y");
  ASSERT_TRUE(z.has_value());
  EXPECT_EQ(hex(z->id), rev("HEAD:z/y"));
}

TEST_F(CacheTreeTest, ConflictsAreSeen)
{
  const std::string blob = test::trim_newlines(test::git(m_dir.path(), {"rev-parse", "HEAD:e.txt"}));
  test::RunOptions stdin_info;
  stdin_info.stdin_data = "100644 " + blob + " 2\tm.txt\n100644 " + blob + " 3\tm.txt\n";
  test::git(m_dir.path(), {"update-index", "--index-info"}, stdin_info);
  const auto index = IndexFile::read(index_path());
  ASSERT_TRUE(index.ok());
  EXPECT_TRUE(index.has_conflicts());
  const auto i = index.lower_bound("m.txt");
  ASSERT_LT(i + 1, index.size());
  EXPECT_EQ(index.entry(i).stage, 2u);
  EXPECT_EQ(index.entry(i + 1).stage, 3u);
}

TEST_F(CacheTreeTest, UnsupportedOrBrokenIndexesAreNotOk)
{
  test::git(m_dir.path(), {"update-index", "--index-version", "4"});
  EXPECT_FALSE(IndexFile::read(index_path()).ok());
  test::git(m_dir.path(), {"update-index", "--index-version", "2"});
  EXPECT_TRUE(IndexFile::read(index_path()).ok());
  test::git(m_dir.path(), {"update-index", "--split-index"});
  EXPECT_FALSE(IndexFile::read(index_path()).ok());
  test::git(m_dir.path(), {"update-index", "--no-split-index"});
  EXPECT_TRUE(IndexFile::read(index_path()).ok());
  test::write_file(m_dir.path(), "not-an-index", "DIRC but nothing else that makes sense here....");
  EXPECT_FALSE(IndexFile::read(m_dir.path() + "/not-an-index").ok());
  EXPECT_FALSE(IndexFile::read(m_dir.path() + "/missing").ok());
  // A truncated index (entries cut off) is rejected, not read past its end.
  const std::string whole = test::read_file(index_path());
  test::write_file(m_dir.path(), "truncated", whole.substr(0, whole.size() / 2));
  EXPECT_FALSE(IndexFile::read(m_dir.path() + "/truncated").ok());
}

// The staged scan reads the index through IndexEntries, so it declines (and leaves to libgit2) what that declines,
// including damage the staged scan's former reader accepted and libgit2 refuses: a path libgit2 rejects, an unknown
// mandatory extension, bytes left between the extensions and the checksum; and the resolve-undo extension ("REUC"),
// which libgit2 parses itself.
TEST_F(CacheTreeTest, DeclinesWhatTheSharedReaderDeclines)
{
  const std::string good = test::read_file(index_path());
  const std::string body = good.substr(0, good.size() - 20);
  const std::string checksum = good.substr(good.size() - 20);  // not verified by either reader
  const std::size_t at = body.find("e.txt");
  ASSERT_NE(at, std::string::npos);
  std::string dotdot = body;
  dotdot.replace(at, 5, "../xx");
  std::string dotgit = body;
  dotgit.replace(at, 5, ".git:");
  const std::vector<std::string> declined{dotdot + checksum, dotgit + checksum,
                                          body + std::string("zzzz\0\0\0\0", 8) + checksum,
                                          body + std::string("\0\0\0\0", 4) + checksum,
                                          body + std::string("REUC\0\0\0\0", 8) + checksum};
  for (const auto& bytes : declined) {
    test::write_file(m_dir.path(), "damaged", bytes);
    const auto index = IndexFile::read(m_dir.path() + "/damaged");
    EXPECT_FALSE(index.ok()) << bytes.size();
    EXPECT_FALSE(IndexEntries::read(m_dir.path() + "/damaged").has_value());
  }
  test::write_file(m_dir.path(), "fine", body + std::string("ZZZZ\0\0\0\0", 8) + checksum);
  EXPECT_TRUE(IndexFile::read(m_dir.path() + "/fine").ok());
}

// git writes subtrees in index order: "a-b/" before "a/" ('-' sorts before '/'), which is not name order.
TEST_F(CacheTreeTest, SubtreesOutOfNameOrderAreFound)
{
  test::write_file(m_dir.path(), "a-b/x.txt", "x\n");
  test::write_file(m_dir.path(), "a.b/y.txt", "y\n");
  test::git_commit_all(m_dir.path(), "dirs sorting around a/");
  const auto index = IndexFile::read(index_path());
  ASSERT_TRUE(index.ok());
  for (const char* dir : {"a", "a-b", "a.b", "a/b", "z/y"}) {
    const auto node = index.tree(dir);
    ASSERT_TRUE(node.has_value()) << dir;
    EXPECT_EQ(hex(node->id), rev(std::string("HEAD:") + dir)) << dir;
  }
}

}  // namespace
}  // namespace dsnguard::sources
