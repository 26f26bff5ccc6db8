#include "lint/checks.hpp"

#include <gtest/gtest.h>

#include <set>

#include "support/process.hpp"

namespace dsnguard::lint {

TEST(LintChecks, IdsAreUniqueAndEveryIdIsDocumented)
{
  const std::string doc = test::read_file(test::source_dir() + "/docs/lint-checks.md");
  ASSERT_FALSE(doc.empty());
  std::set<std::string_view> ids;
  for (const auto& c : checks()) {
    EXPECT_TRUE(ids.insert(c.id).second) << c.id;
    EXPECT_NE(doc.find("| " + std::string(c.id) + " | " + std::string(core::to_string(c.severity)) + " |"), std::string::npos)
      << c.id << " is not documented with severity " << core::to_string(c.severity);
    EXPECT_EQ(find_check(c.id), &c);
  }
  EXPECT_EQ(find_check("L999"), nullptr);
}

TEST(LintChecks, FindingCarriesCatalogueSeverityAndContentFingerprint)
{
  const auto a = make_finding("G001", ".env", 1, 1, "why", "fix");
  EXPECT_EQ(a.kind, core::FindingKind::lint);
  EXPECT_EQ(a.severity, core::Severity::error);
  const auto moved = make_finding("G001", ".env", 7, 1, "why", "fix");
  EXPECT_EQ(a.fingerprint, moved.fingerprint) << "no line numbers in fingerprints";
  EXPECT_NE(a.fingerprint, make_finding("G001", "b/.env", 1, 1, "why", "fix").fingerprint);
}

}  // namespace dsnguard::lint
