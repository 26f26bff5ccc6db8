#pragma once
// Helpers shared by the lint end-to-end tests: run `dsnguard lint` hermetically (own HOME, no global git
// config) and read its JSON findings.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/process.hpp"

namespace dsnguard::test {

struct LintRun {
  RunResult result;
  nlohmann::json json;  // parsed stdout for --format json runs (null otherwise)

  // Findings with this rule id (optionally only those at `path`).
  std::vector<nlohmann::json> with(const std::string& rule, const std::string& path = "") const
  {
    std::vector<nlohmann::json> out;
    if (!json.is_object() || !json.contains("findings")) {
      return out;
    }
    for (const auto& f : json["findings"]) {
      if (f["rule"] == rule && (path.empty() || f["path"] == path)) {
        out.push_back(f);
      }
    }
    return out;
  }
  bool has(const std::string& rule, const std::string& path = "") const { return !with(rule, path).empty(); }
};

// A HOME without any git configuration, so the machine's global excludes never leak into a test.
inline const std::string& empty_home()
{
  static TempDir home;
  return home.path();
}

inline RunOptions lint_env(RunOptions o = {})
{
  o.env["HOME"] = empty_home();
  o.env["XDG_CONFIG_HOME"] = empty_home() + "/.config";
  o.env["GIT_CONFIG_NOSYSTEM"] = "1";
  return o;
}

// `dsnguard lint --format json [extra...] dir`.
inline LintRun lint_json(const std::string& dir, std::vector<std::string> extra = {}, RunOptions o = {})
{
  std::vector<std::string> args{"lint", "--format", "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(dir);
  LintRun r;
  r.result = dsnguard(args, lint_env(std::move(o)));
  r.json = nlohmann::json::parse(r.result.out, nullptr, false);
  EXPECT_FALSE(r.json.is_discarded()) << "stdout is not JSON:\n" << r.result.out << "\nstderr:\n" << r.result.err;
  return r;
}

}  // namespace dsnguard::test
