// End-to-end: --output never replaces what it writes to unless that is a regular file: a FIFO (or /dev/null,
// which the tests must not risk) stays what it is, a symlink stays a link to the report, an existing report keeps
// its permissions.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/process.hpp"

namespace dsnguard::test {

namespace {

std::string repo_with_finding(const TempDir& dir)
{
  git_init(dir.path());
  write_file(dir.path(), "settings.py", "URL = 'postgres://app:Hq83kdLs02x@db.prod.internal:5432/app'\n");
  git_commit_all(dir.path(), "add");
  return dir.path();
}

TEST(OutputFile, AFifoIsWrittenNotReplaced)
{
  TempDir dir;
  const std::string repo = repo_with_finding(dir);
  TempDir out;
  const std::string fifo = out / "report.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);  // lets the writer open it
  ASSERT_GE(reader, 0);
  const auto r = dsnguard({"scan", "--format", "json", "--output", fifo, repo});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = ::read(reader, buf, sizeof buf)) > 0;) {
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(reader);
  const auto report = nlohmann::json::parse(text, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << text;
  EXPECT_EQ(report["findings"].size(), 1u);
  struct stat st {};
  ASSERT_EQ(::stat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
}

TEST(OutputFile, ASymlinkStaysALinkToTheReport)
{
  TempDir dir;
  const std::string repo = repo_with_finding(dir);
  TempDir out;
  write_file(out.path(), "real.json", "old");
  ASSERT_EQ(::symlink((out / "real.json").c_str(), (out / "link.json").c_str()), 0);
  const auto r = dsnguard({"scan", "--format", "json", "--output", out / "link.json", repo});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  struct stat lst {};
  ASSERT_EQ(::lstat((out / "link.json").c_str(), &lst), 0);
  EXPECT_TRUE(S_ISLNK(lst.st_mode));
  const auto report = nlohmann::json::parse(read_file(out / "real.json"), nullptr, false);
  ASSERT_FALSE(report.is_discarded());
  EXPECT_EQ(report["findings"].size(), 1u);
}

TEST(OutputFile, AnExistingReportKeepsItsPermissions)
{
  TempDir dir;
  const std::string repo = repo_with_finding(dir);
  TempDir out;
  const std::string file = out / "report.json";
  write_file(out.path(), "report.json", "old");
  ASSERT_EQ(::chmod(file.c_str(), 0600), 0);
  const auto r = dsnguard({"scan", "--format", "json", "--output", file, repo});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_NE(read_file(file).find("\"findings\""), std::string::npos);
}

}  // namespace
}  // namespace dsnguard::test
