#include "scan/regex_guard.hpp"

#include <re2/filtered_re2.h>

#include <algorithm>
#include <cstring>
#include <numeric>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace dsnguard::scan {

namespace {

// Literals RE2 keeps (shorter ones count as always present) and the largest set worth testing per window.
constexpr int k_min_literal = 2;
constexpr std::size_t k_max_literals = 12;

bool is_ascii(std::string_view s)
{
  return std::none_of(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0x80) != 0; });
}

bool has_letter(std::string_view s)
{
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// Writes `text` with A-Z mapped to a-z into `out` (text.size() bytes); true when every byte is ASCII.
bool to_lower_ascii(std::string_view text, char* out)
{
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  unsigned high = 0;
#if defined(__SSE2__)
  const __m128i shift = _mm_set1_epi8(static_cast<char>(0x80 - 'A'));  // 'A'..'Z' -> -128..-103 (signed)
  const __m128i bound = _mm_set1_epi8(static_cast<char>(-128 + 26));
  const __m128i case_bit = _mm_set1_epi8(0x20);
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i));
    const __m128i upper = _mm_cmplt_epi8(_mm_add_epi8(v, shift), bound);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm_or_si128(v, _mm_and_si128(upper, case_bit)));
    high |= static_cast<unsigned>(_mm_movemask_epi8(v));
  }
#endif
  for (; i < n; ++i) {
    const unsigned char c = in[i];
    out[i] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    high |= c & 0x80u;
  }
  return high == 0;
}

char lower_ascii(char c)
{
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

// Whether `literal` occurs in `hay`: candidates where its first and last bytes both match, 16 offsets at a time,
// then a comparison of the bytes between. With Fold the literal is lower case and matches with its letters in
// either case (ASCII only): both sides' case bit is set for the candidate test (never misses; a byte that differs
// from the literal's only in that bit, such as '`' for '@', is dropped by the comparison).
#if defined(__x86_64__)
// The AVX2 form of the pair search in contains() below: 32 offsets per step; advances `i` past the offsets it
// checked and says whether one of them held the literal.
template <bool Fold, class Equal>
__attribute__((target("avx2"))) bool pairs_avx2(const char* h, std::size_t n, std::size_t k, char first, char last,
                                                std::size_t& i, const Equal& equal_at)
{
  const __m256i lead = _mm256_set1_epi8(first);
  const __m256i tail = _mm256_set1_epi8(last);
  const __m256i case_bit = _mm256_set1_epi8(Fold ? 0x20 : 0);
  for (; i + k - 1 + 32 <= n; i += 32) {
    const __m256i a = _mm256_or_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(h + i)), case_bit);
    const __m256i b = _mm256_or_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(h + i + k - 1)), case_bit);
    auto mask = static_cast<unsigned>(
        _mm256_movemask_epi8(_mm256_and_si256(_mm256_cmpeq_epi8(a, lead), _mm256_cmpeq_epi8(b, tail))));
    for (; mask != 0; mask &= mask - 1) {
      if (equal_at(i + static_cast<std::size_t>(__builtin_ctz(mask)))) {
        return true;
      }
    }
  }
  return false;
}

const bool k_has_avx2 = __builtin_cpu_supports("avx2") != 0;
#endif

template <bool Fold>
bool contains(std::string_view hay, std::string_view literal)
{
  const std::size_t k = literal.size();
  if (k == 0 || k > hay.size()) {
    return k == 0;
  }
  if (k == 1 && !Fold) {
    return std::memchr(hay.data(), literal[0], hay.size()) != nullptr;
  }
  const char* h = hay.data();
  const std::size_t n = hay.size();
  const auto equal_at = [&](std::size_t at) {
    if constexpr (!Fold) {
      return std::memcmp(h + at, literal.data(), k) == 0;
    }
    for (std::size_t j = 0; j < k; ++j) {
      if (lower_ascii(h[at + j]) != literal[j]) {
        return false;
      }
    }
    return true;
  };
  constexpr char case_bit = Fold ? 0x20 : 0;
  std::size_t i = 0;
#if defined(__SSE2__)
  // The 16 bytes at p, with the case bit set when folding.
  const auto load = [](const char* p) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    if constexpr (Fold) {
      return _mm_or_si128(v, _mm_set1_epi8(case_bit));
    }
    return v;
  };
#if defined(__x86_64__)
  if (k_has_avx2 && pairs_avx2<Fold>(h, n, k, static_cast<char>(literal[0] | case_bit),
                                     static_cast<char>(literal[k - 1] | case_bit), i, equal_at)) {
    return true;
  }
#endif
  const __m128i first = _mm_set1_epi8(static_cast<char>(literal[0] | case_bit));
  const __m128i last = _mm_set1_epi8(static_cast<char>(literal[k - 1] | case_bit));
  // The 16 offsets from `at`.
  const auto block_at = [&](std::size_t at) {
    const __m128i both = _mm_and_si128(_mm_cmpeq_epi8(load(h + at), first), _mm_cmpeq_epi8(load(h + at + k - 1), last));
    for (auto mask = static_cast<unsigned>(_mm_movemask_epi8(both)); mask != 0; mask &= mask - 1) {
      if (equal_at(at + static_cast<std::size_t>(__builtin_ctz(mask)))) {
        return true;
      }
    }
    return false;
  };
  for (; i + k - 1 + 16 <= n; i += 16) {
    if (block_at(i)) {
      return true;
    }
  }
  // The last offsets as one more block that overlaps the ones checked (most windows are a line or two: a byte
  // at a time, their tails cost more than the blocks).
  if (i + k <= n && n >= k - 1 + 16) {
    return block_at(n - (k - 1) - 16);
  }
#endif
  const char lead = static_cast<char>(literal[0] | case_bit);
  for (; i + k <= n; ++i) {
    if (static_cast<char>(h[i] | case_bit) == lead && equal_at(i)) {
      return true;
    }
  }
  return false;
}

}  // namespace

RE2::Options rule_regex_options(std::string_view pattern)
{
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(64 << 20);
  if (is_ascii(pattern)) {
    options.set_encoding(RE2::Options::EncodingLatin1);
  }
  return options;
}

void RegexGuard::add(std::string literal)
{
  m_letters = m_letters || has_letter(literal);
  m_literals.push_back(std::move(literal));
}

bool RegexGuard::unicode_folds(const RE2::Options& options)
{
  return options.encoding() == RE2::Options::EncodingUTF8;
}

RegexGuard RegexGuard::derive(const std::string& pattern, const RE2::Options& options,
                              const std::vector<std::string>& keywords)
{
  re2::FilteredRE2 filter(k_min_literal);
  int id = 0;
  if (pattern.empty() || filter.Add(pattern, options, &id) != RE2::NoError) {
    return {};
  }
  std::vector<std::string> atoms;
  filter.Compile(&atoms);
  // Whether the regex could match a text that holds exactly the atoms not marked absent.
  std::vector<bool> absent(atoms.size(), true);
  std::vector<int> present;
  std::vector<int> potential;
  const auto could_match = [&] {
    present.clear();
    for (std::size_t i = 0; i < atoms.size(); ++i) {
      if (!absent[i]) {
        present.push_back(static_cast<int>(i));
      }
    }
    filter.AllPotentials(present, &potential);
    return !potential.empty();
  };
  if (atoms.empty() || could_match()) {
    return {};  // RE2 derives no literal condition (e.g. a pattern made only of character classes)
  }
  // Shrink the set of absent atoms to a minimal one that still rules every match out: give each atom back in
  // turn and keep it absent only if the regex could match without it. Atoms that are part of a keyword go back
  // first (the window exists because a keyword occurred), then short ones (common, weak evidence), so the set
  // that stays is made of the most telling literals.
  const auto keyword_part = [&](const std::string& atom) {
    return std::any_of(keywords.begin(), keywords.end(),
                       [&](const std::string& k) { return k.find(atom) != std::string::npos; });
  };
  std::vector<std::size_t> order(atoms.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const bool ka = keyword_part(atoms[a]);
    const bool kb = keyword_part(atoms[b]);
    return ka != kb ? ka : atoms[a].size() < atoms[b].size();
  });
  for (const std::size_t i : order) {
    absent[i] = false;
    if (could_match()) {
      absent[i] = true;
    }
  }
  std::vector<std::string> chosen;
  for (std::size_t i = 0; i < atoms.size(); ++i) {
    if (absent[i]) {
      // RE2 lower-cases non-ASCII literals with Unicode rules; may_match folds ASCII only. A literal that is part
      // of a keyword is nearly always in the window: such a guard would cost a search and rarely skip anything.
      if (!is_ascii(atoms[i]) || keyword_part(atoms[i])) {
        return {};
      }
      chosen.push_back(atoms[i]);
    }
  }
  // A literal containing another one of the set adds nothing: the shorter one occurs wherever it does.
  RegexGuard guard;
  guard.m_unicode_folds = unicode_folds(options);
  for (const auto& literal : chosen) {
    const bool redundant = std::any_of(chosen.begin(), chosen.end(), [&](const std::string& other) {
      return other.size() < literal.size() && literal.find(other) != std::string::npos;
    });
    if (!redundant) {
      guard.add(literal);
    }
  }
  if (guard.m_literals.size() > k_max_literals) {
    return {};
  }
  return guard;
}

bool RegexGuard::may_match(std::string_view text) const
{
  const auto any_in = [this](std::string_view haystack) {
    return std::any_of(m_literals.begin(), m_literals.end(),
                       [&](const std::string& literal) { return contains<false>(haystack, literal); });
  };
  if (!m_letters) {
    return m_literals.empty() || any_in(text);  // no case to fold
  }
  if (!m_unicode_folds) {
    return std::any_of(m_literals.begin(), m_literals.end(),
                       [&](const std::string& literal) { return contains<true>(text, literal); });
  }
  thread_local std::string lower;
  lower.resize(text.size());
  // U+212A KELVIN SIGN folds onto 'k', U+017F LATIN SMALL LETTER LONG S onto 's' in RE2's (?i) matching.
  if (!to_lower_ascii(text, lower.data())
      && (text.find("\xE2\x84\xAA") != std::string_view::npos || text.find("\xC5\xBF") != std::string_view::npos)) {
    return true;
  }
  return any_in(lower);
}

}  // namespace dsnguard::scan
