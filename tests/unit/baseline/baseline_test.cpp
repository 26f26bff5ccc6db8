#include "baseline/baseline.hpp"

#include <gtest/gtest.h>

#include "core/fingerprint.hpp"

namespace dsnguard::baseline {

namespace {
core::Finding finding(const std::string& rule, const std::string& path, const std::string& secret, std::uint32_t line)
{
  core::Finding f;
  f.rule_id = rule;
  f.location.path = path;
  f.location.line = line;
  f.fingerprint = core::fingerprint(rule, path, secret);
  return f;
}
}  // namespace

TEST(Baseline, WriteThenReadRoundTripsSortedWithoutSecrets)
{
  std::vector<core::Finding> fs = {finding("postgres-uri", "b.py", "pw-one", 3), finding("postgres-uri", "a.py", "pw-two", 9),
                                   finding("postgres-uri", "b.py", "pw-one", 30)};  // same secret twice
  const auto text = serialize(entries_for(fs));
  EXPECT_EQ(text.find("pw-one"), std::string::npos);
  EXPECT_EQ(text.find("pw-two"), std::string::npos);
  EXPECT_EQ(text.rfind(std::string(k_header), 0), 0u);
  EXPECT_EQ(serialize(entries_for(fs)), text);  // deterministic: no timestamps
  const auto b = parse(text, "bl");
  ASSERT_TRUE(b.has_value()) << b.error().message;
  ASSERT_EQ(b->entries.size(), 2u);  // deduplicated
  EXPECT_LT(b->entries[0].fingerprint, b->entries[1].fingerprint);
  EXPECT_TRUE(b->contains(fs[0].fingerprint));
  EXPECT_TRUE(b->contains(fs[1].fingerprint));
  EXPECT_FALSE(b->contains(core::fingerprint("postgres-uri", "a.py", "pw-three")));
}

TEST(Baseline, MatchingIgnoresLinesAndReportsStale)
{
  const auto old = finding("postgres-uri", "app.py", "secret-a", 10);
  const auto gone = finding("postgres-uri", "old.py", "secret-b", 1);
  const auto b = parse(serialize(entries_for({old, gone})), "bl");
  ASSERT_TRUE(b.has_value());
  // The same secret moved 20 lines down (an edit above it), plus a new secret in the same file.
  std::vector<core::Finding> now = {finding("postgres-uri", "app.py", "secret-a", 30),
                                    finding("postgres-uri", "app.py", "secret-new", 31)};
  now.push_back(finding("postgres-uri", "inline.py", "x", 1));
  now.back().suppressed = true;
  now.back().suppressed_by = "inline";
  const auto stale = apply(*b, now);
  EXPECT_TRUE(now[0].suppressed);
  EXPECT_EQ(now[0].suppressed_by, "baseline");
  EXPECT_FALSE(now[1].suppressed);  // a new secret on an accepted line is still reported
  EXPECT_EQ(now[2].suppressed_by, "inline");  // an earlier suppression is kept
  ASSERT_EQ(stale.size(), 1u);
  EXPECT_EQ(stale[0].fingerprint, gone.fingerprint);
  EXPECT_EQ(stale[0].path, "old.py");
}

TEST(Baseline, EntriesLeaveOutInlineAndConfigSuppressions)
{
  auto a = finding("r", "a", "1", 1);
  auto b = finding("r", "b", "2", 1);
  b.suppressed = true;
  b.suppressed_by = "inline";
  auto c = finding("r", "c", "3", 1);
  c.suppressed = true;
  c.suppressed_by = "baseline";
  const auto e = entries_for({a, b, c});
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].path, "a");
  EXPECT_EQ(e[1].path, "c");
}

TEST(Baseline, BrokenFilesAreErrorsNamingFileAndLine)
{
  auto b = parse("# ok\nv1:0123456789abcdef0123456789abcdef r p\nnot an entry\n", "my.baseline");
  ASSERT_FALSE(b.has_value());
  EXPECT_EQ(b.error().code, core::ErrorCode::config);
  EXPECT_NE(b.error().message.find("my.baseline"), std::string::npos);
  EXPECT_NE(b.error().message.find("line 3"), std::string::npos) << b.error().message;
  b = parse("v9:0123456789abcdef0123456789abcdef\n", "f");
  ASSERT_FALSE(b.has_value());
  EXPECT_NE(b.error().message.find("v9"), std::string::npos);
  // A gitleaks-style JSON report is not a baseline.
  EXPECT_FALSE(parse("[{\"Fingerprint\": \"x\"}]", "f").has_value());
  const auto missing = load("/nonexistent/baseline");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("cannot read baseline '/nonexistent/baseline'"), std::string::npos);
}

TEST(Baseline, AcceptsCrlfCommentsAndPathsWithSpaces)
{
  const auto b = parse("# c\r\n\r\nv1:0123456789abcdef0123456789abcdef  postgres-uri  dir with space/a.py\r\n", "f");
  ASSERT_TRUE(b.has_value()) << b.error().message;
  ASSERT_EQ(b->entries.size(), 1u);
  EXPECT_EQ(b->entries[0].rule_id, "postgres-uri");
  EXPECT_EQ(b->entries[0].path, "dir with space/a.py");
}

}  // namespace dsnguard::baseline
