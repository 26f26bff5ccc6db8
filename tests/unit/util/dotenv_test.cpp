#include "util/dotenv.hpp"

#include <gtest/gtest.h>

namespace dsnguard::util {

TEST(Dotenv, ExportQuotesCommentsAndLines)
{
  const auto entries = parse_dotenv("# comment\n"
                                    "export A=1\n"
                                    "B = 'single # not a comment'\n"
                                    "C=\"double\\nline\" # trailing comment\n"
                                    "D=plain value # comment\n"
                                    "E=no#comment\n"
                                    "\n"
                                    "not an assignment\n"
                                    "F=\"multi\nline\"\n"
                                    "G=last\r\n");
  ASSERT_EQ(entries.size(), 7u);
  EXPECT_EQ(entries[0].key, "A");
  EXPECT_EQ(entries[0].value, "1");
  EXPECT_EQ(entries[0].line, 2u);
  EXPECT_EQ(entries[1].value, "single # not a comment");
  EXPECT_EQ(entries[2].value, "double\nline");
  EXPECT_EQ(entries[3].value, "plain value");
  EXPECT_EQ(entries[4].value, "no#comment");
  EXPECT_EQ(entries[5].value, "multi\nline");
  EXPECT_EQ(entries[6].key, "G");
  EXPECT_EQ(entries[6].value, "last");
  EXPECT_EQ(entries[6].line, 11u);
}

TEST(Dotenv, ExpansionFromFileThenLookup)
{
  const auto entries = parse_dotenv("USER=app\nPASS='p$w'\n"
                                    "URL=postgresql://${USER}:${PASS}@${HOST:-localhost}/$DB\n"
                                    "LIT='${USER}'\nESC=\"\\${USER}\"\n",
                                    [](const std::string& name) -> std::optional<std::string> {
                                      if (name == "DB") return std::string("appdb");
                                      return std::nullopt;
                                    });
  const auto* url = find_dotenv(entries, "URL");
  ASSERT_NE(url, nullptr);
  EXPECT_EQ(url->value, "postgresql://app:p$w@localhost/appdb");
  EXPECT_EQ(find_dotenv(entries, "LIT")->value, "${USER}");
  EXPECT_EQ(find_dotenv(entries, "ESC")->value, "${USER}");
  EXPECT_EQ(find_dotenv(entries, "MISSING"), nullptr);
}

TEST(Dotenv, LastAssignmentWins)
{
  const auto entries = parse_dotenv("X=1\nX=2\n");
  EXPECT_EQ(find_dotenv(entries, "X")->value, "2");
  EXPECT_EQ(find_dotenv(entries, "X")->line, 2u);
}

}  // namespace dsnguard::util
