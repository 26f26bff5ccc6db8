#include <gtest/gtest.h>

#include <set>

#include "config/rules.hpp"

namespace dsnguard::config {
namespace {

// A scan takes the built-in rules from C++ generated at build time (src/config/gen/rulegen.cpp) instead of parsing
// the JSON: every field must equal what parsing rules/*.json gives, samples excepted (a scan never reads them).
TEST(BuiltinRules, ForScanEqualTheParsedJsonWithoutSamples)
{
  auto parsed = builtin_rules();
  auto generated = builtin_rules_for_scan();
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  ASSERT_TRUE(generated.has_value()) << generated.error().message;
  ASSERT_EQ(parsed->size(), generated->size());
  std::size_t with_samples = 0;
  for (std::size_t i = 0; i < parsed->size(); ++i) {
    // Stops compiling when core::Rule gains a field: compare it here and write it in rulegen.cpp.
    const auto& [id, description, kind, pattern, secret_group, keywords, path_pattern, validator, severity,
                 confidence, fix, tags, allow_patterns, positives, negatives, source_file, builtin] = (*parsed)[i];
    const auto& g = (*generated)[i];
    with_samples += !positives.empty() || !negatives.empty();
    EXPECT_TRUE(g.positives.empty() && g.negatives.empty()) << g.id;
    EXPECT_EQ(id, g.id);
    EXPECT_EQ(description, g.description) << id;
    EXPECT_EQ(kind, g.kind) << id;
    EXPECT_EQ(pattern, g.pattern) << id;
    EXPECT_EQ(secret_group, g.secret_group) << id;
    EXPECT_EQ(keywords, g.keywords) << id;
    EXPECT_EQ(path_pattern, g.path_pattern) << id;
    EXPECT_EQ(validator, g.validator) << id;
    EXPECT_EQ(severity, g.severity) << id;
    EXPECT_EQ(confidence, g.confidence) << id;
    EXPECT_EQ(fix, g.fix) << id;
    EXPECT_EQ(tags, g.tags) << id;
    EXPECT_EQ(allow_patterns, g.allow_patterns) << id;
    EXPECT_EQ(source_file, g.source_file) << id;
    EXPECT_TRUE(builtin) << id;
    EXPECT_TRUE(g.builtin) << id;
  }
  // Every built-in rule ships samples, so the parsed side really read them (and the generated side dropped them).
  EXPECT_EQ(with_samples, parsed->size());
}

// Each call builds its own rules (the caller moves and edits them: --disable-rule, severity overrides).
TEST(BuiltinRules, ForScanReturnsAFreshCopyEachCall)
{
  auto first = builtin_rules_for_scan();
  ASSERT_TRUE(first.has_value());
  ASSERT_FALSE(first->empty());
  const std::string id = first->front().id;
  first->front().id = "changed";
  first->front().keywords.clear();
  auto second = builtin_rules_for_scan();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->front().id, id);
  EXPECT_FALSE(second->front().keywords.empty() && second->front().path_pattern.empty());
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
