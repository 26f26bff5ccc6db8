// RepoView on real temporary repositories (git CLI to build them, libgit2 through sources/ to read them).
#include <gtest/gtest.h>

#include <algorithm>

#include "sources/sources.hpp"
#include "support/process.hpp"

namespace dsnguard::test {

namespace {

std::unique_ptr<core::RepoView> open(const std::string& dir)
{
  auto v = sources::open_repo_view(dir, false);
  EXPECT_TRUE(v.has_value()) << (v ? "" : v.error().message);
  return v ? std::move(*v) : nullptr;
}

}  // namespace

TEST(RepoView, TrackStatesAndWorktreeFiles)
{
  TempDir d;
  git_init(d.path());
  write_file(d.path(), ".gitignore", "*.log\nbuild/\n");
  write_file(d.path(), "tracked.txt", "x");
  write_file(d.path(), "debug.log", "x");
  write_file(d.path(), "build/out.o", "x");
  write_file(d.path(), "new.txt", "x");
  git(d.path(), {"add", ".gitignore", "tracked.txt"});
  git(d.path(), {"add", "-f", "build/out.o"});
  git(d.path(), {"commit", "-qm", "init"});
  write_file(d.path(), "build/other.o", "x");
  auto view = open(d.path());
  ASSERT_TRUE(view);
  EXPECT_TRUE(view->is_git());
  EXPECT_EQ(*view->track_state("tracked.txt"), core::TrackState::tracked);
  EXPECT_EQ(*view->track_state("build/out.o"), core::TrackState::tracked);  // tracked beats ignored
  EXPECT_EQ(*view->track_state("debug.log"), core::TrackState::ignored);
  EXPECT_EQ(*view->track_state("new.txt"), core::TrackState::untracked_not_ignored);
  const auto files = *view->worktree_files();
  const auto has = [&](const std::string& f) { return std::find(files.begin(), files.end(), f) != files.end(); };
  EXPECT_TRUE(has("debug.log"));     // ignored files are listed
  EXPECT_TRUE(has("build/out.o"));   // ignored dir with tracked files is entered
  EXPECT_TRUE(has("build/other.o"));
  EXPECT_FALSE(has(".git/HEAD"));
}

TEST(RepoView, IgnoredDirectoryWithoutTrackedFilesIsNotEntered)
{
  TempDir d;
  git_init(d.path());
  write_file(d.path(), ".gitignore", "node_modules/\n");
  write_file(d.path(), "node_modules/pkg/.env", "X=1\n");
  auto view = open(d.path());
  ASSERT_TRUE(view);
  const auto files = *view->worktree_files();
  EXPECT_EQ(std::count(files.begin(), files.end(), "node_modules/pkg/.env"), 0);
  EXPECT_EQ(std::count(files.begin(), files.end(), ".gitignore"), 1);
}

TEST(RepoView, RepoRulesExcludeInfoExcludeAndGlobalExcludes)
{
  TempDir d;
  git_init(d.path());
  TempDir home;
  write_file(home.path(), "global-ignore", ".env.global\n");
  write_file(d.path(), ".gitignore", ".env\n");
  write_file(d.path(), ".git/info/exclude", ".env.info\n");
  git(d.path(), {"config", "core.excludesFile", home / "global-ignore"});
  auto view = open(d.path());
  ASSERT_TRUE(view);

  auto v = *view->ignore_verdict(".env");
  EXPECT_TRUE(v.ignored);
  EXPECT_EQ(v.scope, core::IgnoreScope::repo_gitignore);
  EXPECT_EQ(v.source_file, ".gitignore");
  EXPECT_EQ(v.line, 1u);
  EXPECT_EQ(v.pattern, ".env");
  EXPECT_TRUE(*view->ignored_by_repo_rules(".env"));

  v = *view->ignore_verdict(".env.info");
  EXPECT_TRUE(v.ignored);
  EXPECT_EQ(v.scope, core::IgnoreScope::info_exclude);
  EXPECT_FALSE(*view->ignored_by_repo_rules(".env.info"));

  v = *view->ignore_verdict(".env.global");
  EXPECT_TRUE(v.ignored);
  EXPECT_EQ(v.scope, core::IgnoreScope::global_excludes);
  EXPECT_FALSE(*view->ignored_by_repo_rules(".env.global"));

  v = *view->ignore_verdict(".env.none");
  EXPECT_FALSE(v.ignored);
  EXPECT_EQ(v.scope, core::IgnoreScope::none);
  // Nothing was written into the work tree or the repository.
  EXPECT_EQ(git(d.path(), {"status", "--porcelain", "--ignored"}), "?? .gitignore\n");
}

TEST(RepoView, NegationIsNamedWithFileAndLine)
{
  TempDir d;
  git_init(d.path());
  write_file(d.path(), ".gitignore", ".env*\n# keep the real one, oops\n!.env\n");
  write_file(d.path(), "sub/.gitignore", "!.env.local\n");
  auto view = open(d.path());
  ASSERT_TRUE(view);
  auto v = *view->ignore_verdict(".env");
  EXPECT_FALSE(v.ignored);
  EXPECT_TRUE(v.negated);
  EXPECT_EQ(v.line, 3u);
  EXPECT_EQ(v.pattern, "!.env");
  v = *view->ignore_verdict("sub/.env.local");
  EXPECT_FALSE(v.ignored);
  EXPECT_TRUE(v.negated);
  EXPECT_EQ(v.source_file, "sub/.gitignore");
  v = *view->ignore_verdict("sub/.env.prod");
  EXPECT_TRUE(v.ignored);
  EXPECT_EQ(v.source_file, ".gitignore");
  EXPECT_EQ(v.line, 1u);
}

TEST(RepoView, FileBelowIgnoredDirectoryCannotBeReincluded)
{
  TempDir d;
  git_init(d.path());
  write_file(d.path(), ".gitignore", "secrets/\n!secrets/.env\n");
  auto view = open(d.path());
  ASSERT_TRUE(view);
  const auto v = *view->ignore_verdict("secrets/.env");
  EXPECT_TRUE(v.ignored);
  EXPECT_EQ(v.pattern, "secrets/");
}

TEST(RepoView, PlainDirectoryAndMissingPath)
{
  TempDir d;
  write_file(d.path(), "a/b.txt", "x");
  auto view = sources::open_repo_view(d.path(), true);
  ASSERT_TRUE(view.has_value());
  EXPECT_FALSE((*view)->is_git());
  EXPECT_EQ(*(*view)->worktree_files(), std::vector<std::string>{"a/b.txt"});
  const auto missing = sources::open_repo_view(d / "nope", false);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, core::ErrorCode::not_found);
}

TEST(RepoView, OpensFromASubdirectory)
{
  TempDir d;
  git_init(d.path());
  write_file(d.path(), "sub/x.txt", "x");
  auto view = open(d / "sub");
  ASSERT_TRUE(view);
  EXPECT_TRUE(view->is_git());
  EXPECT_EQ(*view->track_state("sub/x.txt"), core::TrackState::untracked_not_ignored);
}

}  // namespace dsnguard::test
