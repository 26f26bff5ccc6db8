#include "scan/prefilter.hpp"

#include <gtest/gtest.h>

#include <random>
#include <tuple>

#include "config/rules.hpp"

namespace dsnguard::scan {
namespace {

using Hits = std::vector<std::pair<std::size_t, std::size_t>>;  // (offset, keyword)

// The contract, spelled out: every (offset, keyword) where the keyword matches with ASCII letters folded,
// ordered by offset then keyword index, cut at `limit`.
Hits naive(const std::vector<std::string>& keywords, std::string_view bytes, std::size_t limit)
{
  const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  Hits out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (std::size_t k = 0; k < keywords.size(); ++k) {
      const std::string& kw = keywords[k];
      if (kw.empty() || kw.size() > bytes.size() - i) {
        continue;
      }
      bool ok = true;
      for (std::size_t j = 0; j < kw.size() && ok; ++j) {
        ok = lower(bytes[i + j]) == kw[j];
      }
      if (ok) {
        if (out.size() == limit) {
          return out;
        }
        out.emplace_back(i, k);
      }
    }
  }
  return out;
}

Hits fast(const Prefilter& p, std::string_view bytes, std::size_t limit)
{
  Hits out;
  for (const auto& h : p.find(bytes, limit)) {
    out.emplace_back(h.offset, h.keyword);
  }
  return out;
}

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

TEST(Prefilter, MatchesNaiveSearchOnRuleKeywords)
{
  const auto keywords = rule_keywords();
  ASSERT_GT(keywords.size(), 50u);
  const Prefilter p(keywords);
  std::mt19937 rng(1234);
  for (int round = 0; round < 300; ++round) {
    const std::string text = random_text(rng, keywords, rng() % 600);
    ASSERT_EQ(fast(p, text, SIZE_MAX), naive(keywords, text, SIZE_MAX)) << "round " << round;
  }
}

TEST(Prefilter, MatchesNaiveSearchWithShortAndOverlappingKeywords)
{
  // Lengths 1 to 6, shared prefixes, keywords inside other keywords, bytes that collide under `| 0x20`.
  const std::vector<std::string> keywords = {"a",    "ab",   "abc",  "abcd", "abcde", "bcd", "@",   "`x",
                                             "[db",  "{db",  "_pw",  "pwd",  "x",     "aaa", "aaaa", "",
                                             "db:",  "q ",   "zz",   "zzzz", "mysql", "sql", "://", "@tcp("};
  const Prefilter p(keywords);
  std::mt19937 rng(99);
  for (int round = 0; round < 500; ++round) {
    const std::string text = random_text(rng, keywords, rng() % 200);
    ASSERT_EQ(fast(p, text, SIZE_MAX), naive(keywords, text, SIZE_MAX)) << "round " << round;
  }
  // Only 4-byte-or-longer keywords, and only 3-byte ones: the specialised loops.
  for (const std::vector<std::string>& set :
       {std::vector<std::string>{"abcd", "password", "mysql"}, std::vector<std::string>{"db:", "pg:", "abc"},
        std::vector<std::string>{"db:", "abcd", "password"}}) {
    const Prefilter q(set);
    for (int round = 0; round < 200; ++round) {
      const std::string text = random_text(rng, set, rng() % 100);
      ASSERT_EQ(fast(q, text, SIZE_MAX), naive(set, text, SIZE_MAX)) << "round " << round;
    }
  }
}

TEST(Prefilter, FindsKeywordsAtBufferEndsAndInAnyCase)
{
  const std::vector<std::string> keywords = {"db:", "password", "pg", "x"};
  const Prefilter p(keywords);
  for (const std::string text : {"db:", "DB:", "Db:zz", "zzdB:", "PassWord", "zpassword", "passworD", "pg", "PG",
                                 "x", "X", "xpg", "pgx", "db", "passwor", "p", ""}) {
    EXPECT_EQ(fast(p, text, SIZE_MAX), naive(keywords, text, SIZE_MAX)) << text;
  }
  EXPECT_EQ(fast(p, "PaSsWoRd", SIZE_MAX), (Hits{{0, 1}}));
  EXPECT_EQ(fast(p, "xxdB:", SIZE_MAX), (Hits{{0, 3}, {1, 3}, {2, 0}}));
  // Bytes equal to a letter only under `| 0x20` are not letters: '@' is not '`', '[' is not '{'.
  const Prefilter q({"`a", "{b", "a b"});
  EXPECT_TRUE(fast(q, std::string_view("@a [b a\0b", 9), SIZE_MAX).empty());
  EXPECT_EQ(fast(q, "`a {b a b", SIZE_MAX), (Hits{{0, 0}, {3, 1}, {6, 2}}));
}

TEST(Prefilter, LimitKeepsTheFirstHitsInOrder)
{
  const std::vector<std::string> keywords = {"aa", "a", "aaa"};
  const Prefilter p(keywords);
  const std::string text(50, 'a');
  const Hits all = naive(keywords, text, SIZE_MAX);
  ASSERT_EQ(all.size(), 50u + 49u + 48u);
  for (const std::size_t limit : {0u, 1u, 2u, 3u, 4u, 5u, 100u, 147u, 148u}) {
    const Hits got = fast(p, text, limit);
    EXPECT_EQ(got, naive(keywords, text, limit)) << limit;
    EXPECT_EQ(got.size(), std::min<std::size_t>(limit, all.size()));
  }
  // Hits at one offset are ordered by keyword index.
  EXPECT_EQ(fast(p, "aaa", 3), (Hits{{0, 0}, {0, 1}, {0, 2}}));
}

TEST(Prefilter, RandomKeywordSets)
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
    const Prefilter p(keywords);
    for (int round = 0; round < 30; ++round) {
      std::string text;
      const std::size_t len = rng() % 120;
      for (std::size_t j = 0; j < len; ++j) {
        text += alphabet[rng() % alphabet.size()];
      }
      const std::size_t limit = rng() % 2 == 0 ? SIZE_MAX : rng() % 20;
      ASSERT_EQ(fast(p, text, limit), naive(keywords, text, limit)) << "set " << set << " round " << round;
    }
  }
}

}  // namespace
}  // namespace dsnguard::scan
