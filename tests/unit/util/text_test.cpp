#include "util/strings.hpp"
#include "util/text.hpp"

#include <gtest/gtest.h>

namespace dsnguard {

TEST(Utf16, LittleEndianWithBomBecomesUtf8)
{
  std::string s("\xFF\xFE", 2);
  for (char c : std::string("DB=x\r\n\xC3")) {  // last byte only checks we keep going
    s.push_back(c);
    s.push_back('\0');
  }
  ASSERT_TRUE(util::transcode_utf16_with_bom(s));
  EXPECT_EQ(s.substr(0, 6), "DB=x\r\n");
  EXPECT_EQ(s.substr(6), "\xC3\x83");  // U+00C3 in UTF-8
}

TEST(Utf16, BigEndianAndSurrogatePairs)
{
  // FE FF, 'a', U+1F600 as D83D DE00, then a lone low surrogate.
  std::string s("\xFE\xFF\x00" "a" "\xD8\x3D\xDE\x00\xDC\x00", 10);
  ASSERT_TRUE(util::transcode_utf16_with_bom(s));
  EXPECT_EQ(s, "a\xF0\x9F\x98\x80\xEF\xBF\xBD");
}

TEST(Utf16, WithoutBomUnchanged)
{
  std::string s = "plain text";
  EXPECT_FALSE(util::transcode_utf16_with_bom(s));
  EXPECT_EQ(s, "plain text");
}

TEST(Strings, PrintableEscapesControlAndInvalidUtf8)
{
  EXPECT_EQ(util::printable("a\nb"), "a\\x0Ab");
  EXPECT_EQ(util::printable("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(util::printable("bad\xFF"), "bad\\xFF");
}

TEST(Strings, Entropy)
{
  EXPECT_DOUBLE_EQ(util::entropy("aaaa"), 0.0);
  EXPECT_DOUBLE_EQ(util::entropy("ab"), 1.0);
}

}  // namespace dsnguard
