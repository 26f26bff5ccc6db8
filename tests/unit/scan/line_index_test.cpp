// LineIndex and count_newlines against counting newlines byte by byte: every offset of random texts, queried in
// ascending order and then in random order (the index counts from the previous query in either direction), and
// texts long enough for the SIMD count's 16-byte blocks and its 255-block sums.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "scan/findings.hpp"
#include "scan/window.hpp"

namespace dsnguard::scan {
namespace {

std::string random_text(std::mt19937& rng, std::size_t size, unsigned newline_one_in)
{
  std::string text(size, 'x');
  for (auto& c : text) {
    const auto r = rng() % newline_one_in;
    c = r == 0 ? '\n' : r == 1 ? '\r' : static_cast<char>('a' + rng() % 26);
  }
  return text;
}

struct Expected {
  std::size_t line;
  std::size_t start;
  std::string text;
};

// The line, line start and line text of every offset 0..size, by walking the bytes.
std::vector<Expected> walk(const std::string& text)
{
  std::vector<Expected> out;
  std::size_t line = 0;
  std::size_t start = 0;
  for (std::size_t offset = 0; offset <= text.size(); ++offset) {
    const std::size_t end = text.find('\n', start);
    out.push_back({line, start, text.substr(start, end == std::string::npos ? std::string::npos : end - start)});
    if (offset < text.size() && text[offset] == '\n') {
      ++line;
      start = offset + 1;
    }
  }
  return out;
}

TEST(LineIndex, AgreesWithCountingNewlinesInAnyQueryOrder)
{
  std::mt19937 rng(5);
  for (int round = 0; round < 400; ++round) {
    std::string text = random_text(rng, rng() % 100, 8);
    if (round % 10 == 0) {
      text.assign(rng() % 40, '\n');  // nothing but newlines
    }
    const auto expected = walk(text);
    LineIndex lines(text);
    for (std::size_t offset = 0; offset <= text.size(); ++offset) {
      ASSERT_EQ(lines.line_of(offset), expected[offset].line) << "round " << round << " offset " << offset;
      ASSERT_EQ(lines.line_start(offset), expected[offset].start);
      ASSERT_EQ(lines.line_text(offset), expected[offset].text);
    }
    for (int q = 0; q < 50; ++q) {
      const std::size_t offset = rng() % (text.size() + 1);
      ASSERT_EQ(lines.line_of(offset), expected[offset].line) << "round " << round << " offset " << offset;
    }
    EXPECT_EQ(lines.line_of(text.size() + 10), expected.back().line);  // past the end: the end
  }
}

TEST(LineIndex, CountsNewlinesOfLongTexts)
{
  std::mt19937 rng(11);
  for (const std::size_t size : {15u, 16u, 17u, 4079u, 4080u, 4081u, 8200u, 100000u}) {
    for (const unsigned one_in : {2u, 40u, 100000u}) {
      const std::string text = random_text(rng, size, one_in);
      std::size_t naive = 0;
      for (const char c : text) {
        naive += c == '\n' ? 1 : 0;
      }
      ASSERT_EQ(count_newlines(text), naive) << size << " bytes, one newline in " << one_in;
    }
    const std::string all(size, '\n');  // every per-byte counter reaches 255 before it is summed
    ASSERT_EQ(count_newlines(all), size);
    const std::string text = random_text(rng, size, 30);
    const auto expected = walk(text);
    LineIndex lines(text);
    for (const std::size_t offset : {size, size / 2, std::size_t{0}, size - 1, std::size_t{1}}) {
      ASSERT_EQ(lines.line_of(offset), expected[offset].line) << size << " bytes, offset " << offset;
    }
  }
}

}  // namespace
}  // namespace dsnguard::scan
