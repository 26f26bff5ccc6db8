#include "report/text_reporter.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "unit/report/sample_report.hpp"

namespace dsnguard::test {

namespace {
std::string text_of(const core::Report& r, bool show_suppressed)
{
  report::ReporterOptions o;
  o.show_suppressed = show_suppressed;
  report::TextReporter reporter(o);
  std::ostringstream out;
  EXPECT_TRUE(reporter.write(out, r).has_value());
  return out.str();
}
}  // namespace

TEST(TextReporter, SuppressedAreCountedAndListedOnRequest)
{
  const auto hidden = text_of(sample_report(), false);
  EXPECT_EQ(hidden.find("tests/fixtures/db.py"), std::string::npos);
  EXPECT_NE(hidden.find("1 suppressed (1 inline) (list with --show-suppressed)"), std::string::npos) << hidden;
  const auto shown = text_of(sample_report(), true);
  EXPECT_NE(shown.find("tests/fixtures/db.py:2:5"), std::string::npos);
  EXPECT_NE(shown.find("[suppressed: inline]"), std::string::npos);
}

TEST(TextReporter, BlockedCommitExplainsTheWaysOut)
{
  auto r = sample_report();
  EXPECT_EQ(text_of(r, false).find("Ways out"), std::string::npos);  // not in history mode
  r.mode = "staged";
  const auto t = text_of(r, false);
  EXPECT_NE(t.find("dsnguard blocked this commit"), std::string::npos) << t;
  EXPECT_NE(t.find("config/settings.py:12:15"), std::string::npos);
  EXPECT_NE(t.find("postgres://app:****@db.internal"), std::string::npos);
  EXPECT_NE(t.find("# dsnguard:allow"), std::string::npos);
  EXPECT_NE(t.find("--write-baseline .dsnguard-baseline"), std::string::npos);
  r.mode = "pre-push";
  EXPECT_NE(text_of(r, false).find("dsnguard blocked this push"), std::string::npos);
  // Nothing unsuppressed: no block message.
  r.summary.findings = 0;
  EXPECT_EQ(text_of(r, false).find("blocked"), std::string::npos);
}

}  // namespace dsnguard::test
