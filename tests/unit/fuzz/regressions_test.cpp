// Replays the fuzz seed corpus and every saved crash input through each fuzz target (issue 7): a crash found
// once stays fixed in the normal and sanitizer builds.
#include <filesystem>

#include <gtest/gtest.h>

#include "fuzz/targets.hpp"
#include "support/process.hpp"

namespace dsnguard::test {

TEST(FuzzRegressions, EveryTargetHasSeedsAndReplaysThemAll)
{
  namespace fs = std::filesystem;
  for (const auto& target : fuzz::all_targets()) {
    std::size_t replayed = 0;
    for (const char* kind : {"corpus", "regressions"}) {
      const fs::path dir = fs::path(source_dir()) / "tests" / "fuzz" / kind / target.name;
      if (!fs::is_directory(dir)) {
        continue;
      }
      for (const auto& entry : fs::directory_iterator(dir)) {
        if (!entry.is_regular_file()) {
          continue;
        }
        const std::string data = read_file(entry.path().string());
        EXPECT_EQ(target.run(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()), 0) << entry.path();
        ++replayed;
      }
    }
    EXPECT_GE(replayed, 3u) << "fuzz target '" << target.name << "' needs a seed corpus";
  }
}

}  // namespace dsnguard::test
