#include <gtest/gtest.h>

#include <sstream>

#include "report/html_reporter.hpp"
#include "report/markdown_reporter.hpp"
#include "report/remediation.hpp"
#include "unit/report/golden.hpp"
#include "unit/report/sample_report.hpp"

namespace dsnguard::test {

namespace {

core::Report audit_sample(bool raw = false)
{
  auto r = sample_report(raw);
  r.command = "audit";
  r.mode = "audit";
  return r;
}

template <typename R> std::string render(const core::Report& r)
{
  R reporter;
  std::ostringstream out;
  EXPECT_TRUE(reporter.write(out, r).has_value());
  return out.str();
}

}  // namespace

TEST(AuditReport, MarkdownMatchesGoldenFile)
{
  expect_golden("report/audit.md", render<report::MarkdownReporter>(audit_sample()));
}

TEST(AuditReport, HtmlMatchesGoldenFile)
{
  expect_golden("report/audit.html", render<report::HtmlReporter>(audit_sample()));
}

TEST(AuditReport, HasSummaryProvenanceAndRemediation)
{
  const auto md = render<report::MarkdownReporter>(audit_sample());
  EXPECT_NE(md.find("## Summary"), std::string::npos);
  EXPECT_NE(md.find("| Database credentials | 2 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| Tracked .env files | 1 |"), std::string::npos);
  // Provenance of the history finding: commit, author, date, refs.
  EXPECT_NE(md.find("Dev One <dev1@example.com>"), std::string::npos);
  EXPECT_NE(md.find("2023-11-14"), std::string::npos);
  EXPECT_NE(md.find("`refs/tags/v1.0`"), std::string::npos);
  // Remediation: rotation, purge, prevention.
  EXPECT_NE(md.find("ALTER ROLE app PASSWORD"), std::string::npos);
  EXPECT_NE(md.find("git filter-repo --invert-paths --path '.env'"), std::string::npos);
  EXPECT_NE(md.find("git filter-repo --invert-paths --path 'deploy/old.env'"), std::string::npos);  // gone from HEAD
  EXPECT_NE(md.find("regex:(://app:)[^@\\s/]+(@db\\.internal)==>\\1REMOVED\\2"), std::string::npos) << md;
  EXPECT_NE(md.find("--force --mirror"), std::string::npos);
  EXPECT_NE(md.find(".env.example"), std::string::npos);
  EXPECT_NE(md.find("!.env.example"), std::string::npos);
}

TEST(AuditReport, NeverPrintsTheSecretWhenRedacted)
{
  // Reporters get redacted findings; the audit's remediation must not reintroduce the secret from elsewhere.
  auto r = audit_sample();
  const auto md = render<report::MarkdownReporter>(r);
  const auto html = render<report::HtmlReporter>(r);
  EXPECT_EQ(md.find("hunter2-Prod-9x"), std::string::npos);
  EXPECT_EQ(html.find("hunter2-Prod-9x"), std::string::npos);
}

TEST(AuditReport, HtmlIsEscapedAndSelfContained)
{
  auto r = audit_sample();
  r.findings[0].message = "<script>alert(1)</script> & more";
  const auto html = render<report::HtmlReporter>(r);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
}

TEST(Remediation, ProviderSpecificRotation)
{
  core::Finding f;
  f.kind = core::FindingKind::secret;
  const auto steps_for = [&](const std::string& host) {
    f.attributes = {{"host", host}, {"user", "owner"}, {"scheme", "postgresql"}};
    std::string all;
    for (const auto& s : report::rotation_steps(f)) {
      all += s + "\n";
    }
    return all;
  };
  EXPECT_NE(steps_for("ep-cool-1234.us-east-2.aws.neon.tech").find("Neon"), std::string::npos);
  EXPECT_NE(steps_for("db.abcd.supabase.co").find("Supabase"), std::string::npos);
  EXPECT_NE(steps_for("mydb.c9akciq32.us-east-1.rds.amazonaws.com").find("aws rds modify-db-instance"), std::string::npos);
  EXPECT_NE(steps_for("ec2-1-2-3-4.compute-1.amazonaws.com").find("heroku pg:credentials:rotate"), std::string::npos);
  const auto generic = steps_for("db.internal");
  EXPECT_NE(generic.find("ALTER ROLE owner PASSWORD"), std::string::npos);
  EXPECT_EQ(generic.find("Neon"), std::string::npos);
  f.attributes = {{"host", "db"}, {"user", "root"}, {"scheme", "mysql"}};
  std::string mysql;
  for (const auto& s : report::rotation_steps(f)) {
    mysql += s;
  }
  EXPECT_NE(mysql.find("ALTER USER 'root'"), std::string::npos);
}

TEST(Remediation, ShellQuoting)
{
  EXPECT_EQ(report::shell_quote("a b"), "'a b'");
  EXPECT_EQ(report::shell_quote("it's"), "'it'\\''s'");
}

}  // namespace dsnguard::test
