// write_json and write_sarif stream the report finding by finding (and occurrence by occurrence): they must print
// exactly what dumping the whole document does, for every shape of report.
#include <gtest/gtest.h>

#include <sstream>

#include "report/json_model.hpp"
#include "report/sarif_model.hpp"
#include "unit/report/sample_report.hpp"

namespace dsnguard::report {
namespace {

// A streamed writer and the whole document it must equal.
struct Format {
  void (*write)(std::ostream&, const core::Report&);
  nlohmann::json (*build)(const core::Report&);
};
constexpr Format k_json{write_json, to_json};
constexpr Format k_sarif{write_sarif, to_sarif};

std::string streamed(const core::Report& r, const Format& format = k_json)
{
  std::ostringstream out;
  format.write(out, r);
  return out.str();
}

std::string whole(const core::Report& r, const Format& format = k_json)
{
  return format.build(r).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

TEST(JsonModel, StreamedReportEqualsTheWholeDocument)
{
  for (const bool raw : {false, true}) {
    const auto r = test::sample_report(raw);
    EXPECT_EQ(streamed(r), whole(r)) << "raw " << raw;
    EXPECT_EQ(streamed(r, k_sarif), whole(r, k_sarif)) << "raw " << raw;
  }
}

TEST(JsonModel, EmptyAndOddReportsStreamLikeTheWholeDocument)
{
  core::Report empty;
  EXPECT_EQ(streamed(empty), whole(empty));
  EXPECT_EQ(streamed(empty, k_sarif), whole(empty, k_sarif));

  // Only suppressed findings (an empty "findings" array beside a full "suppressed" one), no skipped files.
  core::Report only_suppressed = test::sample_report();
  for (auto& f : only_suppressed.findings) {
    f.suppressed = true;
    f.suppressed_by = "baseline";
  }
  only_suppressed.skipped.clear();
  only_suppressed.stale_baseline.clear();
  EXPECT_EQ(streamed(only_suppressed), whole(only_suppressed));
  EXPECT_EQ(streamed(only_suppressed, k_sarif), whole(only_suppressed, k_sarif));

  // Strings that need escaping or replacing: quotes, backslashes, control characters, invalid UTF-8; a verified
  // finding; an occurrence without refs; no attributes.
  core::Report odd = test::sample_report();
  core::Finding f = odd.findings.front();
  f.location.path = "we\"ird\\path\n\t\x01/\xff\xfe.py";
  f.match = "postgres://u:****@h\xc3/db";
  f.attributes.clear();
  f.verification = core::VerifyState::live;
  f.verification_detail = "SELECT 1 ok \xe2\x9c\x93";
  core::Occurrence o;
  o.path = f.location.path;
  o.blob = "cccccccccccccccccccccccccccccccccccccccc";
  o.commit = "dddddddddddddddddddddddddddddddddddddddd";
  o.author = "N\xc3\xb6 Refs <n@example.invalid>";
  o.time = -1;
  o.line = 0;
  f.occurrences = {o, o};
  odd.findings.push_back(f);
  odd.summary.notes.push_back("note with \"quotes\"");
  EXPECT_EQ(streamed(odd), whole(odd));
  // A rule listed twice, and a finding whose rule is not listed (no ruleIndex).
  odd.rules.push_back(odd.rules.front());
  odd.findings.back().rule_id = "unlisted-rule";
  EXPECT_EQ(streamed(odd, k_sarif), whole(odd, k_sarif));
}

}  // namespace
}  // namespace dsnguard::report
