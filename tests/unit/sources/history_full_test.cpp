// HistoryIndex::add_full (trees read through the pack reader, loose trees through libgit2) must list exactly
// what a plain recursive libgit2 walk of every commit's tree lists, in the same order.
#include <gtest/gtest.h>

#include <tuple>
#include <unordered_set>

#include "sources/commit_graph.hpp"
#include "sources/history_index.hpp"
#include "support/process.hpp"

namespace dsnguard::sources {
namespace {

using test::git;
using test::git_commit_all;
using test::write_file;

// (blob hex, path, commit index) of each place, in order; the reference walk records the same.
using Places = std::vector<std::tuple<std::string, std::string, std::uint32_t>>;

struct Reference {
  git_repository* repo;
  Places places;
  std::unordered_set<std::string> seen_places;
  std::unordered_set<std::string> seen_trees;

  void walk(const git_oid& id, const std::string& prefix, std::uint32_t commit)
  {
    if (!seen_trees.insert(oid_hex(id) + "\n" + prefix).second) {
      return;
    }
    git_tree* raw = nullptr;
    ASSERT_EQ(git_tree_lookup(&raw, repo, &id), 0);
    const TreePtr tree(raw);
    for (std::size_t i = 0; i < git_tree_entrycount(tree.get()); ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(tree.get(), i);
      const std::string path = prefix + git_tree_entry_name(e);
      if (git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
        const std::string blob = oid_hex(*git_tree_entry_id(e));
        if (seen_places.insert(blob + "\n" + path).second) {
          places.emplace_back(blob, path, commit);
        }
      } else if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
        walk(*git_tree_entry_id(e), path + "/", commit);
      }
    }
  }
};

TEST(HistoryFull, ListsThePlacesOfARecursiveWalkInOrder)
{
  test::TempDir dir;
  const std::string repo_dir = dir.path();
  test::git_init(repo_dir);
  // Nested directories, one blob at several paths, a subtree shared by two directories, files before and after
  // directories in tree order, renames and deletions; half the history packed, the rest loose.
  write_file(repo_dir, "a.txt", "same\n");
  write_file(repo_dir, "b/x.txt", "same\n");
  write_file(repo_dir, "b/c/d.txt", "deep\n");
  write_file(repo_dir, "b/z.txt", "z1\n");
  write_file(repo_dir, "e/c/d.txt", "deep\n");
  write_file(repo_dir, "z.txt", "last\n");
  git_commit_all(repo_dir, "one");
  write_file(repo_dir, "b/c/d.txt", "deep 2\n");
  write_file(repo_dir, "b/y.txt", "same\n");
  git_commit_all(repo_dir, "two");
  git(repo_dir, {"mv", "b/c", "b/k"});
  git_commit_all(repo_dir, "three");
  git(repo_dir, {"gc", "-q", "--aggressive"});
  git(repo_dir, {"checkout", "-q", "-b", "side"});
  write_file(repo_dir, "side/new.txt", "same\n");
  write_file(repo_dir, "b/z.txt", "z2\n");
  git_commit_all(repo_dir, "four");
  git(repo_dir, {"rm", "-q", "-r", "e"});
  write_file(repo_dir, "0first.txt", "deep\n");
  git_commit_all(repo_dir, "five");

  auto repo = open_repository(repo_dir);
  ASSERT_TRUE(repo.has_value());
  std::vector<std::string> broken;
  auto tips = collect_tips(repo->get(), broken);
  ASSERT_TRUE(tips.has_value());
  std::vector<git_oid> starts;
  for (const auto& t : *tips) {
    if (t.is_commit) {
      starts.push_back(t.commit);
    }
  }
  const CommitGraph graph = walk_commits(repo->get(), starts, {});
  ASSERT_EQ(graph.ids.size(), 5u);

  Reference ref{repo->get(), {}, {}, {}};
  for (const std::uint32_t c : graph.order) {
    git_commit* raw = nullptr;
    ASSERT_EQ(git_commit_lookup(&raw, repo->get(), &graph.ids[c]), 0);
    const CommitPtr commit(raw);
    ref.walk(*git_commit_tree_id(commit.get()), "", c);
  }

  for (const unsigned threads : {1u, 2u}) {
    HistoryIndex index;
    std::vector<std::string> missing;
    index.add_full(repo->get(), git_repository_path(repo->get()), threads, graph, missing);
    EXPECT_TRUE(missing.empty());
    Places got;
    for (const auto& p : index.places()) {
      got.emplace_back(oid_hex(index.blobs()[p.blob].id), index.path(p.path), p.commit);
    }
    EXPECT_EQ(got, ref.places) << threads << " threads";
    // Blobs in order of first appearance, each with its first place.
    std::vector<std::string> order;
    std::unordered_set<std::string> seen;
    for (const auto& [blob, path, commit] : ref.places) {
      if (seen.insert(blob).second) {
        order.push_back(blob + " " + path + " " + std::to_string(commit));
      }
    }
    std::vector<std::string> blobs;
    for (const auto& b : index.blobs()) {
      blobs.push_back(oid_hex(b.id) + " " + index.path(b.path) + " " + std::to_string(b.commit));
    }
    EXPECT_EQ(blobs, order);
  }
}

}  // namespace
}  // namespace dsnguard::sources
