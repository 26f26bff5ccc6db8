// End-to-end: the delta-aware history scan (scan/delta_scan.hpp) on a real packed repository gives exactly the
// report of a full scan of every blob (DSNGUARD_DELTA_SCAN=0), for secrets that live only in delta blobs, are
// edited in place, move between lines and files, sit next to long lines or are removed again.
#include <filesystem>
#include <random>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/process.hpp"

namespace dsnguard::test {

namespace {

using nlohmann::json;

json history(const std::string& dir, bool delta)
{
  RunOptions options;
  options.env["DSNGUARD_DELTA_SCAN"] = delta ? "1" : "0";
  const auto r = dsnguard({"scan", "--history", "--format", "json", "--min-confidence", "low", dir}, options);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  json report = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(report.is_discarded()) << r.out << r.err;
  report["summary"].erase("seconds");
  return report;
}

TEST(HistoryDeltaScan, PackedHistoryGivesTheFullScanReport)
{
  TempDir dir;
  git_init(dir.path());
  std::mt19937 rng(5);
  const std::vector<std::string> lines = {
      "DATABASE_URL = 'postgresql://app:{pw}@db.prod-east.net:5432/app'\n",
      "PGPASSWORD={pw}\n",
      "conn = psycopg2.connect(host='db.prod.net', user='svc', password='{pw}')\n",
      "cache = 'redis://:{pw}@cache.prod.net:6379/0'\n",
      "# nothing to see on this line, only postgres and password words\n",
      "value = compute(x, y)\n",
      "DATABASE_URL = 'postgresql://user:password@localhost/db'\n",
  };
  std::vector<std::string> files(4);
  for (auto& f : files) {
    for (int i = 0; i < 120; ++i) {
      f += "filler line " + std::to_string(i) + " of ordinary text\n";
    }
  }
  for (int commit = 0; commit < 40; ++commit) {
    for (int edit = 0; edit < 3; ++edit) {
      std::string& f = files[rng() % files.size()];
      std::string line = lines[rng() % lines.size()];
      const auto at = line.find("{pw}");
      if (at != std::string::npos) {
        line.replace(at, 4, "Pw" + std::to_string(commit) + "x" + std::to_string(rng() % 100000) + "Qz");
      }
      if (rng() % 9 == 0) {
        line = std::string(1500 + rng() % 3000, 'k') + line;  // a long line before the secret
      }
      const std::size_t pos = f.empty() ? 0 : f.find('\n', rng() % f.size());
      const std::size_t insert_at = pos == std::string::npos ? f.size() : pos + 1;
      if (rng() % 4 == 0 && insert_at < f.size()) {
        const std::size_t end = f.find('\n', insert_at);
        f.erase(insert_at, end == std::string::npos ? std::string::npos : end - insert_at + 1);  // remove a line
      } else {
        f.insert(insert_at, line);
      }
    }
    for (std::size_t i = 0; i < files.size(); ++i) {
      write_file(dir.path(), "src/module" + std::to_string(i) + ".py", files[i]);
    }
    git_commit_all(dir.path(), "change " + std::to_string(commit));
  }
  git(dir.path(), {"gc", "-q", "--aggressive"});
  // The point of the test: most blobs are deltas in the pack.
  std::string verify;
  for (const auto& entry : std::filesystem::directory_iterator(dir / ".git/objects/pack")) {
    if (entry.path().extension() == ".idx") {
      verify += run({"git", "verify-pack", "-v", entry.path().string()}).out;
    }
  }
  EXPECT_NE(verify.find("chain length = 5"), std::string::npos) << verify.substr(0, 2000);

  const json delta = history(dir.path(), true);
  const json full = history(dir.path(), false);
  EXPECT_GE(full["findings"].size(), 30u);
  EXPECT_EQ(delta, full);
}

}  // namespace
}  // namespace dsnguard::test
