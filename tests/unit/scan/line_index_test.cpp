// LineIndex against counting newlines byte by byte: every offset of random texts whose newlines fall at every
// position of the 16-byte blocks the index is built from (and in the tail after the last whole block).
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "scan/findings.hpp"

namespace dsnguard::scan {
namespace {

TEST(LineIndex, AgreesWithCountingNewlines)
{
  std::mt19937 rng(5);
  for (int round = 0; round < 400; ++round) {
    std::string text(rng() % 100, 'x');
    for (auto& c : text) {
      const auto r = rng() % 8;
      c = r == 0 ? '\n' : r == 1 ? '\r' : static_cast<char>('a' + rng() % 26);
    }
    if (round % 10 == 0) {
      text.assign(rng() % 40, '\n');  // nothing but newlines
    }
    const LineIndex lines(text);
    std::size_t line = 0;
    std::size_t start = 0;
    for (std::size_t offset = 0; offset <= text.size(); ++offset) {
      ASSERT_EQ(lines.line_of(offset), line) << "round " << round << " offset " << offset;
      ASSERT_EQ(lines.line_start(line), start);
      const std::size_t end = text.find('\n', start);
      ASSERT_EQ(lines.line_text(line), text.substr(start, end == std::string::npos ? std::string::npos : end - start));
      if (offset < text.size() && text[offset] == '\n') {
        ++line;
        start = offset + 1;
      }
    }
  }
}

}  // namespace
}  // namespace dsnguard::scan
