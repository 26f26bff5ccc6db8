// CommitReader: the commit headers parsed from the packs must give the same walk as libgit2's lookups.
#include <gtest/gtest.h>

#include "sources/commit_graph.hpp"
#include "sources/commit_reader.hpp"
#include "support/process.hpp"

namespace dsnguard::sources {
namespace {

using test::git;
using test::git_commit_all;
using test::write_file;

const std::string k_tree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
const std::string k_parent1 = "1111111111111111111111111111111111111111";
const std::string k_parent2 = "2222222222222222222222222222222222222222";

bool parse(const std::string& raw, CommitInfo& info) { return parse_commit(raw.data(), raw.size(), info); }

TEST(ParseCommit, ReadsTreeParentsAndCommitterTime)
{
  CommitInfo info;
  const std::string raw = "tree " + k_tree + "\nparent " + k_parent1 + "\nparent " + k_parent2
                          + "\nauthor A <a@example.invalid> 100 +0100\ncommitter C <c> (x) <c@example.invalid> "
                            "1234567890 -0700\ngpgsig -----BEGIN\n more\n\nmessage\ncommitter fake <f> 1 +0000\n";
  ASSERT_TRUE(parse(raw, info));
  EXPECT_EQ(oid_hex(info.tree), k_tree);
  ASSERT_EQ(info.parents.size(), 2u);
  EXPECT_EQ(oid_hex(info.parents[0]), k_parent1);
  EXPECT_EQ(oid_hex(info.parents[1]), k_parent2);
  EXPECT_EQ(info.time, 1234567890);
}

TEST(ParseCommit, LeavesUnusualHeadersToLibgit2)
{
  CommitInfo info;
  const std::string tree = "tree " + k_tree + "\n";
  const std::string author = "author A <a@example.invalid> 100 +0000\n";
  EXPECT_FALSE(parse("", info));
  EXPECT_FALSE(parse("tree 123\n" + author + "committer C <c@example.invalid> 5 +0000\n", info));
  EXPECT_FALSE(parse(tree + "committer C <c@example.invalid> 5 +0000\n", info));         // no author
  EXPECT_FALSE(parse(tree + author + "\ncommitter C <c@example.invalid> 5 +0000\n", info));  // not a header
  EXPECT_FALSE(parse(tree + author + "committer C <c@example.invalid> -5 +0000\n", info));
  EXPECT_FALSE(parse(tree + author + "committer C <c@example.invalid>\n", info));
  EXPECT_FALSE(parse(tree + author + "committer C c@example.invalid 5 +0000\n", info));
  EXPECT_FALSE(parse(tree + "parent " + k_parent1 + "x\n" + author + "committer C <c@x> 5 +0000\n", info));
  EXPECT_TRUE(parse(tree + author + "committer C <c@example.invalid> 5 +0000\n", info));
  EXPECT_EQ(info.time, 5);
  EXPECT_TRUE(info.parents.empty());
}

// The author as libgit2 reads it from the same line (git_signature_from_buffer runs the parser git_commit_author's
// signature comes from): "Name <email>" and time, or "" and 0 where libgit2 fails.
std::pair<std::string, std::int64_t> libgit2_author(const std::string& signature)
{
  ensure_libgit2();
  git_signature* raw = nullptr;
  if (git_signature_from_buffer(&raw, signature.c_str()) != 0) {
    return {"", 0};
  }
  std::pair<std::string, std::int64_t> out{std::string(raw->name) + " <" + raw->email + ">", raw->when.time};
  git_signature_free(raw);
  return out;
}

TEST(ParseCommit, ReadsTheAuthorAsLibgit2Does)
{
  const std::string head = "tree " + k_tree + "\nauthor ";
  const std::string tail = "\ncommitter C <c@example.invalid> 5 +0000\n\nmessage\n";
  for (const std::string signature : {
           "A U Thor <a@example.invalid> 1700000000 +0100",
           "  .A. \"Quoted\", Name;  < 'a@example.invalid'. > 12 -0000",  // trimmed like libgit2
           "A <old> B <a@example.invalid> 7 +0000",                        // the last '<' and '>'
           "A <a@example.invalid>",                                        // no time: 0
           "A <a@example.invalid> ",
           "A <a@example.invalid>  42 +0000",                              // spaces before the time
           "A <a@example.invalid> -42 +0000",
           "A <a@example.invalid> +42",
           "A <a@example.invalid> 42abc",
           "A <a@example.invalid> x",                                      // libgit2 rejects it: ""
           "A <a@example.invalid> 99999999999999999999 +0000",             // overflow: rejected
           "<a@example.invalid> 3 +0000",
           "A <> 3 +0000",
       }) {
    CommitInfo info;
    ASSERT_TRUE(parse(head + signature + tail, info)) << signature;
    const auto [author, time] = libgit2_author(signature);
    EXPECT_EQ(info.author, author) << signature;
    EXPECT_EQ(info.author_time, time) << signature;
  }
}

TEST(CommitReader, PackedCommitsWalkLikeLibgit2Lookups)
{
  test::TempDir dir;
  const std::string repo_dir = dir.path();
  test::git_init(repo_dir);
  // Merges, a side branch, several roots' worth of times; half packed, half loose.
  for (int i = 0; i < 6; ++i) {
    write_file(repo_dir, "f.txt", std::to_string(i) + "\n");
    git_commit_all(repo_dir, "main " + std::to_string(i));
  }
  git(repo_dir, {"checkout", "-q", "-b", "side", "HEAD~3"});
  for (int i = 0; i < 3; ++i) {
    write_file(repo_dir, "g.txt", std::to_string(i) + "\n");
    git_commit_all(repo_dir, "side " + std::to_string(i));
  }
  git(repo_dir, {"checkout", "-q", "main"});
  git(repo_dir, {"merge", "-q", "--no-edit", "side"});
  git(repo_dir, {"gc", "-q"});
  write_file(repo_dir, "h.txt", "loose\n");
  git_commit_all(repo_dir, "loose");

  auto repo = open_repository(repo_dir);
  ASSERT_TRUE(repo.has_value());
  std::vector<std::string> broken;
  auto tips = collect_tips(repo->get(), broken);
  ASSERT_TRUE(tips.has_value());
  const std::vector<git_oid> starts = commit_tips(*tips);
  const CommitGraph looked_up = walk_commits(repo->get(), starts, {}, {}, SIZE_MAX);
  const CommitGraph packed = walk_commits(repo->get(), starts, {}, {}, 0);
  ASSERT_EQ(looked_up.ids.size(), 11u);
  ASSERT_EQ(packed.ids.size(), looked_up.ids.size());
  for (std::size_t i = 0; i < packed.ids.size(); ++i) {
    EXPECT_EQ(oid_hex(packed.ids[i]), oid_hex(looked_up.ids[i]));
    EXPECT_EQ(oid_hex(packed.trees[i]), oid_hex(looked_up.trees[i]));
    EXPECT_EQ(packed.times[i], looked_up.times[i]);
    EXPECT_EQ(packed.parents[i], looked_up.parents[i]);
    EXPECT_EQ(packed.author_names[packed.authors[i]], looked_up.author_names[looked_up.authors[i]]);
    EXPECT_EQ(packed.author_times[i], looked_up.author_times[i]);
  }
  EXPECT_EQ(packed.author_names[packed.authors[0]], "Test Author <author@example.com>");
  EXPECT_GT(packed.author_times[0], 0);
  EXPECT_EQ(packed.order, looked_up.order);
  EXPECT_EQ(reachable(repo->get(), starts, {}, 0).size(), reachable(repo->get(), starts, {}, SIZE_MAX).size());

  // Past the first commit the reader parses the packs; a missing start is still reported as missing.
  git_oid absent{};
  ASSERT_EQ(git_oid_fromstr(&absent, k_parent1.c_str()), 0);
  std::vector<git_oid> with_absent = starts;
  with_absent.push_back(absent);
  const CommitGraph partial = walk_commits(repo->get(), with_absent, {}, {}, 1);
  EXPECT_EQ(partial.ids.size(), 11u);
  ASSERT_EQ(partial.missing.size(), 1u);
  EXPECT_EQ(partial.missing[0], k_parent1);
}

}  // namespace
}  // namespace dsnguard::sources
