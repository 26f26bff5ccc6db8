#include "sources/line_diff.hpp"

#include <gtest/gtest.h>

namespace dsnguard::sources {

namespace {

std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges(std::string_view before, std::string_view now)
{
  std::vector<std::pair<std::uint32_t, std::uint32_t>> out;
  for (const auto& r : added_lines(before, now)) {
    out.emplace_back(r.first, r.last);
  }
  return out;
}

using R = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

}  // namespace

TEST(LineDiff, NewLinesAreReportedAndMergedIntoRanges)
{
  EXPECT_EQ(ranges("a\nb\nc\n", "a\nb\nc\n"), R{});
  EXPECT_EQ(ranges("a\nb\nc\n", "a\nX\nY\nb\nc\nZ\n"), (R{{2, 3}, {6, 6}}));
  EXPECT_EQ(ranges("", "a\nb"), (R{{1, 2}}));  // no trailing newline on the last line
}

TEST(LineDiff, MovedLinesAreNotAddedButExtraCopiesAre)
{
  EXPECT_EQ(ranges("a\nsecret\nb\n", "secret\na\nb\n"), R{});
  EXPECT_EQ(ranges("a\nsecret\n", "a\nsecret\nsecret\n"), (R{{3, 3}}));
}

TEST(LineDiff, CrlfAndLfCountAsTheSameLine)
{
  EXPECT_EQ(ranges("a\r\nb\r\n", "a\nb\nc\n"), (R{{3, 3}}));
}

}  // namespace dsnguard::sources
