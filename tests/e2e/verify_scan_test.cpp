// End-to-end: `dsnguard scan --verify` on a repository that leaks a URL of the harness's real PostgreSQL
// (loopback, so refused without --verify-private). Issue 5.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/postgres.hpp"
#include "support/process.hpp"

namespace dsnguard::test {

namespace {

using nlohmann::json;

// Scans `repo` with --verify (plus `extra`) and returns the verification states of the PostgreSQL findings.
std::vector<std::string> verify_states(const std::string& repo, const std::vector<std::string>& extra,
                                       const std::string& home, std::string* output = nullptr)
{
  std::vector<std::string> args{"scan", "--verify", "--format", "json", "--timeout", "5"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(repo);
  RunOptions o;
  o.env["HOME"] = home;
  const auto r = dsnguard(args, o);
  if (output != nullptr) {
    *output = r.out + r.err;
  }
  const auto doc = json::parse(r.out, nullptr, false);
  if (doc.is_discarded() && r.err.find("not implemented") != std::string::npos) {
    return {};  // sources/scan not merged into this build yet: the caller skips
  }
  EXPECT_FALSE(doc.is_discarded()) << r.out << r.err;
  std::vector<std::string> states;
  if (doc.is_discarded() || !doc.contains("findings")) {
    return states;
  }
  for (const auto& f : doc["findings"]) {
    if (f.contains("attributes") && f["attributes"].value("family", "") == "postgresql") {
      states.push_back(f.contains("verification") ? f["verification"].value("state", "") : "");
    }
  }
  return states;
}

}  // namespace

TEST(VerifyScan, LoopbackCredentialIsRefusedThenLiveOrRejectedWithVerifyPrivate)
{
  auto& pg = PostgresServer::shared();
  TempDir repo;
  git_init(repo.path());
  write_file(repo.path(), "app/settings.py",
             "import os\nDATABASE_URL = \"" + pg.app_url("sslmode=require") + "\"\n"
             "OLD_URL = \"" + pg.url(PostgresServer::k_user, "0ld-r0tated-Pa55", PostgresServer::k_database) + "\"\n");
  git_commit_all(repo.path(), "settings");

  std::string output;
  const auto refused = verify_states(repo.path(), {}, pg.home(), &output);
  if (refused.empty()) {
    GTEST_SKIP() << "the scan reports no PostgreSQL finding in this build (sources/detection not merged yet): " << output;
  }
  ASSERT_EQ(refused.size(), 2u) << output;
  EXPECT_EQ(refused[0], "refused");
  EXPECT_EQ(refused[1], "refused");
  EXPECT_NE(output.find("--verify-private"), std::string::npos);

  const auto allowed = verify_states(repo.path(), {"--verify-private"}, pg.home(), &output);
  ASSERT_EQ(allowed.size(), 2u) << output;
  EXPECT_EQ(allowed[0], "live") << output;
  EXPECT_EQ(allowed[1], "rejected") << output;
  EXPECT_EQ(output.find(PostgresServer::k_password), std::string::npos);
  EXPECT_EQ(output.find(percent_encode(PostgresServer::k_password)), std::string::npos);
}

}  // namespace dsnguard::test
