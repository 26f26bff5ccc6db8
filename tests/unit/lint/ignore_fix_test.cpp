#include "lint/ignore_fix.hpp"

#include <gtest/gtest.h>

namespace dsnguard::lint {

const std::vector<std::string> k_lines{".env", ".env.local", ".env.*.local"};

TEST(IgnoreFix, AppendsMissingLinesWithTrailingNewline)
{
  const auto out = append_ignore_lines("node_modules/\n.env", k_lines);
  EXPECT_EQ(out, "node_modules/\n.env\n# dsnguard: keep environment files out of git\n.env.local\n.env.*.local\n");
}

TEST(IgnoreFix, PreservesCrlf)
{
  const auto out = append_ignore_lines("a\r\nb", k_lines);
  EXPECT_EQ(out, "a\r\nb\r\n# dsnguard: keep environment files out of git\r\n.env\r\n.env.local\r\n.env.*.local\r\n");
}

TEST(IgnoreFix, IsIdempotent)
{
  const auto once = append_ignore_lines("", k_lines);
  EXPECT_EQ(append_ignore_lines(once, k_lines), once);
  const auto crlf = append_ignore_lines("x\r\n", k_lines);
  EXPECT_EQ(append_ignore_lines(crlf, k_lines), crlf);
  EXPECT_TRUE(missing_ignore_lines(crlf, k_lines).empty());
}

TEST(IgnoreFix, DeduplicatesRequestedLines)
{
  EXPECT_EQ(missing_ignore_lines("", {".env", " .env ", ".env"}), std::vector<std::string>{".env"});
}

}  // namespace dsnguard::lint
