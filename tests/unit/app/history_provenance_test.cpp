// app/history_provenance.cpp on hand-made findings and a scripted HistorySource: grouping by secret, the kept
// finding (oldest occurrence), and which groups get full occurrences (refs, at_head) and which only dated ones.
#include <gtest/gtest.h>

#include <map>
#include <utility>

#include "app/history_provenance.hpp"

namespace dsnguard::test {

namespace {

using Detail = sources::HistorySource::Detail;

// Answers occurrences() from a table keyed by (path, commit) and records the detail asked for each call.
class ScriptedHistory : public sources::HistorySource {
public:
  core::Expected<void> for_each(core::FragmentSink&) override { return {}; }
  std::uint64_t commits() const override { return 3; }
  std::uint64_t blobs() const override { return 3; }
  bool shallow() const override { return false; }
  bool partial() const override { return false; }
  bool path_at_head(const std::string&) override { return false; }

  std::vector<core::Occurrence> occurrences(const std::string& path, const std::string& commit,
                                            Detail detail) override
  {
    asked.emplace_back(path, detail);
    core::Occurrence o;
    o.path = path;
    o.commit = commit;
    o.blob = "blob-" + path;
    o.author = "A <a@x.invalid>";
    o.time = times.at(path);
    o.sequence = static_cast<std::uint64_t>(o.time);
    if (detail == Detail::full) {
      o.refs = {"refs/heads/main"};
      o.at_head = true;
    }
    return {o};
  }

  std::map<std::string, std::int64_t> times;
  std::vector<std::pair<std::string, Detail>> asked;
};

core::Finding finding(const std::string& path, const std::string& secret, core::Confidence confidence)
{
  core::Finding f;
  f.rule_id = "postgres-uri";
  f.location.path = path;
  f.location.commit = "c-" + path;
  f.location.line = 7;
  f.secret = secret;
  f.confidence = confidence;
  return f;
}

core::Report report_of(std::vector<core::Finding> findings)
{
  core::Report r;
  r.findings = std::move(findings);
  return r;
}

}  // namespace

TEST(HistoryProvenance, GroupsBySecretAndKeepsTheOldestOccurrence)
{
  ScriptedHistory h;
  h.times = {{"a.py", 300}, {"b.py", 100}, {"c.py", 200}};
  auto r = report_of({finding("a.py", "s1", core::Confidence::high), finding("b.py", "s1", core::Confidence::high),
                      finding("c.py", "s2", core::Confidence::high)});
  app::attach_provenance(r, h, core::Confidence::medium);
  ASSERT_EQ(r.findings.size(), 2u);
  std::map<std::string, const core::Finding*> by_path;
  for (const auto& f : r.findings) {
    by_path[f.location.path] = &f;
  }
  ASSERT_EQ(by_path.count("b.py"), 1u);  // s1: b.py is older than a.py
  const auto& s1 = *by_path["b.py"];
  ASSERT_EQ(s1.occurrences.size(), 2u);
  EXPECT_EQ(s1.occurrences[0].path, "b.py");
  EXPECT_EQ(s1.occurrences[1].path, "a.py");
  EXPECT_EQ(s1.occurrences[0].refs, std::vector<std::string>{"refs/heads/main"});
  EXPECT_TRUE(s1.occurrences[0].at_head);
  EXPECT_EQ(r.summary.commits, 3u);
}

TEST(HistoryProvenance, GroupsBelowTheThresholdGetDatedOccurrencesAndTheSameKeptFinding)
{
  const auto run = [](core::Confidence min_confidence, std::vector<std::pair<std::string, Detail>>& asked) {
    ScriptedHistory h;
    h.times = {{"tests/a.py", 300}, {"tests/b.py", 100}, {"src/c.py", 200}, {"tests/d.py", 50}};
    auto r = report_of({finding("tests/a.py", "weak", core::Confidence::low),
                        finding("tests/b.py", "weak", core::Confidence::low),
                        // mixed group: one finding at or above the threshold makes the whole group full
                        finding("src/c.py", "mixed", core::Confidence::medium),
                        finding("tests/d.py", "mixed", core::Confidence::low)});
    app::attach_provenance(r, h, min_confidence);
    asked = h.asked;
    return r;
  };
  std::vector<std::pair<std::string, Detail>> asked_medium;
  std::vector<std::pair<std::string, Detail>> asked_low;
  const auto medium = run(core::Confidence::medium, asked_medium);
  const auto low = run(core::Confidence::low, asked_low);

  const std::map<std::string, Detail> expected_medium = {{"tests/a.py", Detail::dated},
                                                         {"tests/b.py", Detail::dated},
                                                         {"src/c.py", Detail::full},
                                                         {"tests/d.py", Detail::full}};
  const std::map<std::string, Detail> got_medium(asked_medium.begin(), asked_medium.end());
  EXPECT_EQ(got_medium, expected_medium);
  for (const auto& [path, detail] : asked_low) {
    EXPECT_EQ(detail, Detail::full) << path;
  }

  // The same findings are kept, with the same introducing commit, whatever the detail.
  ASSERT_EQ(medium.findings.size(), 2u);
  ASSERT_EQ(low.findings.size(), 2u);
  for (std::size_t i = 0; i < medium.findings.size(); ++i) {
    const auto& m = medium.findings[i];
    const auto& l = low.findings[i];
    EXPECT_EQ(m.location.path, l.location.path);
    EXPECT_EQ(m.location.commit, l.location.commit);
    EXPECT_EQ(m.confidence, l.confidence);
  }
  EXPECT_EQ(medium.findings[0].location.path, "tests/b.py");
  EXPECT_TRUE(medium.findings[0].occurrences.empty());  // unreported: no list, the group is dropped later
  ASSERT_EQ(low.findings[0].occurrences.size(), 2u);    // reported at low: both, oldest first
  EXPECT_EQ(low.findings[0].occurrences[0].path, "tests/b.py");
  EXPECT_EQ(low.findings[0].occurrences[1].path, "tests/a.py");
  ASSERT_EQ(medium.findings[1].occurrences.size(), 2u);
  EXPECT_EQ(medium.findings[1].occurrences[0].path, "tests/d.py");
  EXPECT_EQ(medium.findings[1].location.path, "tests/d.py");    // the oldest, though below the threshold...
  EXPECT_EQ(medium.findings[1].confidence, core::Confidence::medium);  // ...reported at its group's highest
  EXPECT_FALSE(medium.findings[1].occurrences[0].refs.empty());
}

TEST(HistoryProvenance, ABlobWithTheSecretOnSeveralLinesIsLookedUpOnce)
{
  ScriptedHistory h;
  h.times = {{"a.py", 300}, {"b.py", 100}};
  auto later = finding("b.py", "s1", core::Confidence::high);
  later.location.line = 9;
  auto earlier = finding("b.py", "s1", core::Confidence::high);
  earlier.location.line = 3;
  auto env = finding("b.py", "s1", core::Confidence::high);  // same blob, another kind: asked on its own
  env.kind = core::FindingKind::env_file;
  auto r = report_of({later, finding("a.py", "s1", core::Confidence::high), earlier});
  app::attach_provenance(r, h, core::Confidence::medium);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(h.asked.size(), 2u);  // a.py once, b.py once
  const auto& kept = r.findings[0];
  EXPECT_EQ(kept.location.path, "b.py");
  EXPECT_EQ(kept.location.line, 3u);  // the first line of the oldest blob
  ASSERT_EQ(kept.occurrences.size(), 2u);
  EXPECT_EQ(kept.occurrences[0].path, "b.py");
  EXPECT_EQ(kept.occurrences[0].line, 3u);
  EXPECT_EQ(kept.occurrences[1].path, "a.py");

  ScriptedHistory h2;
  h2.times = h.times;
  auto r2 = report_of({earlier, env});
  app::attach_provenance(r2, h2, core::Confidence::medium);
  EXPECT_EQ(h2.asked.size(), 2u);
}

}  // namespace dsnguard::test
