// scan/joined.cpp: URLs split across string literals the language joins.
#include <gtest/gtest.h>

#include "scan/joined.hpp"

namespace dsnguard::scan {
namespace {

// The joined text of the split URL whose scheme starts at the first occurrence of `scheme` in `text`.
std::optional<std::string> joined(std::string_view text, std::string_view scheme = "postgres")
{
  const std::size_t hit = text.find(scheme);
  EXPECT_NE(hit, std::string_view::npos);
  const auto start = split_url_start(text, hit);
  if (!start) {
    return std::nullopt;
  }
  const auto j = join_literals(text, *start);
  if (!j) {
    return std::nullopt;
  }
  EXPECT_EQ(j->offset, *start);
  return j->text;
}

TEST(Joined, AdjacentLiteralsAcrossLines)
{
  EXPECT_EQ(joined("URL = (\n    \"postgresql://app:\"\n    \"s3cretPw9@db.acme.net/app\"\n)\n"),
            "postgresql://app:s3cretPw9@db.acme.net/app");
  EXPECT_EQ(joined("const char* u = \"postgres://app:\" \"s3cretPw9@db\";"), "postgres://app:s3cretPw9@db");
  EXPECT_EQ(joined("u = \"postgres://app:\" \\\n    \"s3cretPw9@db\"\n"), "postgres://app:s3cretPw9@db");
  // The URI parser's scheme grammar, '_' of SQLAlchemy driver names included.
  EXPECT_EQ(joined("u = \"oracle+cx_oracle://app:\" \"s3cretPw9@db\"", "oracle"), "oracle+cx_oracle://app:s3cretPw9@db");
}

TEST(Joined, PlusAndPhpDot)
{
  EXPECT_EQ(joined("const u = \"postgres://admin:\" +\n  'Vq83nLp2@db.acme.net/prod';"), "postgres://admin:Vq83nLp2@db.acme.net/prod");
  EXPECT_EQ(joined("$u = 'pgsql://web:' . 'Vq83nLp2@db' . '/shop';", "pgsql"), "pgsql://web:Vq83nLp2@db/shop");
  EXPECT_EQ(joined("u = \"mysql://root:\" + \"Vq83nLp2@db:\" + 3306 + \"/x\"", "mysql"), "mysql://root:Vq83nLp2@db:3306/x");
}

TEST(Joined, NamesBecomeInterpolations)
{
  EXPECT_EQ(joined("u = \"postgres://app:\" + PASSWORD + \"@db/app\""), "postgres://app:${PASSWORD}@db/app");
  EXPECT_EQ(joined("u = \"postgres://app:\" + \"Vq83nLp2@\" + cfg.host + \"/app\""), "postgres://app:Vq83nLp2@${cfg.host}/app");
  EXPECT_EQ(joined("u = \"postgres://app:\" + quote(pw, safe='') + \"@db/app\""), "postgres://app:${quote}@db/app");
  EXPECT_EQ(joined("$u = 'pgsql://web:' . $pw . '@db';", "pgsql"), "pgsql://web:${$pw}@db");
  EXPECT_EQ(joined("u = \"postgres://app:\" f\"{pw}@db\""), "postgres://app:{pw}@db");  // prefixed literal
}

TEST(Joined, NotSplitOrNothingJoined)
{
  // Complete in one literal: the rules see it as it is.
  EXPECT_FALSE(split_url_start("u = \"postgres://app:pw@db/app\"", 5));
  // Not in a literal.
  EXPECT_FALSE(split_url_start("DATABASE_URL=postgres://app:", 13));
  // A literal running past the line.
  EXPECT_FALSE(joined("u = \"postgres://app:\n"));
  // Nothing joined: the next token is not a joiner or a literal.
  EXPECT_FALSE(joined("urls = [\"postgres://app:\", \"pw@db\"]"));
  EXPECT_FALSE(joined("a = \"postgres://app:\"\nb = \"pw@db\"\n"));
  EXPECT_FALSE(joined("n = \"postgres://x\".length + \"@\""));  // a member access, not PHP's dot
  // Joined, but no userinfo: no credential.
  EXPECT_FALSE(joined("u = \"postgres://\" + \"db.acme.net/app\""));
}

TEST(Joined, EscapesAndLimits)
{
  EXPECT_EQ(joined("u = \"postgres://app:\" \"pw\\\"x@db\""), "postgres://app:pw\"x@db");
  std::string many = "u = \"postgres://a:\"";
  for (int i = 0; i < 40; ++i) {
    many += " + \"x\"";
  }
  many += " + \"@db\"";
  EXPECT_FALSE(joined(many));  // past 16 pieces the '@' is never reached
}

}  // namespace
}  // namespace dsnguard::scan
