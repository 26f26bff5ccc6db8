#include "config/repo_config.hpp"

#include <gtest/gtest.h>

#include "config/glob.hpp"

namespace dsnguard::config {

TEST(Glob, SegmentsStarsAndClasses)
{
  EXPECT_TRUE(glob_match("*.pem", "certs/dev/key.pem"));  // no '/': basename at any depth
  EXPECT_FALSE(glob_match("*.pem", "certs/key.pem.bak"));
  EXPECT_TRUE(glob_match("tests/fixtures/", "tests/fixtures/a/b.env"));
  EXPECT_FALSE(glob_match("tests/fixtures/", "src/tests/fixtures/a.env"));  // anchored
  EXPECT_TRUE(glob_match("docs/*.md", "docs/setup.md"));
  EXPECT_FALSE(glob_match("docs/*.md", "docs/sub/setup.md"));  // '*' stops at '/'
  EXPECT_TRUE(glob_match("docs/**/*.md", "docs/setup.md"));   // '**/' matches zero dirs
  EXPECT_TRUE(glob_match("docs/**/*.md", "docs/a/b/setup.md"));
  EXPECT_TRUE(glob_match("**/examples/**", "x/y/examples/db.py"));
  EXPECT_TRUE(glob_match("/.env.example", ".env.example"));
  EXPECT_FALSE(glob_match("/.env.example", "sub/.env.example"));
  EXPECT_TRUE(glob_match(".env.[!l]*", ".env.test"));
  EXPECT_FALSE(glob_match(".env.[!l]*", ".env.local"));
  EXPECT_TRUE(glob_match("file?.txt", "file1.txt"));
  EXPECT_FALSE(glob_match("a?b", "a/b"));
  EXPECT_TRUE(glob_match("weird[", "weird["));  // malformed class is literal
  EXPECT_FALSE(glob_match("", "anything"));
}

TEST(RepoConfig, ParsesEveryKey)
{
  const auto c = parse_repo_config(R"({
    // comments are allowed
    "version": 1,
    "allow-paths": ["tests/fixtures/", "*.example"],
    "rules": {"env-file": "off", "postgres-uri": {"severity": "warning"}, "mysql-uri": {"enabled": false}},
    "fail-on": "high",
    "extra-rules": ["ci/rules.json", "/abs/rules"],
    "baseline": "baseline.txt"
  })",
                                   "cfg", "/repo");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_TRUE(c->path_allowed("tests/fixtures/x.py"));
  EXPECT_TRUE(c->path_allowed("a/.env.example"));
  EXPECT_FALSE(c->path_allowed("src/app.py"));
  EXPECT_FALSE(c->rule_enabled("env-file"));
  EXPECT_FALSE(c->rule_enabled("mysql-uri"));
  EXPECT_TRUE(c->rule_enabled("postgres-uri"));
  EXPECT_TRUE(c->rule_enabled("never-mentioned"));
  EXPECT_EQ(c->severity_for("postgres-uri"), core::Severity::warning);
  EXPECT_FALSE(c->severity_for("env-file").has_value());
  EXPECT_EQ(c->fail_on, "high");
  ASSERT_EQ(c->extra_rules.size(), 2u);
  EXPECT_EQ(c->extra_rules[0], "/repo/ci/rules.json");
  EXPECT_EQ(c->extra_rules[1], "/abs/rules");
  EXPECT_EQ(c->baseline, "/repo/baseline.txt");
}

TEST(RepoConfig, UnknownKeysAreNamed)
{
  auto c = parse_repo_config(R"({"allow-path": ["x"]})", "/repo/.dsnguard.json", "/repo");
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, core::ErrorCode::config);
  EXPECT_NE(c.error().message.find("unknown key 'allow-path'"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("/repo/.dsnguard.json"), std::string::npos);

  c = parse_repo_config(R"({"rules": {"postgres-uri": {"severty": "info"}}})", "cfg", "/");
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(c.error().message.find("rules.postgres-uri.severty"), std::string::npos) << c.error().message;
}

TEST(RepoConfig, BadValuesAreErrors)
{
  for (const char* text : {R"([])", R"({"version": 2})", R"({"allow-paths": "x"})", R"({"allow-paths": [1]})",
                           R"({"fail-on": "critical"})", R"({"rules": {"x": "maybe"}})",
                           R"({"rules": {"x": {"severity": "fatal"}}})", R"({"rules": {"x": {"enabled": "no"}}})",
                           R"({"baseline": ""})", R"({"extra-rules": [""]})", R"({"a": 1)"}) {
    const auto c = parse_repo_config(text, "cfg", "/");
    EXPECT_FALSE(c.has_value()) << text;
    if (!c) {
      EXPECT_EQ(c.error().message.rfind("cfg", 0), 0u) << c.error().message;
    }
  }
}

TEST(RepoConfig, EmptyObjectIsValid)
{
  const auto c = parse_repo_config("{}", "cfg", "/");
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->allow_paths.empty());
  EXPECT_TRUE(c->fail_on.empty());
}

TEST(RepoConfig, MissingFileIsAConfigErrorNamingIt)
{
  const auto c = load_repo_config("/nonexistent/dir/.dsnguard.json");
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(c.error().message.find("/nonexistent/dir/.dsnguard.json"), std::string::npos);
}

}  // namespace dsnguard::config
