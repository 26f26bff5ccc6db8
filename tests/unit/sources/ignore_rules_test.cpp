#include "sources/ignore_rules.hpp"

#include <gtest/gtest.h>

namespace dsnguard::sources {

TEST(Wildmatch, StarsQuestionMarksAndClasses)
{
  EXPECT_TRUE(wildmatch(".env", ".env"));
  EXPECT_TRUE(wildmatch(".env*", ".env.local"));
  EXPECT_TRUE(wildmatch("*.env", "prod.env"));
  EXPECT_FALSE(wildmatch("*.env", "sub/prod.env"));  // '*' never crosses '/'
  EXPECT_TRUE(wildmatch(".env.*.local", ".env.development.local"));
  EXPECT_FALSE(wildmatch(".env.*.local", ".env.local"));
  EXPECT_TRUE(wildmatch(".env.?", ".env.a"));
  EXPECT_TRUE(wildmatch(".env.[ab]", ".env.b"));
  EXPECT_FALSE(wildmatch(".env.[!ab]", ".env.b"));
  EXPECT_TRUE(wildmatch(".env.[a-c]x", ".env.bx"));
  EXPECT_TRUE(wildmatch("\\!important", "!important"));
}

TEST(Wildmatch, DoubleStar)
{
  EXPECT_TRUE(wildmatch("**/.env", ".env"));
  EXPECT_TRUE(wildmatch("**/.env", "a/b/.env"));
  EXPECT_TRUE(wildmatch("config/**", "config/a/b"));
  EXPECT_TRUE(wildmatch("a/**/b", "a/b"));
  EXPECT_TRUE(wildmatch("a/**/b", "a/x/y/b"));
  EXPECT_FALSE(wildmatch("a/**/b", "c/a/b"));
}

TEST(IgnoreText, ParsesNegationAnchorsCommentsAndTrailingSpaces)
{
  const auto ps = parse_ignore_text("# comment\n\n.env  \n!.env.example\r\n/root-only\nbuild/\n\\#hash\ndocs/*.md\n");
  ASSERT_EQ(ps.size(), 6u);
  EXPECT_EQ(ps[0].glob, ".env");
  EXPECT_EQ(ps[0].line, 3u);
  EXPECT_TRUE(ps[1].negated);
  EXPECT_EQ(ps[1].glob, ".env.example");
  EXPECT_EQ(ps[1].text, "!.env.example");
  EXPECT_TRUE(ps[2].anchored);
  EXPECT_EQ(ps[2].glob, "root-only");
  EXPECT_TRUE(ps[3].dir_only);
  EXPECT_FALSE(ps[3].anchored);
  EXPECT_EQ(ps[4].glob, "\\#hash");
  EXPECT_TRUE(ps[5].anchored);
}

TEST(IgnoreText, LastMatchWinsAndRespectsBaseDirectory)
{
  IgnoreFile f;
  f.base = "sub";
  f.path = "sub/.gitignore";
  f.patterns = parse_ignore_text(".env*\n!.env.example\n/only-here\n");
  const auto* p = last_match(f, "sub/.env.example", false);
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->negated);
  p = last_match(f, "sub/deep/.env", false);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->line, 1u);
  EXPECT_EQ(last_match(f, ".env", false), nullptr);  // outside the file's directory
  EXPECT_NE(last_match(f, "sub/only-here", false), nullptr);
  EXPECT_EQ(last_match(f, "sub/deep/only-here", false), nullptr);  // anchored to sub/
}

}  // namespace dsnguard::sources
