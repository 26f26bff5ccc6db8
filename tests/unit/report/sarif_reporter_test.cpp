#include "report/sarif_reporter.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "report/json_reporter.hpp"
#include "report/sarif_model.hpp"
#include "support/process.hpp"
#include "unit/report/golden.hpp"
#include "unit/report/sample_report.hpp"

namespace dsnguard::test {

namespace {

std::string sarif_text(const core::Report& r)
{
  std::ostringstream out;
  report::SarifReporter reporter;
  EXPECT_TRUE(reporter.write(out, r).has_value());
  return out.str();
}

// Runs tests/support/validate_sarif.py (SARIF 2.1.0 schema + GitHub code scanning checks) on `text`.
RunResult validate(const std::string& text)
{
  TempDir dir;
  write_file(dir.path(), "out.sarif", text);
  return run({"python3", source_dir() + "/tests/support/validate_sarif.py",
              source_dir() + "/tests/schemas/sarif-schema-2.1.0.json", dir / "out.sarif"});
}

}  // namespace

TEST(SarifReporter, MatchesGoldenFile)
{
  expect_golden("report/sample.sarif.json", sarif_text(sample_report()));
}

TEST(JsonReporter, MatchesGoldenFile)
{
  std::ostringstream out;
  report::JsonReporter reporter;
  ASSERT_TRUE(reporter.write(out, sample_report()).has_value());
  expect_golden("report/sample.json", out.str());
}

TEST(SarifReporter, ValidatesAgainstSchemaAndGithubRequirements)
{
  const auto r = validate(sarif_text(sample_report()));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  core::Report empty;
  empty.command = "scan";
  empty.mode = "worktree";
  const auto e = validate(sarif_text(empty));
  EXPECT_EQ(e.exit_code, 0) << e.out << e.err;
}

TEST(SarifReporter, ValidatorRejectsBrokenSarif)
{
  // The validation above must be able to fail: drop a required property and break a URI.
  auto doc = nlohmann::json::parse(sarif_text(sample_report()));
  doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "/abs/path";
  doc["runs"][0]["tool"]["driver"].erase("name");
  const auto r = validate(doc.dump());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("name"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("/abs/path"), std::string::npos) << r.out;
}

TEST(SarifReporter, NeverContainsTheSecretEvenUnredacted)
{
  const auto text = sarif_text(sample_report(/*raw=*/true));
  EXPECT_EQ(text.find("hunter2-Prod-9x"), std::string::npos);
  EXPECT_EQ(text.find("snippet"), std::string::npos);
}

TEST(SarifReporter, ResultFields)
{
  const auto doc = nlohmann::json::parse(sarif_text(sample_report()));
  const auto& run = doc["runs"][0];
  EXPECT_EQ(doc["version"], "2.1.0");
  const auto& rules = run["tool"]["driver"]["rules"];
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[0]["properties"]["security-severity"], "9.0");
  EXPECT_EQ(rules[2]["properties"]["security-severity"], "5.0");
  EXPECT_EQ(rules[2]["defaultConfiguration"]["level"], "warning");
  const auto& results = run["results"];
  ASSERT_EQ(results.size(), 5u);
  // Worktree secret: region and fingerprint.
  const auto& r0 = results[0];
  EXPECT_EQ(r0["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "config/settings.py");
  EXPECT_EQ(r0["locations"][0]["physicalLocation"]["region"]["startLine"], 12);
  EXPECT_EQ(r0["locations"][0]["physicalLocation"]["region"]["startColumn"], 15);
  EXPECT_EQ(r0["locations"][0]["physicalLocation"]["region"]["endColumn"], 79);
  EXPECT_EQ(r0["partialFingerprints"]["dsnguard/v1"], sample_report().findings[0].fingerprint);
  // Env file without a line: no region (SARIF requires startLine >= 1).
  EXPECT_FALSE(results[1]["locations"][0]["physicalLocation"].contains("region"));
  // History finding in a file gone from HEAD keeps path and commit.
  const auto& h = results[2];
  EXPECT_EQ(h["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "deploy/old.env");
  EXPECT_EQ(h["properties"]["commit"], "0123456789abcdef0123456789abcdef01234567");
  EXPECT_NE(h["message"]["text"].get<std::string>().find("0123456789ab"), std::string::npos);
  EXPECT_NE(h["message"]["text"].get<std::string>().find("no longer in HEAD"), std::string::npos);
  EXPECT_EQ(h["relatedLocations"].size(), 2u);
  // Inline allow: in-source suppression.
  EXPECT_EQ(results[3]["suppressions"][0]["kind"], "inSource");
  // Awkward path: percent-encoded.
  EXPECT_EQ(results[4]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "sub%20dir/caf%C3%A9%20%231/.gitignore");
  EXPECT_EQ(run["originalUriBaseIds"]["SRCROOT"]["uri"], "file:///work/repo/");
  EXPECT_FALSE(run["invocations"][0]["executionSuccessful"].get<bool>());
}

TEST(SarifModel, UriEncoding)
{
  EXPECT_EQ(report::uri_encode_path("a/b-c_d.e~f"), "a/b-c_d.e~f");
  EXPECT_EQ(report::uri_encode_path("50%?x"), "50%25%3Fx");
  EXPECT_EQ(report::file_uri_for_directory("/r oot"), "file:///r%20oot/");
  EXPECT_EQ(report::file_uri_for_directory("relative"), "");
}

}  // namespace dsnguard::test
