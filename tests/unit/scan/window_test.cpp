// Windows around keyword hits: the line bounds (checked against a line-by-line reference, for one hit and for the
// cursor that walks the hits of a fragment in order) and the undoing of container escapes with its offset map.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "scan/window.hpp"

namespace dsnguard::scan {
namespace {

using Range = std::pair<std::size_t, std::size_t>;

// The window by definition: from the start of the hit's line (no further back than `back` bytes) to the end of the
// line `extra` lines after it (no further than `forward` bytes after the hit), one byte at a time.
Range reference(const std::string& text, std::size_t offset, std::size_t extra, std::size_t back, std::size_t forward)
{
  const std::size_t floor = offset > back ? offset - back : 0;
  std::size_t start = offset;
  while (start > floor && text[start - 1] != '\n') {
    --start;
  }
  const std::size_t ceiling = std::min(text.size(), offset + forward);
  std::size_t newlines = 0;
  for (std::size_t i = offset; i < ceiling; ++i) {
    if (text[i] == '\n' && newlines++ == extra) {
      return {start, i};
    }
  }
  return {start, ceiling};
}

// Random text: lines of random length (some empty, some longer than the caps), some without a final newline.
std::string random_text(std::mt19937& rng)
{
  std::string text;
  const std::size_t lines = rng() % 60;
  for (std::size_t l = 0; l < lines; ++l) {
    const std::size_t kind = rng() % 10;
    const std::size_t length = kind == 0 ? 0 : kind == 1 ? 40 + rng() % 200 : rng() % 12;
    text += std::string(length, static_cast<char>('a' + rng() % 26));
    if (l + 1 < lines || rng() % 2 == 0) {
      text += '\n';
    }
  }
  return text;
}

TEST(WindowCursor, FirstHitMatchesTheLineByLineReference)
{
  std::mt19937 rng(7);
  for (int round = 0; round < 3000; ++round) {
    const std::string text = random_text(rng);
    const std::size_t extra = rng() % 5;
    const std::size_t back = 1 + rng() % 64;
    const std::size_t forward = 1 + rng() % 128;
    for (std::size_t offset = 0; offset <= text.size(); offset += 1 + rng() % 7) {
      ASSERT_EQ(WindowCursor(text, extra, back, forward).around(offset), reference(text, offset, extra, back, forward))
          << "round " << round << " offset " << offset;
    }
  }
}

TEST(WindowCursor, MatchesTheReferenceForEveryHitOfAFragment)
{
  std::mt19937 rng(11);
  for (int round = 0; round < 3000; ++round) {
    const std::string text = random_text(rng);
    const std::size_t extra = rng() % 6;
    const std::size_t back = 1 + rng() % 64;
    const std::size_t forward = 1 + rng() % 300;
    // Ascending hits, some at the same offset (several keywords at one place), some at newlines and at the end;
    // now and then one out of order (delta-derived hits), which the cursor must compute afresh.
    std::vector<std::size_t> hits;
    for (std::size_t offset = 0; offset <= text.size(); offset += rng() % 9) {
      hits.push_back(offset);
      if (rng() % 50 == 0) {
        break;
      }
    }
    if (!hits.empty() && rng() % 4 == 0) {
      hits.push_back(hits[rng() % hits.size()]);
    }
    WindowCursor cursor(text, extra, back, forward);
    for (const std::size_t offset : hits) {
      ASSERT_EQ(cursor.around(offset), reference(text, offset, extra, back, forward))
          << "round " << round << " offset " << offset;
    }
  }
}

TEST(WindowCursor, FollowsHitsAcrossManyLines)
{
  std::string text;
  for (int l = 0; l < 200; ++l) {
    text += "line " + std::to_string(l) + "\n";
  }
  WindowCursor cursor(text, 40, 1024, 4096);
  for (std::size_t offset = 0; offset < text.size(); offset += 3) {
    ASSERT_EQ(cursor.around(offset), reference(text, offset, 40, 1024, 4096)) << offset;
  }
}

TEST(Window, LeavesTextWithoutEscapesAsItIs)
{
  const std::string text = R"(x = "C:\\path" & y && z \u00e9 &nbsp;)";
  const Window window(text, 2, text.size());
  EXPECT_EQ(window.text(), std::string_view(text).substr(2));
  EXPECT_EQ(window.raw_offset(0), 2u);
  EXPECT_EQ(window.raw_offset(window.text().size()), text.size());
}

TEST(Window, UndoesEscapesAndMapsOffsetsBack)
{
  const std::string text = R"(u="postgres:\/\/u:p@h\/db?a=1&amp;b=2\u0026c\u003d3&#38;d&#x26;e")";
  const Window window(text, 0, text.size());
  EXPECT_EQ(window.text(), R"(u="postgres://u:p@h/db?a=1&b=2&c=3&d&e")");
  // Each unescaped byte maps to the start of its escape; the end maps to the end.
  const std::string_view unescaped = window.text();
  for (std::size_t i = 0; i < unescaped.size(); ++i) {
    const std::size_t raw = window.raw_offset(i);
    ASSERT_LT(raw, text.size());
    if (text[raw] != '\\' && text[raw] != '&') {
      EXPECT_EQ(text[raw], unescaped[i]) << i;
    }
  }
  EXPECT_EQ(window.raw_offset(unescaped.find("//")), text.find(R"(\/\/)"));
  EXPECT_EQ(window.raw_offset(unescaped.size()), text.size());
}

TEST(Window, FindsAnEscapeAfterLeadBytesThatAreNot)
{
  // '\' and '&' that start no escape come first: the escape after them must still be undone.
  const std::string text = R"(a\b & c \x &am; "&amp;")";
  const Window window(text, 0, text.size());
  EXPECT_EQ(window.text(), R"(a\b & c \x &am; "&")");
}

TEST(MergeRanges, SortsAndJoinsOverlappingAndTouchingRanges)
{
  const auto merged = merge_ranges({{10, 20}, {0, 5}, {5, 7}, {15, 30}, {40, 41}});
  const std::vector<Range> expected = {{0, 7}, {10, 30}, {40, 41}};
  EXPECT_EQ(merged, expected);
}

}  // namespace
}  // namespace dsnguard::scan
