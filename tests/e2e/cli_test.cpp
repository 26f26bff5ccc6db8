// End-to-end: command-line contract (flags, help, exit codes for usage errors).
#include <gtest/gtest.h>

#include "support/process.hpp"

namespace dsnguard::test {

TEST(Cli, VersionAndHelp)
{
  const auto v = dsnguard({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.out.find("dsnguard 0.1.0"), std::string::npos);
  const auto h = dsnguard({"scan", "--help"});
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.out.find("--history"), std::string::npos);
}

TEST(Cli, UnknownFlagIsUsageErrorNamingTheFlag)
{
  const auto r = dsnguard({"scan", "--bogus"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--bogus"), std::string::npos);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(Cli, UnknownCommandIsUsageError)
{
  const auto r = dsnguard({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("frobnicate"), std::string::npos);
}

TEST(Cli, FlagOfAnotherCommandIsRejected)
{
  const auto r = dsnguard({"scan", "--fix"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--fix"), std::string::npos);
}

TEST(Cli, BadValuesAreUsageErrors)
{
  EXPECT_EQ(dsnguard({"scan", "--format", "xml"}).exit_code, 2);
  EXPECT_EQ(dsnguard({"scan", "--min-confidence", "extreme"}).exit_code, 2);
  EXPECT_EQ(dsnguard({"scan", "--max-file-size", "ten"}).exit_code, 2);
  EXPECT_EQ(dsnguard({"scan", "--history", "--staged"}).exit_code, 2);
  EXPECT_EQ(dsnguard({"scan", "--since", "HEAD~1"}).exit_code, 2);
}

}  // namespace dsnguard::test
