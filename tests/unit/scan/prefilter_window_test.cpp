// The SIMD kernels' fingerprints are windows inside the keywords (teddy::fingerprint_offsets): a candidate at p
// stands for a keyword starting `shift` bytes earlier. These tests put such keywords where that shift matters (the
// first bytes of the input, its last bytes, block and chunk borders, views that start inside a keyword) and where
// hits come out of the kernel in another order than the contract's (limits), and compare every kernel with a naive
// search.

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "config/rules.hpp"
#include "unit/scan/prefilter_support.hpp"
#include "scan/prefilter.hpp"
#include "scan/prefilter_teddy.hpp"

namespace dsnguard::scan {
namespace {

using namespace prefilter_test;

// Keywords whose fingerprint windows are not at their start (checked by the fixture), and short ones (no shift).
const std::vector<std::string> k_shifted = {"typeorm'", "resource \"aws_db", "connection\"", "password"};

std::vector<std::string> mixed_keywords()
{
  std::vector<std::string> keywords = k_shifted;
  for (const char* k : {"x", "ab", "db:", "orm'", "source", "type"}) {
    keywords.emplace_back(k);
  }
  return keywords;
}

class PrefilterWindow : public ::testing::TestWithParam<Prefilter::Kernel> {
protected:
  void SetUp() override
  {
    if (!Prefilter::supported(GetParam())) {
      GTEST_SKIP() << "this CPU lacks the instructions of this kernel";
    }
    // The premise: these keywords' windows start inside them (else the tests below test nothing new).
    const auto offsets = teddy::fingerprint_offsets(mixed_keywords());
    for (std::size_t k = 0; k < k_shifted.size(); ++k) {
      ASSERT_GT(offsets[k], 0u) << k_shifted[k];
      ASSERT_LE(offsets[k] + teddy::k_width, k_shifted[k].size()) << k_shifted[k];
    }
  }
};

INSTANTIATE_TEST_SUITE_P(Kernels, PrefilterWindow, k_all_kernels, kernel_name);

TEST(FingerprintOffsets, WindowsInsideEveryKeyword)
{
  // Every offset leaves a whole window inside its keyword; keywords of k_width bytes or fewer keep offset 0; the
  // choice depends only on the keyword list.
  const auto rules = config::builtin_rules();
  ASSERT_TRUE(rules.has_value());
  std::vector<std::string> keywords = {"", "a", "ab", "abc", "abcd"};
  for (const auto& r : *rules) {
    keywords.insert(keywords.end(), r.keywords.begin(), r.keywords.end());
  }
  const auto offsets = teddy::fingerprint_offsets(keywords);
  ASSERT_EQ(offsets.size(), keywords.size());
  std::size_t shifted = 0;
  for (std::size_t k = 0; k < keywords.size(); ++k) {
    if (keywords[k].size() <= teddy::k_width) {
      EXPECT_EQ(offsets[k], 0u) << keywords[k];
    } else {
      EXPECT_LE(offsets[k] + teddy::k_width, keywords[k].size()) << keywords[k];
      shifted += offsets[k] > 0 ? 1 : 0;
    }
  }
  EXPECT_GT(shifted, 50u);  // most long rule keywords do not start with their rarest window
  EXPECT_EQ(teddy::fingerprint_offsets(keywords), offsets);
  EXPECT_EQ(teddy::fingerprint("TypeORM'", 4), "orm'");
}

TEST_P(PrefilterWindow, KeywordsAtTheFirstBytes)
{
  // A keyword at offsets 0..size: its window is at most `shift` bytes into the input (a candidate there must not
  // reach before the start), in inputs shorter than a block, of a few blocks and past the lazy build's 16 KiB.
  const auto keywords = mixed_keywords();
  const Prefilter p(keywords, GetParam());
  for (const std::size_t size : {std::size_t{0}, std::size_t{5}, std::size_t{40}, std::size_t{100},
                                 std::size_t{17000}}) {
    for (const std::string& kw : keywords) {
      for (std::size_t at = 0; at <= kw.size() + 1; ++at) {
        std::string text(at, 'q');
        text += kw;
        text += std::string(size, 'q');
        text[at] = static_cast<char>(text[at] >= 'a' && text[at] <= 'z' ? text[at] - 'a' + 'A' : text[at]);
        ASSERT_EQ(found(p, text), naive(keywords, text, SIZE_MAX)) << kw << " at " << at << " size " << size;
        // Only the part from the window on: a keyword cut at its start is no hit.
        for (std::size_t cut = 1; cut < kw.size() && size < 1000; ++cut) {
          const std::string_view tail = std::string_view(text).substr(at + cut);
          ASSERT_EQ(found(p, tail), naive(keywords, tail, SIZE_MAX)) << kw << " cut " << cut << " size " << size;
        }
      }
    }
  }
}

TEST_P(PrefilterWindow, ViewsStartingInsideAKeywordNeverReachBefore)
{
  // The bytes before the view hold the keyword's start: a candidate at p < shift must not become a hit at
  // p - shift (it would wrap around, or read outside the view).
  const auto keywords = mixed_keywords();
  const Prefilter p(keywords, GetParam());
  for (const std::string& kw : k_shifted) {
    const std::string buffer = kw + kw + std::string(80, ' ') + kw;
    for (std::size_t start = 1; start < kw.size(); ++start) {
      for (const std::size_t len : {kw.size() - start, kw.size() - start + 3, buffer.size() - start}) {
        const std::string_view view(buffer.data() + start, len);
        Hits got;  // on the view itself (not a copy), so that the bytes before it are the keyword's start
        for (const auto& h : p.find(view, SIZE_MAX)) {
          got.emplace_back(h.offset, h.keyword);
        }
        ASSERT_EQ(got, naive(keywords, view, SIZE_MAX)) << kw << " start " << start << " len " << len;
      }
    }
  }
}

TEST_P(PrefilterWindow, KeywordsAtTheLastBytes)
{
  // Each keyword ending at the last byte (and cut short by one), for every input length up to 140: the zero-padded
  // tail, with the window in the last block or the one before it.
  const auto keywords = mixed_keywords();
  const Prefilter p(keywords, GetParam());
  for (const std::string& kw : keywords) {
    for (std::size_t size = kw.size(); size <= 140; ++size) {
      std::string text(size - kw.size(), '"');
      text += kw;
      ASSERT_EQ(found(p, text), naive(keywords, text, SIZE_MAX)) << kw << " size " << size;
      const std::string_view cut(text.data(), text.size() - 1);
      ASSERT_EQ(found(p, cut), naive(keywords, cut, SIZE_MAX)) << kw << " size " << size;
    }
  }
}

TEST_P(PrefilterWindow, KeywordsAcrossBlockAndChunkBorders)
{
  // The SIMD kernels scan 16- or 32-byte blocks in chunks of 128 blocks (2 or 4 KiB): a keyword written over each
  // border at every offset has its start and its window on different sides of it.
  const auto keywords = mixed_keywords();
  const Prefilter p(keywords, GetParam());
  const std::vector<std::size_t> borders = {16, 32, 48, 64, 2048, 4096, 6144, 8192, 12288, 16384, 20480};
  for (const std::string& kw : keywords) {
    for (std::size_t back = 0; back <= kw.size(); ++back) {
      std::string text(20600, '.');
      for (const std::size_t border : borders) {
        text.replace(border - back, kw.size(), kw);
      }
      ASSERT_EQ(found(p, text), naive(keywords, text, SIZE_MAX)) << kw << " back " << back;
    }
  }
}

TEST_P(PrefilterWindow, LimitWhenLaterWindowsGiveEarlierHits)
{
  // In "resource \"aws_db" the window of "source" (hit at 2) comes before the resource keyword's (hit at 0), and in
  // "typeorm'" the window of "type" (keyword index 9) is met no later than that of "typeorm'" (index 0, same
  // offset): the kernel meets hits out of the contract's order, yet the first `limit` by offset and index come out.
  const auto keywords = mixed_keywords();
  const Prefilter p(keywords, GetParam());
  ASSERT_EQ(found(p, "resource \"aws_db", 1), (Hits{{0, 1}}));
  ASSERT_EQ(found(p, "resource \"aws_db", 2), (Hits{{0, 1}, {2, 8}}));
  ASSERT_EQ(found(p, "typeorm'", 1), (Hits{{0, 0}}));
  ASSERT_EQ(found(p, "typeorm'", 3), (Hits{{0, 0}, {0, 9}, {4, 7}}));
  const std::string unit = "resource \"aws_db typeorm'resource \"aws_db x password connection\" ab db:";
  for (const std::size_t size : {std::size_t{200}, std::size_t{17000}}) {
    std::string text;
    while (text.size() < size) {
      text += unit;
    }
    const Hits all = naive(keywords, text, SIZE_MAX);
    ASSERT_GT(all.size(), 30u);
    for (std::size_t limit = 0; limit <= 40; ++limit) {
      ASSERT_EQ(found(p, text, limit), naive(keywords, text, limit)) << "limit " << limit << " size " << size;
    }
    for (const std::size_t limit : {all.size() - 1, all.size(), all.size() + 1}) {
      ASSERT_EQ(found(p, text, limit), naive(keywords, text, limit)) << "limit " << limit << " size " << size;
    }
  }
}

// Text stitched from whole keywords, their prefixes and suffixes (a window without the keyword's start, or the
// start without the window), in random case, with bytes that fold like letters under | 0x20 and random bytes.
std::string stitched(std::mt19937& rng, const std::vector<std::string>& keywords, std::size_t size)
{
  static const char k_tricky[] = "@`[{_\x7f: \0\"'()=./+";
  static const std::string tricky(k_tricky, sizeof k_tricky - 1);
  std::string s;
  while (s.size() < size) {
    const unsigned pick = rng() % 10;
    if (pick < 5) {
      std::string kw = keywords[rng() % keywords.size()];
      if (pick == 1) {
        kw = kw.substr(rng() % (kw.size() + 1));
      } else if (pick == 2) {
        kw.resize(rng() % (kw.size() + 1));
      }
      for (auto& c : kw) {
        if (rng() % 2 == 0 && c >= 'a' && c <= 'z') {
          c = static_cast<char>(c - 'a' + 'A');
        }
      }
      s += kw;
    } else if (pick < 8) {
      s += tricky[rng() % tricky.size()];
    } else {
      s += static_cast<char>(rng() % 256);
    }
  }
  s.resize(size);
  return s;
}

TEST_P(PrefilterWindow, StitchedTextsMatchNaiveSearch)
{
  const auto rules = config::builtin_rules();
  ASSERT_TRUE(rules.has_value());
  std::vector<std::string> rule_keywords;
  for (const auto& r : *rules) {
    for (const auto& k : r.keywords) {
      if (std::find(rule_keywords.begin(), rule_keywords.end(), k) == rule_keywords.end()) {
        rule_keywords.push_back(k);
      }
    }
  }
  std::mt19937 rng(2026);
  // Random sets too: long keywords over a small alphabet share windows and overlap each other.
  std::vector<std::vector<std::string>> sets = {mixed_keywords(), rule_keywords};
  const std::string alphabet = "abcdeq:\"'_ ";
  for (int set = 0; set < 8; ++set) {
    std::vector<std::string> keywords;
    for (std::size_t k = 0, count = 1 + rng() % 30; k < count; ++k) {
      std::string kw;
      for (std::size_t j = 0, len = 1 + rng() % 14; j < len; ++j) {
        kw += alphabet[rng() % alphabet.size()];
      }
      keywords.push_back(kw);
    }
    sets.push_back(keywords);
  }
  for (std::size_t s = 0; s < sets.size(); ++s) {
    const Prefilter p(sets[s], GetParam());
    for (int round = 0; round < 40; ++round) {
      const std::size_t size = round % 10 == 9 ? 16384 + rng() % 9000 : rng() % 700;
      const std::string text = stitched(rng, sets[s], size);
      const std::size_t limit = round % 3 == 0 ? 1 + rng() % 50 : SIZE_MAX;
      ASSERT_EQ(found(p, text, limit), naive(sets[s], text, limit)) << "set " << s << " round " << round;
    }
  }
}

}  // namespace
}  // namespace dsnguard::scan
