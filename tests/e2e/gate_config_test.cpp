// End-to-end: .dsnguard.json (allow-paths, rules on/off, severity overrides, fail-on, extra rules, unknown
// keys) and --fail-on on real repositories.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "e2e/gate_support.hpp"

namespace dsnguard::test {

namespace {

// A repository with one committed credential in app/db.py and one in tests/fixtures/db.py.
void make_repo(const std::string& dir)
{
  git_init(dir);
  write_file(dir, "app/db.py", "URL = \"" + leaked_url() + "\"\n");
  write_file(dir, "tests/fixtures/db.py", "URL = \"" + leaked_url() + "\"\n");
  git_commit_all(dir, "init");
}

nlohmann::json scan_json(const std::string& dir, std::vector<std::string> extra = {}, int* code = nullptr)
{
  std::vector<std::string> args{"scan", "--format", "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(dir);
  const auto r = dsnguard(args);
  if (code != nullptr) {
    *code = r.exit_code;
  }
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
  return j;
}

}  // namespace

TEST(GateConfig, UnknownKeyIsAnErrorNamingTheKey)
{
  TempDir repo;
  make_repo(repo.path());
  write_file(repo.path(), ".dsnguard.json", "{\"allow_paths\": [\"tests/\"]}\n");
  const auto r = dsnguard({"scan", repo.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown key 'allow_paths'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(".dsnguard.json"), std::string::npos);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(GateConfig, ExplicitConfigThatDoesNotExistIsAnError)
{
  TempDir repo;
  make_repo(repo.path());
  const auto r = dsnguard({"scan", "--config", repo / "nope.json", repo.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nope.json"), std::string::npos) << r.err;
}

TEST(GateConfig, UnknownRuleIdInConfigIsNamed)
{
  TempDir repo;
  make_repo(repo.path());
  write_file(repo.path(), ".dsnguard.json", "{\"rules\": {\"postgress-uri\": \"off\"}}\n");
  const auto r = dsnguard({"scan", repo.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("postgress-uri"), std::string::npos) << r.err;
}

TEST(GateConfig, AllowPathsSuppressAndAreCounted)
{
  TempDir repo;
  make_repo(repo.path());
  int code = -1;
  auto before = scan_json(repo.path(), {}, &code);
  EXPECT_EQ(code, 1);
  ASSERT_EQ(before["findings"].size(), 2u) << before.dump(2);

  write_file(repo.path(), ".dsnguard.json", "{\"allow-paths\": [\"tests/fixtures/\"]}\n");
  auto after = scan_json(repo.path(), {}, &code);
  EXPECT_EQ(code, 1);  // app/db.py still fails
  ASSERT_EQ(after["findings"].size(), 1u);
  EXPECT_EQ(after["findings"][0]["path"], "app/db.py");
  ASSERT_EQ(after["suppressed"].size(), 1u);
  EXPECT_EQ(after["suppressed"][0]["suppressed_by"], "config");
  EXPECT_EQ(after["summary"]["suppressed"], 1);

  const auto text = dsnguard({"scan", "--show-suppressed", repo.path()});
  EXPECT_NE(text.out.find("tests/fixtures/db.py"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("[suppressed: config]"), std::string::npos);
}

TEST(GateConfig, RulesOffSeverityOverrideAndFailOn)
{
  TempDir repo;
  make_repo(repo.path());
  int code = -1;
  const auto base = scan_json(repo.path(), {}, &code);
  ASSERT_FALSE(base["findings"].empty()) << base.dump(2);
  const std::string rule = base["findings"][0]["rule"];

  // Severity override to warning + fail-on error in the config: findings reported, exit 0.
  write_file(repo.path(), ".dsnguard.json",
             "{\"rules\": {\"" + rule + "\": {\"severity\": \"warning\"}}, \"fail-on\": \"error\"}\n");
  auto j = scan_json(repo.path(), {}, &code);
  EXPECT_EQ(code, 0);
  ASSERT_FALSE(j["findings"].empty());
  EXPECT_EQ(j["findings"][0]["severity"], "warning");
  // --fail-on on the command line wins over the config.
  scan_json(repo.path(), {"--fail-on", "warning"}, &code);
  EXPECT_EQ(code, 1);

  // Rule off: no findings from it at all.
  write_file(repo.path(), ".dsnguard.json", "{\"rules\": {\"" + rule + "\": \"off\"}}\n");
  j = scan_json(repo.path(), {}, &code);
  for (const auto& f : j["findings"]) {
    EXPECT_NE(f["rule"], rule);
  }
}

TEST(GateConfig, FailOnConfidenceThreshold)
{
  TempDir repo;
  make_repo(repo.path());
  int code = -1;
  const auto j = scan_json(repo.path(), {"--fail-on", "low"}, &code);
  ASSERT_FALSE(j["findings"].empty());
  EXPECT_EQ(code, 1);
  // A config file elsewhere via --config.
  TempDir other;
  write_file(other.path(), "cfg.json", "{\"allow-paths\": [\"**\"]}\n");
  scan_json(repo.path(), {"--config", other / "cfg.json"}, &code);
  EXPECT_EQ(code, 0);
}

TEST(GateConfig, ExtraRulesAreLoadedRelativeToTheConfig)
{
  TempDir repo;
  git_init(repo.path());
  write_file(repo.path(), "ci/rules.json", "this is not json");
  write_file(repo.path(), ".dsnguard.json", "{\"extra-rules\": [\"ci/rules.json\"]}\n");
  git_commit_all(repo.path(), "init");
  const auto r = dsnguard({"scan", repo.path()});
  EXPECT_EQ(r.exit_code, 2);  // the file was found (relative to the config) and rejected
  EXPECT_NE(r.err.find("ci/rules.json"), std::string::npos) << r.err;
}

}  // namespace dsnguard::test
