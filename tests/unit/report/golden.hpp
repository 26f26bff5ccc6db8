#pragma once
// Golden-file comparison for reporter tests: DSNGUARD_UPDATE_GOLDEN=1 rewrites the files instead.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "support/process.hpp"

namespace dsnguard::test {

inline void expect_golden(const std::string& relative, const std::string& actual)
{
  const std::string path = source_dir() + "/tests/golden/" + relative;
  const char* update = std::getenv("DSNGUARD_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << "missing golden file " << path << " (run with DSNGUARD_UPDATE_GOLDEN=1)";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(expected.str(), actual) << "golden file " << path << " differs (DSNGUARD_UPDATE_GOLDEN=1 rewrites it)";
}

}  // namespace dsnguard::test
