#include <gtest/gtest.h>

#include <set>

#include "config/rules.hpp"

namespace dsnguard::config {
namespace {

// The scan loads the rules without their samples (half the JSON): every other field must be identical.
TEST(BuiltinRules, ForScanAreTheSameRulesWithoutSamples)
{
  auto full = builtin_rules();
  auto lean = builtin_rules_for_scan();
  ASSERT_TRUE(full.has_value()) << full.error().message;
  ASSERT_TRUE(lean.has_value()) << lean.error().message;
  ASSERT_EQ(full->size(), lean->size());
  std::size_t with_samples = 0;
  for (std::size_t i = 0; i < full->size(); ++i) {
    const auto& a = (*full)[i];
    const auto& b = (*lean)[i];
    with_samples += !a.positives.empty() || !a.negatives.empty();
    EXPECT_TRUE(b.positives.empty() && b.negatives.empty()) << b.id;
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.description, b.description) << a.id;
    EXPECT_EQ(a.kind, b.kind) << a.id;
    EXPECT_EQ(a.pattern, b.pattern) << a.id;
    EXPECT_EQ(a.secret_group, b.secret_group) << a.id;
    EXPECT_EQ(a.keywords, b.keywords) << a.id;
    EXPECT_EQ(a.path_pattern, b.path_pattern) << a.id;
    EXPECT_EQ(a.validator, b.validator) << a.id;
    EXPECT_EQ(a.severity, b.severity) << a.id;
    EXPECT_EQ(a.confidence, b.confidence) << a.id;
    EXPECT_EQ(a.fix, b.fix) << a.id;
    EXPECT_EQ(a.tags, b.tags) << a.id;
    EXPECT_EQ(a.allow_patterns, b.allow_patterns) << a.id;
    EXPECT_EQ(a.source_file, b.source_file) << a.id;
    EXPECT_TRUE(a.builtin && b.builtin) << a.id;
  }
  EXPECT_EQ(with_samples, full->size());
}

TEST(BuiltinRules, LoadAndAreWellFormed)
{
  auto rules = builtin_rules();
  ASSERT_TRUE(rules.has_value()) << rules.error().message;
  std::set<std::string> ids;
  bool env_file = false;
  for (const auto& r : *rules) {
    EXPECT_TRUE(ids.insert(r.id).second) << r.id;
    EXPECT_FALSE(r.description.empty()) << r.id;
    EXPECT_FALSE(r.fix.empty()) << r.id;
    EXPECT_EQ(r.source_file.rfind("rules/", 0), 0u) << r.id;
    if (r.kind == core::FindingKind::env_file) {
      env_file = true;
      EXPECT_TRUE(r.pattern.empty()) << r.id;
      EXPECT_FALSE(r.path_pattern.empty()) << r.id;
      continue;
    }
    // A content rule either parses the match with a validator or names the secret group.
    EXPECT_TRUE(!r.validator.empty() || !r.secret_group.empty()) << r.id;
    // Keywords are the prefilter: lower case; only path-restricted rules may go without.
    EXPECT_TRUE(!r.keywords.empty() || !r.path_pattern.empty()) << r.id;
    for (const auto& k : r.keywords) {
      for (const char c : k) {
        EXPECT_FALSE(c >= 'A' && c <= 'Z') << r.id << ": " << k;
      }
    }
  }
  EXPECT_TRUE(env_file);
  for (const char* id : {"postgres-uri", "mysql-uri", "mongodb-uri", "redis-uri", "amqp-uri", "mssql-uri", "oracle-uri",
                         "cockroachdb-uri", "clickhouse-uri", "database-uri", "jdbc-url", "libpq-keyvalue",
                         "ado-connection-string", "pgpass-file", "pgpassword-assignment", "driver-call-password",
                         "mysql-go-dsn", "env-file"}) {
    EXPECT_TRUE(ids.count(id)) << id;
  }
}

TEST(ParseRules, RejectsMalformedRules)
{
  EXPECT_FALSE(parse_rules("not json", "x.json").has_value());
  EXPECT_FALSE(parse_rules(R"({"rules":[{"id":"a","pattern":"x","bogus":1}]})", "x.json").has_value());
  EXPECT_FALSE(parse_rules(R"({"rules":[{"id":"a","pattern":"x","kind":"weird"}]})", "x.json").has_value());
  EXPECT_FALSE(parse_rules(R"({"rules":[{"id":"a","pattern":"x"},{"id":"a","pattern":"y"}]})", "x.json").has_value());
  EXPECT_FALSE(parse_rules(R"({"rules":[{"id":"a"}]})", "x.json").has_value());
  const auto err = parse_rules(R"({"rules":[{"id":"a","pattern":"x","validator":"nope"}]})", "rules/x.json");
  ASSERT_FALSE(err.has_value());
  EXPECT_NE(err.error().message.find("rules/x.json"), std::string::npos);
  EXPECT_NE(err.error().message.find("'a'"), std::string::npos);
}

TEST(ParseRules, ReadsSamplesAndLowercasesKeywords)
{
  auto r = parse_rules(
      R"({"rules":[{"id":"a","pattern":"x","keywords":["PGPassword"],"samples":{"positive":["p",{"text":"q","path":"f.env"}],"negative":["n"]}}]})",
      "x.json");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].keywords[0], "pgpassword");
  ASSERT_EQ((*r)[0].positives.size(), 2u);
  EXPECT_EQ((*r)[0].positives[1].path, "f.env");
  EXPECT_EQ((*r)[0].negatives[0].text, "n");
}

}  // namespace
}  // namespace dsnguard::config
