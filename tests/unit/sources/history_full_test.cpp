// HistoryIndex::add_full (trees read through the pack reader, loose trees through libgit2) must list exactly
// what a plain recursive libgit2 walk of every commit's tree lists, in the same order.
#include <gtest/gtest.h>

#include <unistd.h>

#include <tuple>
#include <unordered_set>

#include "sources/commit_graph.hpp"
#include "sources/history_index.hpp"
#include "sources/pack_reader.hpp"
#include "sources/tree_store.hpp"
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

// Lists the full history of `graph` into `index` with HistoryIndex::add_full on `threads` threads: the tree pass
// on that many, and with two the walk in two parts (split from two commits on, so that small test histories are).
void list_full(git_repository* repo, const CommitGraph& graph, unsigned threads, HistoryIndex& index,
               std::vector<std::string>& missing)
{
  PackSet packs(git_repository_path(repo));
  auto trees = std::make_unique<TreeStore>();
  trees->load_packs(packs, threads);
  index.add_full(repo, std::move(trees), graph, missing, threads, /*split_commits=*/2);
}

// The places of `index` as (blob, path, commit).
Places places_of(const HistoryIndex& index)
{
  Places out;
  for (const auto& p : index.places()) {
    out.emplace_back(oid_hex(index.blobs()[p.blob].id), index.path(p.path), p.commit);
  }
  return out;
}

// Lists the repository's full history with HistoryIndex::add_full (1 thread, and 2: the tree pass on two threads
// and the walk in two parts, one per thread) and expects exactly the places and blobs of the reference walk, in
// the same order. Returns the number of places.
std::size_t expect_same_as_recursive_walk(const std::string& repo_dir, std::size_t commits)
{
  auto repo = open_repository(repo_dir);
  EXPECT_TRUE(repo.has_value());
  if (!repo.has_value()) {
    return 0;
  }
  std::vector<std::string> broken;
  auto tips = collect_tips(repo->get(), broken);
  EXPECT_TRUE(tips.has_value());
  const std::vector<git_oid> starts = commit_tips(*tips);
  const CommitGraph graph = walk_commits(repo->get(), starts, {});
  EXPECT_EQ(graph.ids.size(), commits);

  Reference ref{repo->get(), {}, {}, {}};
  for (const std::uint32_t c : graph.order) {
    git_commit* raw = nullptr;
    EXPECT_EQ(git_commit_lookup(&raw, repo->get(), &graph.ids[c]), 0);
    const CommitPtr commit(raw);
    ref.walk(*git_commit_tree_id(commit.get()), "", c);
  }

  for (const unsigned threads : {1u, 2u}) {
    HistoryIndex index;
    std::vector<std::string> missing;
    list_full(repo->get(), graph, threads, index, missing);
    EXPECT_TRUE(missing.empty());
    EXPECT_EQ(places_of(index), ref.places) << threads << " threads";
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
    EXPECT_EQ(blobs, order) << threads << " threads";
  }
  return ref.places.size();
}

// A fast-import stream of `commits` commits on a wide root directory (`width` files) with a small subdirectory:
// each commit changes a few files (some back to older contents), now and then copies the subdirectory to a
// second path (the same tree at two prefixes) or deletes and re-adds files; a side branch is merged back.
std::string wide_history(int commits, int width)
{
  std::string out;
  int mark = 0;
  const auto blob = [&](const std::string& content) {
    out += "blob\nmark :" + std::to_string(++mark) + "\ndata " + std::to_string(content.size()) + "\n" + content + "\n";
    return mark;
  };
  const auto name = [](int i) {
    // Long shared prefixes: delta copies cut through names and ids, not only whole entries.
    return "file-with-a-long-common-prefix-" + std::to_string(i % 7) + "-" + std::to_string(i) + ".txt";
  };
  int time = 1700000000;
  int last_main = 0;
  for (int c = 1; c <= commits; ++c) {
    const bool side = c % 9 == 5;
    std::vector<std::pair<std::string, int>> changes;
    std::vector<std::string> deletes;
    if (c == 1) {
      for (int i = 0; i < width; ++i) {
        changes.emplace_back(name(i), blob("initial " + std::to_string(i) + "\n"));
      }
      changes.emplace_back("sub/a.txt", blob("sub a\n"));
      changes.emplace_back("sub/deeper/b.txt", blob("sub b\n"));
    } else {
      for (int k = 0; k < 3; ++k) {
        const int i = (c * 37 + k * 101) % width;
        // Every fourth change restores an earlier content (same blob, same path again).
        const int version = (c + k) % 4 == 0 ? 1 : c;
        changes.emplace_back(name(i), blob("content " + std::to_string(i) + " v" + std::to_string(version) + "\n"));
      }
      if (c % 6 == 0) {
        changes.emplace_back("sub/a.txt", blob("sub a v" + std::to_string(c) + "\n"));
      }
      if (c % 10 == 3) {
        deletes.push_back(name((c * 13) % width));
      }
      if (c % 10 == 7) {
        changes.emplace_back(name((c * 13 - 52) % width), blob("back " + std::to_string(c) + "\n"));
      }
      if (c % 8 == 4) {
        changes.emplace_back("copy-" + std::to_string(c % 3) + "/a.txt", blob("sub a\n"));
        changes.emplace_back("copy-" + std::to_string(c % 3) + "/deeper/b.txt", blob("sub b\n"));
      }
      if (c % 15 == 0) {
        deletes.push_back("copy-0");
      }
    }
    out += std::string("commit refs/heads/") + (side ? "side" : "main") + "\nmark :" + std::to_string(++mark) + "\n";
    out += "committer T <t@example.invalid> " + std::to_string(time += 60) + " +0000\ndata 2\nc\n";
    if (side && last_main != 0) {
      out += "from :" + std::to_string(last_main) + "\n";
    } else if (!side && c % 9 == 6 && c > 6) {
      out += "merge refs/heads/side\n";
    }
    for (const auto& d : deletes) {
      out += "D " + d + "\n";
    }
    for (const auto& [path, m] : changes) {
      out += "M 100644 :" + std::to_string(m) + " " + path + "\n";
    }
    out += "\n";
    if (!side) {
      last_main = mark;
    }
  }
  return out;
}

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

  expect_same_as_recursive_walk(repo_dir, 5);
}

TEST(HistoryFull, WideTreesWithDeepDeltaChainsListLikeARecursiveWalk)
{
  test::TempDir dir;
  const std::string repo_dir = dir.path();
  test::git_init(repo_dir);
  test::RunOptions in;
  in.stdin_data = wide_history(120, 300);
  git(repo_dir, {"fast-import", "--quiet"}, in);
  // Long delta chains of the root tree: most trees are stored as deltas of deltas.
  git(repo_dir, {"repack", "-q", "-a", "-d", "-f", "--depth=50", "--window=20"});
  const std::string count = git(repo_dir, {"rev-list", "--all", "--count"});
  const std::size_t places = expect_same_as_recursive_walk(repo_dir, std::stoul(count));
  EXPECT_GT(places, 300u);
}

TEST(HistoryFull, TreesInSeveralPacksAndLooseListLikeARecursiveWalk)
{
  test::TempDir dir;
  const std::string repo_dir = dir.path();
  test::git_init(repo_dir);
  test::RunOptions in;
  in.stdin_data = wide_history(40, 120);
  git(repo_dir, {"fast-import", "--quiet"}, in);
  git(repo_dir, {"repack", "-q", "-a", "-d", "--depth=10"});
  // A second pack holding the same trees again (repack -a without -d keeps the first), then loose commits on top.
  git(repo_dir, {"repack", "-q", "-a", "-f", "--depth=3"});
  git(repo_dir, {"checkout", "-q", "main"});
  write_file(repo_dir, "file-with-a-long-common-prefix-0-0.txt", "loose change\n");
  write_file(repo_dir, "sub/deeper/b.txt", "loose b\n");
  git_commit_all(repo_dir, "loose one");
  write_file(repo_dir, "copy-9/a.txt", "sub a\n");
  git_commit_all(repo_dir, "loose two");
  const std::string count = git(repo_dir, {"rev-list", "--all", "--count"});
  expect_same_as_recursive_walk(repo_dir, std::stoul(count));
}

// A tree that cannot be read (its loose object deleted): with two threads the walk is not split (each part would
// report it where it meets it) and lists what one thread lists, reporting the tree once.
TEST(HistoryFull, AnUnreadableTreeKeepsTheWalkOnOneThread)
{
  test::TempDir dir;
  const std::string repo_dir = dir.path();
  test::git_init(repo_dir);
  // gone/ is the same tree in every commit, so both parts of a split walk would meet it.
  write_file(repo_dir, "gone/f.txt", "g\n");
  for (int c = 0; c < 6; ++c) {
    write_file(repo_dir, "top" + std::to_string(c % 2) + ".txt", "v" + std::to_string(c) + "\n");
    git_commit_all(repo_dir, "c" + std::to_string(c));
  }
  // Its loose object is removed (nothing was packed).
  const std::string lost = test::trim_newlines(git(repo_dir, {"rev-parse", "HEAD:gone"}));
  ASSERT_EQ(::unlink((repo_dir + "/.git/objects/" + lost.substr(0, 2) + "/" + lost.substr(2)).c_str()), 0);

  auto repo = open_repository(repo_dir);
  ASSERT_TRUE(repo.has_value());
  std::vector<std::string> broken;
  auto tips = collect_tips(repo->get(), broken);
  ASSERT_TRUE(tips.has_value());
  const std::vector<git_oid> starts = commit_tips(*tips);
  const CommitGraph graph = walk_commits(repo->get(), starts, {});
  ASSERT_EQ(graph.ids.size(), 6u);
  std::vector<Places> lists;
  std::vector<std::vector<std::string>> missings;
  for (const unsigned threads : {1u, 2u}) {
    HistoryIndex index;
    std::vector<std::string> missing;
    list_full(repo->get(), graph, threads, index, missing);
    lists.push_back(places_of(index));
    missings.push_back(std::move(missing));
  }
  EXPECT_EQ(missings[0], std::vector<std::string>{lost});
  EXPECT_EQ(missings[1], missings[0]);
  EXPECT_EQ(lists[1], lists[0]);
  EXPECT_FALSE(lists[0].empty());
}

}  // namespace
}  // namespace dsnguard::sources
