// app/gate.cpp on hand-made reports: config allow-paths and severity overrides, baselines (explicit, from
// the config, default file), stale entries, --write-baseline (full and partial modes).
#include <gtest/gtest.h>

#include <sstream>

#include "app/pipeline.hpp"
#include "baseline/baseline.hpp"
#include "core/fingerprint.hpp"
#include "support/process.hpp"

namespace dsnguard::test {

namespace {

core::Finding finding(const std::string& path, const std::string& secret)
{
  core::Finding f;
  f.rule_id = "postgres-uri";
  f.location.path = path;
  f.location.line = 1;
  f.fingerprint = core::fingerprint("postgres-uri", path, secret);
  return f;
}

core::Report report_in(const std::string& root, std::vector<core::Finding> findings, std::string mode = "worktree")
{
  core::Report r;
  r.command = "scan";
  r.mode = std::move(mode);
  r.root = root;
  r.findings = std::move(findings);
  return r;
}

app::Options options_for(const std::string& root)
{
  app::Options o;
  o.command = app::Command::scan;
  o.path = root;
  o.min_confidence = core::Confidence::low;
  return o;
}

}  // namespace

TEST(Gate, ConfigAllowPathsAndSeverityOverride)
{
  TempDir root;
  write_file(root.path(), ".dsnguard.json",
             "{\"allow-paths\": [\"fixtures/\"], \"rules\": {\"postgres-uri\": {\"severity\": \"warning\"}}}");
  auto r = report_in(root.path(), {finding("fixtures/a.py", "x"), finding("src/b.py", "y")});
  std::ostringstream err;
  ASSERT_TRUE(app::apply_gate(r, options_for(root.path()), err).has_value()) << err.str();
  EXPECT_TRUE(r.findings[0].suppressed);
  EXPECT_EQ(r.findings[0].suppressed_by, "config");
  EXPECT_FALSE(r.findings[1].suppressed);
  EXPECT_EQ(r.findings[1].severity, core::Severity::warning);
}

TEST(Gate, BrokenConfigStopsWithAConfigError)
{
  TempDir root;
  write_file(root.path(), ".dsnguard.json", "{\"fail_on\": \"high\"}");
  auto r = report_in(root.path(), {});
  std::ostringstream err;
  const auto res = app::apply_gate(r, options_for(root.path()), err);
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().code, core::ErrorCode::config);
  EXPECT_NE(res.error().message.find("'fail_on'"), std::string::npos);
}

TEST(Gate, WriteThenApplyBaselineAndReportStale)
{
  TempDir root;
  auto o = options_for(root.path());
  o.write_baseline = root / "bl";
  auto r = report_in(root.path(), {finding("a.py", "1"), finding("b.py", "2")});
  std::ostringstream err;
  ASSERT_TRUE(app::apply_gate(r, o, err).has_value());
  EXPECT_NE(err.str().find("wrote 2 entries"), std::string::npos) << err.str();
  EXPECT_TRUE(r.findings[0].suppressed);  // accepted in this run

  o.write_baseline.clear();
  o.baseline = root / "bl";
  r = report_in(root.path(), {finding("a.py", "1"), finding("c.py", "3")});
  ASSERT_TRUE(app::apply_gate(r, o, err).has_value());
  EXPECT_TRUE(r.findings[0].suppressed);
  EXPECT_EQ(r.findings[0].suppressed_by, "baseline");
  EXPECT_FALSE(r.findings[1].suppressed);
  ASSERT_EQ(r.stale_baseline.size(), 1u);
  EXPECT_EQ(r.stale_baseline[0], finding("b.py", "2").fingerprint);
  ASSERT_FALSE(r.summary.notes.empty());
  EXPECT_NE(r.summary.notes.back().find("stale"), std::string::npos);

  // Staged mode sees part of the repository: no stale report.
  r = report_in(root.path(), {finding("a.py", "1")}, "staged");
  ASSERT_TRUE(app::apply_gate(r, o, err).has_value());
  EXPECT_TRUE(r.stale_baseline.empty());
}

TEST(Gate, PartialModeWriteBaselineKeepsExistingEntries)
{
  TempDir root;
  auto o = options_for(root.path());
  o.write_baseline = root / ".dsnguard-baseline";
  std::ostringstream err;
  auto r = report_in(root.path(), {finding("a.py", "1")});
  ASSERT_TRUE(app::apply_gate(r, o, err).has_value());
  r = report_in(root.path(), {finding("new.py", "9")}, "staged");
  ASSERT_TRUE(app::apply_gate(r, o, err).has_value());
  const auto b = baseline::load(root / ".dsnguard-baseline");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->entries.size(), 2u);
  // A full scan rewrites (prunes).
  r = report_in(root.path(), {finding("new.py", "9")});
  ASSERT_TRUE(app::apply_gate(r, o, err).has_value());
  EXPECT_EQ(baseline::load(root / ".dsnguard-baseline")->entries.size(), 1u);
}

TEST(Gate, DefaultBaselineAtRootAndBaselineFromConfig)
{
  TempDir root;
  write_file(root.path(), ".dsnguard-baseline", baseline::serialize(baseline::entries_for({finding("a.py", "1")})));
  auto r = report_in(root.path(), {finding("a.py", "1")});
  std::ostringstream err;
  ASSERT_TRUE(app::apply_gate(r, options_for(root.path()), err).has_value());
  EXPECT_TRUE(r.findings[0].suppressed);

  TempDir other;
  write_file(other.path(), "cfg/known.txt", baseline::serialize(baseline::entries_for({finding("b.py", "2")})));
  write_file(other.path(), "cfg/.dsnguard.json", "{\"baseline\": \"known.txt\"}");
  auto o = options_for(other.path());
  o.config = other / "cfg/.dsnguard.json";
  r = report_in(other.path(), {finding("b.py", "2")});
  ASSERT_TRUE(app::apply_gate(r, o, err).has_value());
  EXPECT_TRUE(r.findings[0].suppressed);

  // A baseline the config names but that does not exist is an error.
  write_file(other.path(), "cfg/.dsnguard.json", "{\"baseline\": \"missing.txt\"}");
  const auto res = app::apply_gate(r, o, err);
  ASSERT_FALSE(res.has_value());
  EXPECT_NE(res.error().message.find("missing.txt"), std::string::npos);
}

TEST(Gate, ConfigureRulesDropsDisabledAndRejectsUnknownIds)
{
  TempDir root;
  std::vector<core::Rule> rules(2);
  rules[0].id = "postgres-uri";
  rules[1].id = "env-file";
  write_file(root.path(), ".dsnguard.json", "{\"rules\": {\"env-file\": \"off\", \"postgres-uri\": {\"severity\": \"info\"}}}");
  auto kept = rules;
  ASSERT_TRUE(app::configure_rules(kept, options_for(root.path())).has_value());
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].id, "postgres-uri");
  EXPECT_EQ(kept[0].severity, core::Severity::info);
  write_file(root.path(), ".dsnguard.json", "{\"rules\": {\"no-such-rule\": \"off\"}}");
  kept = rules;
  const auto res = app::configure_rules(kept, options_for(root.path()));
  ASSERT_FALSE(res.has_value());
  EXPECT_NE(res.error().message.find("no-such-rule"), std::string::npos);
}

TEST(Gate, EffectiveFailOn)
{
  TempDir root;
  write_file(root.path(), ".dsnguard.json", "{\"fail-on\": \"high\"}");
  auto o = options_for(root.path());
  EXPECT_EQ(app::effective_fail_on(o), "high");
  o.fail_on = "low";
  EXPECT_EQ(app::effective_fail_on(o), "low");
}

}  // namespace dsnguard::test
