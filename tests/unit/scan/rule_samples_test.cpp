// Every rule in rules/*.json ships positive and negative samples; this runs all of them through the real Engine
// with every default rule loaded (so a negative must not be caught by ANY rule, not only its own).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/rules.hpp"
#include "core/types.hpp"
#include "scan/engine.hpp"

namespace dsnguard::scan {
namespace {

struct SampleCase {
  std::string rule_id;
  core::Confidence confidence = core::Confidence::high;
  core::FindingKind kind = core::FindingKind::secret;
  bool positive = true;
  std::size_t index = 0;
  core::RuleSample sample;
};

// Readable test names in failures instead of a byte dump.
void PrintTo(const SampleCase& c, std::ostream* os)
{
  *os << c.rule_id << (c.positive ? " positive #" : " negative #") << c.index;
}

std::vector<SampleCase> all_samples()
{
  std::vector<SampleCase> out;
  auto rules = config::builtin_rules();
  if (!rules) {
    return out;
  }
  for (const auto& r : *rules) {
    for (std::size_t i = 0; i < r.positives.size(); ++i) {
      out.push_back({r.id, r.confidence, r.kind, true, i, r.positives[i]});
    }
    for (std::size_t i = 0; i < r.negatives.size(); ++i) {
      out.push_back({r.id, r.confidence, r.kind, false, i, r.negatives[i]});
    }
  }
  return out;
}

const Engine& engine()
{
  static const Engine e = [] {
    auto rules = config::builtin_rules();
    EXPECT_TRUE(rules.has_value()) << (rules ? "" : rules.error().message);
    auto compiled = Engine::compile(*rules);
    EXPECT_TRUE(compiled.has_value()) << (compiled ? "" : compiled.error().message);
    return std::move(*compiled);
  }();
  return e;
}

std::vector<core::Finding> scan_sample(const core::RuleSample& s)
{
  core::Fragment fragment;
  fragment.bytes = s.text;
  fragment.origin.path = s.path.empty() ? "config/settings.conf" : s.path;
  return engine().scan(fragment);
}

std::string describe(const std::vector<core::Finding>& fs)
{
  std::string out;
  for (const auto& f : fs) {
    out += "  " + f.rule_id + " [" + std::string(core::to_string(f.confidence)) + "] " + f.message + "\n";
  }
  return out.empty() ? "  (no findings)\n" : out;
}

class RuleSample : public ::testing::TestWithParam<SampleCase> {};

TEST_P(RuleSample, BehavesAsLabelled)
{
  const auto& c = GetParam();
  const auto findings = scan_sample(c.sample);
  if (c.positive) {
    // The rule itself must report it, unsuppressed, at medium or above (exactly the rule's declared confidence
    // when the sample has no path: path context such as compose files or docs may lower it), with the password
    // located.
    bool found = false;
    for (const auto& f : findings) {
      if (f.rule_id != c.rule_id || f.suppressed) {
        continue;
      }
      found = true;
      EXPECT_GE(f.confidence, core::Confidence::medium) << f.message;
      if (c.sample.path.empty()) {
        EXPECT_EQ(core::to_string(f.confidence), core::to_string(c.confidence)) << f.message;
      }
      EXPECT_EQ(f.kind, c.kind);
      if (c.kind == core::FindingKind::secret) {
        ASSERT_GT(f.secret_length, 0u) << f.message;
        ASSERT_LE(f.secret_offset + f.secret_length, f.match.size());
        EXPECT_FALSE(f.secret.empty());
        // The raw span holds the secret (percent-encoded or escaped forms differ only in escapes).
        const auto raw = f.match.substr(f.secret_offset, f.secret_length);
        EXPECT_NE(c.sample.text.find(raw), std::string::npos);
        EXPECT_EQ(f.message.find(f.secret), std::string::npos) << "message leaks the secret";
        EXPECT_GE(f.location.line, 1u);
        EXPECT_GE(f.location.column, 1u);
        EXPECT_EQ(c.sample.text.substr(f.location.offset, f.location.length), f.match);
      }
    }
    EXPECT_TRUE(found) << "rule " << c.rule_id << " missed positive sample:\n" << c.sample.text << "\nfindings:\n"
                       << describe(findings);
  } else {
    for (const auto& f : findings) {
      EXPECT_FALSE(f.confidence >= core::Confidence::medium && !f.suppressed)
          << "negative sample of " << c.rule_id << " reported by " << f.rule_id << " ["
          << core::to_string(f.confidence) << "]: " << f.message << "\n" << c.sample.text;
    }
  }
}

std::string name_of(const ::testing::TestParamInfo<SampleCase>& info)
{
  std::string name = info.param.rule_id + (info.param.positive ? "_pos_" : "_neg_") + std::to_string(info.param.index);
  for (auto& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) {
      ch = '_';
    }
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Rules, RuleSample, ::testing::ValuesIn(all_samples()), name_of);

TEST(RuleSamples, EveryRuleHasThreePositiveAndThreeNegativeSamples)
{
  auto rules = config::builtin_rules();
  ASSERT_TRUE(rules.has_value()) << rules.error().message;
  ASSERT_FALSE(rules->empty());
  for (const auto& r : *rules) {
    EXPECT_GE(r.positives.size(), 3u) << r.id;
    EXPECT_GE(r.negatives.size(), 3u) << r.id;
  }
}

}  // namespace
}  // namespace dsnguard::scan
