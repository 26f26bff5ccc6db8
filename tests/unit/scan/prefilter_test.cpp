#include "scan/prefilter.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <tuple>

#include "config/rules.hpp"
#include "unit/scan/prefilter_support.hpp"

namespace dsnguard::scan {
namespace {

using namespace prefilter_test;

std::vector<std::string> rule_keywords()
{
  const auto rules = config::builtin_rules();
  EXPECT_TRUE(rules.has_value());
  std::vector<std::string> out;
  for (const auto& r : *rules) {
    for (const auto& k : r.keywords) {
      if (std::find(out.begin(), out.end(), k) == out.end()) {
        out.push_back(k);
      }
    }
  }
  return out;
}

// Random text built from keyword pieces with random case, bytes that fold onto letters under `| 0x20`
// ('@' vs '`', '[' vs '{', '_' vs DEL, '\0' vs ' '), and random bytes.
std::string random_text(std::mt19937& rng, const std::vector<std::string>& keywords, std::size_t size)
{
  static const char k_tricky[] = "@`[{_\x7f: \0\"'()=./+";
  static const std::string tricky(k_tricky, sizeof k_tricky - 1);
  std::string s;
  while (s.size() < size) {
    const unsigned pick = rng() % 8;
    if (pick < 3 && !keywords.empty()) {
      std::string kw = keywords[rng() % keywords.size()];
      if (rng() % 3 == 0) {
        kw.resize(rng() % (kw.size() + 1));  // a prefix only: near misses
      }
      for (auto& c : kw) {
        if (rng() % 2 == 0 && c >= 'a' && c <= 'z') {
          c = static_cast<char>(c - 'a' + 'A');
        }
      }
      s += kw;
    } else if (pick < 5) {
      s += tricky[rng() % tricky.size()];
    } else {
      s += static_cast<char>(rng() % 256);
    }
  }
  return s;
}

// Every test runs once per implementation path of find() (prefilter.hpp: Kernel); a path the CPU lacks is skipped
// (and said so), never silently replaced by another.
class PrefilterKernel : public ::testing::TestWithParam<Prefilter::Kernel> {
protected:
  void SetUp() override
  {
    if (!Prefilter::supported(GetParam())) {
      GTEST_SKIP() << "this CPU lacks the instructions of this kernel";
    }
  }
  Prefilter make(std::vector<std::string> keywords) const
  {
    Prefilter p(std::move(keywords), GetParam());
    if (GetParam() == Prefilter::Kernel::automatic) {
      EXPECT_NE(p.kernel(), Prefilter::Kernel::automatic);
    } else {
      EXPECT_EQ(p.kernel(), GetParam());
    }
    return p;
  }
};

INSTANTIATE_TEST_SUITE_P(Kernels, PrefilterKernel, k_all_kernels, kernel_name);

TEST_P(PrefilterKernel, MatchesNaiveSearchOnRuleKeywords)
{
  const auto keywords = rule_keywords();
  ASSERT_GT(keywords.size(), 50u);
  const Prefilter p = make(keywords);
  std::mt19937 rng(1234);
  for (int round = 0; round < 300; ++round) {
    const std::string text = random_text(rng, keywords, rng() % 600);
    ASSERT_EQ(found(p, text, SIZE_MAX), naive(keywords, text, SIZE_MAX)) << "round " << round;
  }
}

TEST_P(PrefilterKernel, MatchesNaiveSearchWithShortAndOverlappingKeywords)
{
  // Lengths 1 to 6, shared prefixes, keywords inside other keywords, bytes that collide under `| 0x20`.
  const std::vector<std::string> keywords = {"a",    "ab",   "abc",  "abcd", "abcde", "bcd", "@",   "`x",
                                             "[db",  "{db",  "_pw",  "pwd",  "x",     "aaa", "aaaa", "",
                                             "db:",  "q ",   "zz",   "zzzz", "mysql", "sql", "://", "@tcp("};
  const Prefilter p = make(keywords);
  std::mt19937 rng(99);
  for (int round = 0; round < 500; ++round) {
    const std::string text = random_text(rng, keywords, rng() % 200);
    ASSERT_EQ(found(p, text, SIZE_MAX), naive(keywords, text, SIZE_MAX)) << "round " << round;
  }
  // Only 4-byte-or-longer keywords, and only 3-byte ones: the specialised loops.
  for (const std::vector<std::string>& set :
       {std::vector<std::string>{"abcd", "password", "mysql"}, std::vector<std::string>{"db:", "pg:", "abc"},
        std::vector<std::string>{"db:", "abcd", "password"}}) {
    const Prefilter q = make(set);
    for (int round = 0; round < 200; ++round) {
      const std::string text = random_text(rng, set, rng() % 100);
      ASSERT_EQ(found(q, text, SIZE_MAX), naive(set, text, SIZE_MAX)) << "round " << round;
    }
  }
}

TEST_P(PrefilterKernel, FindsKeywordsAtBufferEndsAndInAnyCase)
{
  const std::vector<std::string> keywords = {"db:", "password", "pg", "x"};
  const Prefilter p = make(keywords);
  for (const std::string text : {"db:", "DB:", "Db:zz", "zzdB:", "PassWord", "zpassword", "passworD", "pg", "PG",
                                 "x", "X", "xpg", "pgx", "db", "passwor", "p", ""}) {
    EXPECT_EQ(found(p, text, SIZE_MAX), naive(keywords, text, SIZE_MAX)) << text;
  }
  EXPECT_EQ(found(p, "PaSsWoRd", SIZE_MAX), (Hits{{0, 1}}));
  EXPECT_EQ(found(p, "xxdB:", SIZE_MAX), (Hits{{0, 3}, {1, 3}, {2, 0}}));
  // Bytes equal to a letter only under `| 0x20` are not letters: '@' is not '`', '[' is not '{'.
  const Prefilter q = make({"`a", "{b", "a b"});
  EXPECT_TRUE(found(q, std::string_view("@a [b a\0b", 9), SIZE_MAX).empty());
  EXPECT_EQ(found(q, "`a {b a b", SIZE_MAX), (Hits{{0, 0}, {3, 1}, {6, 2}}));
}

TEST_P(PrefilterKernel, LimitKeepsTheFirstHitsInOrder)
{
  const std::vector<std::string> keywords = {"aa", "a", "aaa"};
  const Prefilter p = make(keywords);
  const std::string text(50, 'a');
  const Hits all = naive(keywords, text, SIZE_MAX);
  ASSERT_EQ(all.size(), 50u + 49u + 48u);
  for (const std::size_t limit : {0u, 1u, 2u, 3u, 4u, 5u, 100u, 147u, 148u}) {
    const Hits got = found(p, text, limit);
    EXPECT_EQ(got, naive(keywords, text, limit)) << limit;
    EXPECT_EQ(got.size(), std::min<std::size_t>(limit, all.size()));
  }
  // Hits at one offset are ordered by keyword index.
  EXPECT_EQ(found(p, "aaa", 3), (Hits{{0, 0}, {0, 1}, {0, 2}}));
}

TEST_P(PrefilterKernel, RandomKeywordSets)
{
  std::mt19937 rng(7);
  const std::string alphabet = "abAB:_@[`{ \"'";
  for (int set = 0; set < 60; ++set) {
    std::vector<std::string> keywords;
    const std::size_t count = 1 + rng() % 12;
    for (std::size_t k = 0; k < count; ++k) {
      std::string kw;
      const std::size_t len = 1 + rng() % 7;
      for (std::size_t j = 0; j < len; ++j) {
        const char c = alphabet[rng() % alphabet.size()];
        kw += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      }
      keywords.push_back(kw);
    }
    const Prefilter p = make(keywords);
    for (int round = 0; round < 30; ++round) {
      std::string text;
      const std::size_t len = rng() % 120;
      for (std::size_t j = 0; j < len; ++j) {
        text += alphabet[rng() % alphabet.size()];
      }
      const std::size_t limit = rng() % 2 == 0 ? SIZE_MAX : rng() % 20;
      ASSERT_EQ(found(p, text, limit), naive(keywords, text, limit)) << "set " << set << " round " << round;
    }
  }
}

// Random text as random_text() makes it, with more bytes >= 0x80 and their | 0x20 partners.
std::string rough_text(std::mt19937& rng, const std::vector<std::string>& keywords, std::size_t size)
{
  std::string s = random_text(rng, keywords, size);
  for (auto& c : s) {
    if (rng() % 16 == 0) {
      c = static_cast<char>(0x80 + rng() % 128);
    }
  }
  return s;
}

TEST_P(PrefilterKernel, EveryLengthAndUnalignedStart)
{
  // Lengths 0..100 cover inputs shorter than one SIMD block, the zero-padded last block(s) and the main loop; the
  // starts move the bytes against any alignment.
  const auto rules = rule_keywords();
  const std::vector<std::string> small = {"db", "x", "pg:", "@", "\x80" "a", "\xe0", "_pw", "q", "zz:z"};
  const Prefilter p = make(rules);
  const Prefilter q = make(small);
  std::vector<std::string> all = rules;
  all.insert(all.end(), small.begin(), small.end());
  std::mt19937 rng(4242);
  for (int round = 0; round < 3; ++round) {
    const std::string text = rough_text(rng, all, 200);
    for (std::size_t start = 0; start < 40; ++start) {
      for (std::size_t len = 0; len <= 100 && start + len <= text.size(); ++len) {
        const std::string_view view(text.data() + start, len);
        ASSERT_EQ(found(q, view, SIZE_MAX), naive(small, view, SIZE_MAX))
            << "round " << round << " start " << start << " len " << len;
        if (start % 7 == 0) {
          ASSERT_EQ(found(p, view, SIZE_MAX), naive(rules, view, SIZE_MAX))
              << "round " << round << " start " << start << " len " << len;
        }
      }
    }
  }
}

TEST_P(PrefilterKernel, NonAsciiKeywordBytesAndFoldCollisions)
{
  // Only A-Z fold: 0xc9 is not 0xe9, '@' is not '`', '[' is not '{', '_' is not DEL, 0x00 is not ' ', even though
  // each pair is equal under | 0x20 (what the SIMD fingerprints use).
  const std::vector<std::string> keywords = {"\xe9t\xe9", "\xc9", "a\x80" "b", "`x", "@y", "{z", "[w", "\x7f_",
                                             "_\x7f", "a b", "\xff\xff\xff\xff\xff"};
  const Prefilter p = make(keywords);
  for (const std::string& text :
       {std::string("\xc9T\xc9 \xe9T\xe9 \xe9t\xe9 \xc9"), std::string("A\xa0" "B a\x80" "B `X @X @Y `Y"),
        std::string("{Z [Z [W {W \x7f\x5f \x5f\x7f _\x5f"), std::string("a\0b A B a b", 12),
        std::string(9, '\xff') + std::string(3, '\xdf')}) {
    EXPECT_EQ(found(p, text, SIZE_MAX), naive(keywords, text, SIZE_MAX)) << text;
  }
  std::mt19937 rng(5);
  for (int round = 0; round < 200; ++round) {
    const std::string text = rough_text(rng, keywords, rng() % 300);
    ASSERT_EQ(found(p, text, SIZE_MAX), naive(keywords, text, SIZE_MAX)) << "round " << round;
  }
}

TEST_P(PrefilterKernel, ManyKeywordsAndLongBuffers)
{
  // More fingerprints than buckets, lengths 1..12 (short ones leave fingerprint positions open), over 20 KB: across
  // several chunks of the SIMD kernels (2 or 4 KiB), with keywords written over every 4 KiB border.
  std::mt19937 rng(31337);
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789:_.\"'([@`{ ";
  for (int set = 0; set < 3; ++set) {
    std::vector<std::string> keywords;
    for (int k = 0; k < 300; ++k) {
      std::string kw;
      const std::size_t len = set == 0 ? 3 + rng() % 10 : 1 + rng() % 12;
      for (std::size_t j = 0; j < len; ++j) {
        kw += alphabet[rng() % alphabet.size()];
      }
      keywords.push_back(kw);
    }
    const Prefilter p = make(keywords);
    std::string text = rough_text(rng, keywords, 20000);
    for (std::size_t border = 4096; border + 16 < text.size(); border += 4096) {
      const std::string& kw = keywords[rng() % keywords.size()];
      text.replace(border - std::min(border, kw.size() / 2), kw.size(), kw);
    }
    const Hits all = naive(keywords, text, SIZE_MAX);
    ASSERT_EQ(found(p, text, SIZE_MAX), all) << "set " << set;
    for (const std::size_t limit : {1u, 2u, 100u, 1000u, 5000u}) {
      // The first `limit` hits (naive() with a limit is exactly that prefix).
      const Hits want(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(std::min(limit, all.size())));
      ASSERT_EQ(found(p, text, limit), want) << "set " << set << " limit " << limit;
    }
  }
}

TEST_P(PrefilterKernel, LimitOnLongInputs)
{
  // Hits in every block, the limit falling in the first block, a middle chunk, the padded tail and past the end.
  const std::vector<std::string> keywords = {"ab", "b", "bab", "a"};
  const Prefilter p = make(keywords);
  std::string text;
  for (int i = 0; i < 4999; ++i) {
    text += (i % 3 == 0) ? "ab" : "aB";
  }
  text += "x";
  const Hits all = naive(keywords, text, SIZE_MAX);
  ASSERT_GT(all.size(), 15000u);
  for (const std::size_t limit : std::vector<std::size_t>{1, 2, 3, 31, 32, 33, 64, 4097, 10000, all.size() - 1,
                                                          all.size(), all.size() + 1, SIZE_MAX}) {
    const Hits got = found(p, text, limit);
    ASSERT_EQ(got.size(), std::min(limit, all.size())) << limit;
    ASSERT_TRUE(std::equal(got.begin(), got.end(), all.begin())) << limit;
  }
  EXPECT_TRUE(found(p, text, 0).empty());
}

TEST_P(PrefilterKernel, AgreesWithScalarOnTheProjectSources)
{
  // Real text (this repository's sources and rules) with the rule keywords: every kernel gives the scalar loop's
  // hits, which the tests above tie to the naive search.
  const auto keywords = rule_keywords();
  const Prefilter p = make(keywords);
  const Prefilter scalar(keywords, Prefilter::Kernel::scalar);
  std::size_t files = 0;
  std::size_t hits = 0;
  for (const char* dir : {"src", "rules", "tests/unit"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(std::filesystem::path(DSNGUARD_SOURCE_DIR) / dir)) {
      if (!entry.is_regular_file()) {
        continue;
      }
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream content;
      content << in.rdbuf();
      const std::string text = content.str();
      const Hits want = found(scalar, text, SIZE_MAX);
      ASSERT_EQ(found(p, text, SIZE_MAX), want) << entry.path();
      ++files;
      hits += want.size();
    }
  }
  EXPECT_GT(files, 50u);
  EXPECT_GT(hits, 1000u);
}

TEST(PrefilterAutomatic, SmallInputsBeforeTheFirstLargeOneAndAfterIt)
{
  // With Kernel::automatic the SIMD masks are built on the first input of 16 KiB or more; small inputs before it
  // take the scalar loop, inputs after it the SIMD kernel. Every phase gives the naive search's hits.
  const auto keywords = rule_keywords();
  const Prefilter p(keywords);
  std::mt19937 rng(11);
  for (int round = 0; round < 3; ++round) {
    for (const std::size_t size : {std::size_t{0}, std::size_t{17}, std::size_t{4000}, std::size_t{16 * 1024 - 1}}) {
      const std::string text = random_text(rng, keywords, size);
      ASSERT_EQ(found(p, text, SIZE_MAX), naive(keywords, text, SIZE_MAX)) << "round " << round << " size " << size;
    }
    const std::string large = random_text(rng, keywords, 16 * 1024 + static_cast<std::size_t>(round) * 999);
    ASSERT_EQ(found(p, large, SIZE_MAX), naive(keywords, large, SIZE_MAX)) << "round " << round;
  }
}

TEST(PrefilterAutomatic, FirstLargeInputsFromManyThreadsAtOnce)
{
  const auto keywords = rule_keywords();
  std::mt19937 rng(5);
  const std::string large = random_text(rng, keywords, 64 * 1024);
  const Hits want = naive(keywords, large, SIZE_MAX);
  const Prefilter p(keywords);
  std::vector<Hits> got(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < got.size(); ++t) {
    threads.emplace_back([&, t] { got[t] = found(p, large, SIZE_MAX); });
  }
  for (auto& th : threads) {
    th.join();
  }
  for (const auto& g : got) {
    EXPECT_EQ(g, want);
  }
}

TEST(PrefilterAutomatic, PrepareWhileOtherThreadsSearch)
{
  // prepare() builds the masks ahead of the first large input (an idle core during listing); searches running
  // meanwhile, small and large, give the naive search's hits, and so do those after it.
  const auto keywords = rule_keywords();
  std::mt19937 rng(9);
  const std::string small = random_text(rng, keywords, 3000);
  const std::string large = random_text(rng, keywords, 40 * 1024);
  const Hits want_small = naive(keywords, small, SIZE_MAX);
  const Hits want_large = naive(keywords, large, SIZE_MAX);
  const Prefilter p(keywords);
  std::vector<Hits> got(4);
  std::vector<std::thread> threads;
  threads.emplace_back([&] { p.prepare(); });
  for (std::size_t t = 0; t < got.size(); ++t) {
    threads.emplace_back([&, t] { got[t] = found(p, t % 2 == 0 ? small : large, SIZE_MAX); });
  }
  for (auto& th : threads) {
    th.join();
  }
  for (std::size_t t = 0; t < got.size(); ++t) {
    EXPECT_EQ(got[t], t % 2 == 0 ? want_small : want_large) << t;
  }
  p.prepare();  // a second call does nothing
  EXPECT_EQ(found(p, small, SIZE_MAX), want_small);
  EXPECT_EQ(found(p, large, SIZE_MAX), want_large);
}

}  // namespace
}  // namespace dsnguard::scan
