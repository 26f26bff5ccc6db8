#include "scan/regex_guard.hpp"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "config/rules.hpp"

namespace dsnguard::scan {
namespace {

RegexGuard guard_of(const std::string& pattern, std::vector<std::string> keywords = {})
{
  return RegexGuard::derive(pattern, rule_regex_options(pattern), keywords);
}

bool regex_matches(const std::string& pattern, std::string_view text)
{
  const RE2 re(pattern, rule_regex_options(pattern));
  EXPECT_TRUE(re.ok()) << pattern;
  return RE2::PartialMatch(text, re);
}

TEST(RegexGuard, PicksTheLiteralThatIsNotTheKeyword)
{
  const std::string pattern = R"((?i)\b(?:postgres(?:ql)?|pgsql)://[^\s:@]+:[^\s@]+@)";
  const auto guard = guard_of(pattern, {"postgres", "pgsql"});
  ASSERT_FALSE(guard.clauses().empty());
  EXPECT_EQ(guard.clauses().front(), std::vector<std::string>{"://"});
  EXPECT_FALSE(guard.may_match("connect with the postgres dialect of the pgsql driver"));
  EXPECT_TRUE(guard.may_match("url = 'postgresql://app:s3cret@db:5432/app'"));
  EXPECT_TRUE(guard.may_match("just a :// and an @ somewhere"));  // necessary, not sufficient
  EXPECT_FALSE(guard.may_match("see postgresql://db:5432/app"));   // no '@': a later clause fails
}

TEST(RegexGuard, ComparesLettersCaseInsensitively)
{
  const std::string pattern = "(?i)password[ \t]*=[ \t]*\\S+";
  const auto guard = guard_of(pattern);
  ASSERT_FALSE(guard.clauses().empty());
  for (const std::string text : {"PassWord = x", "PASSWORD=x", "xx password=1"}) {
    EXPECT_TRUE(regex_matches(pattern, text)) << text;
    EXPECT_TRUE(guard.may_match(text)) << text;
  }
  EXPECT_FALSE(guard.may_match("passw0rd = x"));
}

TEST(RegexGuard, EitherLiteralOfAnAlternationIsEnough)
{
  const auto guard = guard_of(R"((?i)db_?(?:pass|pwd)\s*=\s*\w+)", {"db"});
  EXPECT_TRUE(guard.may_match("DB_PWD = abc"));
  EXPECT_TRUE(guard.may_match("dbpass=abc"));
  EXPECT_FALSE(guard.may_match("db_user = abc"));
}

// Past the first clause, literals down to single bytes that the regex needs as well: every clause must hold.
TEST(RegexGuard, EveryClauseMustHold)
{
  // A PHP array entry: "=>" is needed besides the key (in no clause of two-byte-or-longer literals alone, since
  // the quoted keys are too many to test).
  const std::string php = R"((?is)["'](?:mysql|pgsql|db)["'][ \t]*=>[ \t]*\[[^\]]*?["'](?:password|pass)["'][ \t]*=>[ \t]*'[^'\n]*')";
  const auto guard = guard_of(php, {"'mysql'", "'db'"});
  ASSERT_FALSE(guard.clauses().empty());
  EXPECT_TRUE(std::find(guard.clauses().begin(), guard.clauses().end(), std::vector<std::string>{"=>"})
              != guard.clauses().end());
  const std::string entry = "'mysql' => [\n  'host' => 'db',\n  'password' => 's3cret',\n]";
  ASSERT_TRUE(regex_matches(php, entry));
  EXPECT_TRUE(guard.may_match(entry));
  EXPECT_FALSE(guard.may_match("DATABASES['mysql']['password'] = 's3cret'"));  // a Python dict: no "=>"
  // A JavaScript object: "{" after the key.
  const std::string object = R"((?i)["']?\b(?:database|db)["']?[ \t]*:[ \t]*\{[^{}]*?["']?\b(?:password|pass)["']?[ \t]*:[ \t]*'[^'\n]*')";
  const auto braces = guard_of(object, {"database:", "db:"});
  ASSERT_GE(braces.clauses().size(), 2u);
  EXPECT_TRUE(braces.may_match("db: { user: 'app', password: 's3cret' }"));
  EXPECT_FALSE(braces.may_match("db:\n  user: 'app'\n  password: 's3cret'"));
}

TEST(RegexGuard, NoGuardWithoutLiterals)
{
  EXPECT_TRUE(guard_of("[a-z]+[0-9]+").clauses().empty());
  EXPECT_TRUE(guard_of("[a-z]+[0-9]+").may_match("nothing in common"));
  EXPECT_TRUE(RegexGuard().may_match(""));
}

TEST(RegexGuard, NoGuardWhenTheOnlyLiteralsArePartOfTheKeywords)
{
  const auto uri = guard_of("(?i)mysql://", {"mysql"});  // "://" is not part of the keyword
  EXPECT_EQ(uri.clauses(), std::vector<std::vector<std::string>>{{"mysql://"}});
  EXPECT_TRUE(guard_of("(?i)\\bmysql(?:dump)?\\b", {"mysql"}).clauses().empty());
}

TEST(RegexGuard, NoGuardOnNonAsciiLiterals)
{
  // RE2 lower-cases them with Unicode rules; the guard folds ASCII only.
  const auto guard = guard_of("(?i)contrase\xC3\xB1" "a=\\S+");
  for (const auto& clause : guard.clauses()) {
    for (const auto& literal : clause) {
      EXPECT_TRUE(std::all_of(literal.begin(), literal.end(), [](char c) { return (c & 0x80) == 0; })) << literal;
      EXPECT_EQ(literal.find("contrase"), std::string::npos) << literal;
    }
  }
}

TEST(RegexGuard, NonAsciiLettersThatFoldOntoAsciiStillPass)
{
  // A pattern with a non-ASCII character is matched as UTF-8, where RE2's (?i) folds U+212A KELVIN SIGN onto 'k'
  // and U+017F LATIN SMALL LETTER LONG S onto 's'; its ASCII literals must let such text through.
  const std::string kelvin = "(?i)apikey=(?:\\w|\xC3\xA9)+";
  const std::string kelvin_text = "api\xE2\x84\xAA" "ey=abc";
  ASSERT_TRUE(regex_matches(kelvin, kelvin_text));
  ASSERT_FALSE(guard_of(kelvin).clauses().empty());
  EXPECT_TRUE(guard_of(kelvin).may_match(kelvin_text));
  const std::string long_s = "(?i)password=(?:\\w|\xC3\xA9)+";
  const std::string long_s_text = "pa\xC5\xBF" "sword=abc";
  ASSERT_TRUE(regex_matches(long_s, long_s_text));
  EXPECT_TRUE(guard_of(long_s).may_match(long_s_text));
  // Other non-ASCII text is still filtered.
  EXPECT_FALSE(guard_of(long_s).may_match("caf\xC3\xA9 passwort=abc"));
}

TEST(RuleRegexOptions, AsciiPatternsMatchBytes)
{
  // ASCII patterns run in Latin-1: no fold onto the non-ASCII letters, and bytes that are not UTF-8 (a Latin-1
  // file) are matched like any other instead of ending the match.
  EXPECT_FALSE(regex_matches("(?i)apikey=\\w+", "api\xE2\x84\xAA" "ey=abc"));
  const RE2 url("postgres://[^\\s:@/]+:(?P<secret>[^\\s@]+)@", rule_regex_options("postgres://"));
  std::string secret;
  ASSERT_TRUE(RE2::PartialMatch("postgres://u:caf\xE9-pw@host/db", url, &secret));
  EXPECT_EQ(secret, "caf\xE9-pw");
  // Valid UTF-8 gives the spans UTF-8 mode gives.
  ASSERT_TRUE(RE2::PartialMatch("postgres://u:caf\xC3\xA9-pw@host/db", url, &secret));
  EXPECT_EQ(secret, "caf\xC3\xA9-pw");
  EXPECT_EQ(rule_regex_options("(?i)password").encoding(), RE2::Options::EncodingLatin1);
  EXPECT_EQ(rule_regex_options("contrase\xC3\xB1" "a").encoding(), RE2::Options::EncodingUTF8);
}

// The guard passes on `literal` at every offset of texts of every length up to 80, in either case, and not on the
// literal without its last byte or cut by the end of the text.
void expect_found_everywhere(const RegexGuard& guard, const std::string& literal)
{
  for (std::size_t size = literal.size(); size <= 80; ++size) {
    for (std::size_t at = 0; at + literal.size() <= size; ++at) {
      std::string text(size, '.');
      text.replace(at, literal.size(), literal);
      ASSERT_TRUE(guard.may_match(text)) << literal << " size " << size << " at " << at;
      std::string upper = text;
      for (auto& c : upper) {
        c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
      }
      ASSERT_TRUE(guard.may_match(upper)) << literal << " size " << size << " at " << at;
      // The literal without its last byte, or cut by the end of the text, is not a match.
      text[at + literal.size() - 1] = '.';
      ASSERT_FALSE(guard.may_match(text)) << literal << " size " << size << " at " << at;
      ASSERT_FALSE(guard.may_match(std::string_view(upper).substr(0, at + literal.size() - 1)));
    }
  }
}

TEST(RegexGuard, FindsTheLiteralAtEveryOffsetAndLength)
{
  // Crosses the 32- and 16-byte blocks of the vector searches and their scalar tail, with and without letters, for a regex
  // matched as bytes (case compared in place) and one matched as UTF-8 (text lower-cased first).
  for (const char* pattern : {"x", "\xC3\xA9"}) {
    // Bytes that differ from a literal's only in the case bit are not its letters in another case.
    const auto at_h = RegexGuard::from_literals(std::vector<std::string>{"@h", "x"}, rule_regex_options(pattern));
    EXPECT_TRUE(at_h.may_match("..@H.."));
    EXPECT_FALSE(at_h.may_match("..`h..`H..@\x08.."));
    for (const std::string literal : {"x:/", "://", "ab", "pass_word", "@h", "a"}) {
      expect_found_everywhere(RegexGuard::from_literals(std::vector<std::string>{literal}, rule_regex_options(pattern)),
                              literal);
    }
  }
}

// The guard is a necessary condition: on every sample of every built-in rule, and on random texts stitched from
// pieces of them, the guard passes wherever the rule's regex matches.
TEST(RegexGuard, NeverRejectsWhatTheRuleMatches)
{
  auto rules = config::builtin_rules();
  ASSERT_TRUE(rules.has_value());
  std::vector<std::string> texts;
  for (const auto& rule : *rules) {
    for (const auto& s : rule.positives) {
      texts.push_back(s.text);
    }
    for (const auto& s : rule.negatives) {
      texts.push_back(s.text);
    }
  }
  std::mt19937 rng(7);
  const std::size_t samples = texts.size();
  for (int i = 0; i < 2000; ++i) {
    const auto& a = texts[rng() % samples];
    const auto& b = texts[rng() % samples];
    const std::size_t cut_a = a.empty() ? 0 : rng() % a.size();
    const std::size_t cut_b = b.empty() ? 0 : rng() % b.size();
    texts.push_back(a.substr(cut_a) + b.substr(0, cut_b));
  }
  std::size_t guarded = 0;
  std::size_t rejected = 0;
  for (const auto& rule : *rules) {
    if (rule.pattern.empty()) {
      continue;
    }
    const RE2 re(rule.pattern, rule_regex_options(rule.pattern));
    const auto guard = guard_of(rule.pattern, rule.keywords);
    guarded += guard.clauses().empty() ? 0 : 1;
    std::size_t matched = 0;
    for (const auto& text : texts) {
      const bool pass = guard.may_match(text);
      rejected += pass ? 0 : 1;
      if (RE2::PartialMatch(text, re)) {
        ++matched;
        ASSERT_TRUE(pass) << rule.id << " rejects a text its regex matches: " << text;
      }
    }
    EXPECT_GT(matched, 0u) << rule.id;
  }
  EXPECT_GT(guarded, rules->size() / 2);  // most rules have a guard
  EXPECT_GT(rejected, 0u);
}

TEST(RegexGuard, BuildTimeTableEqualsTheRunTimeDerivation)
{
  auto rules = config::builtin_rules();
  ASSERT_TRUE(rules.has_value());
  for (const auto& rule : *rules) {
    if (rule.pattern.empty()) {
      continue;
    }
    const auto* table = detail::builtin_guard(rule.pattern);
    ASSERT_NE(table, nullptr) << rule.id;
    std::vector<std::vector<std::string>> built;
    for (const auto& clause : *table) {
      built.emplace_back(clause.begin(), clause.end());
    }
    EXPECT_EQ(built, guard_of(rule.pattern, rule.keywords).clauses()) << rule.id;
  }
  EXPECT_EQ(detail::builtin_guard("(?i)not a built-in pattern"), nullptr);
}

}  // namespace
}  // namespace dsnguard::scan
