#include "scan/regex_guard.hpp"

#include <re2/filtered_re2.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <type_traits>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace dsnguard::scan {

namespace {

// Literals RE2 keeps for the first clause (shorter ones count as always present), and the largest sets worth
// testing per window: for the first clause, and for the further ones (mostly single bytes, weaker evidence: a
// clause of the ten digits would cost more than it saves).
constexpr int k_min_literal = 2;
constexpr std::size_t k_max_literals = 12;
constexpr std::size_t k_max_further_literals = 6;

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

void RegexGuard::add_clause(std::vector<std::string> literals)
{
  if (literals.empty()) {
    return;
  }
  m_letters = m_letters || std::any_of(literals.begin(), literals.end(), has_letter);
  m_clauses.push_back(std::move(literals));
}

bool RegexGuard::unicode_folds(const RE2::Options& options)
{
  return options.encoding() == RE2::Options::EncodingUTF8;
}

namespace {

// The atoms (required literals) RE2's prefilter finds in one pattern, and whether the pattern could match a text
// holding a given subset of them.
class Atoms {
public:
  Atoms(const std::string& pattern, const RE2::Options& options, int min_length) : m_filter(min_length)
  {
    int id = 0;
    if (!pattern.empty() && m_filter.Add(pattern, options, &id) == RE2::NoError) {
      m_filter.Compile(&m_atoms);
      m_ok = true;
    }
  }
  bool ok() const { return m_ok; }
  const std::vector<std::string>& list() const { return m_atoms; }

  // Whether the regex could match a text that holds exactly the atoms not marked absent.
  bool could_match(const std::vector<bool>& absent)
  {
    m_present.clear();
    for (std::size_t i = 0; i < m_atoms.size(); ++i) {
      if (!absent[i]) {
        m_present.push_back(static_cast<int>(i));
      }
    }
    m_filter.AllPotentials(m_present, &m_potential);
    return !m_potential.empty();
  }

  // A minimal set of atoms whose absence rules every match out, among those not `fixed` (taken as present): each
  // atom is given back in turn, in `order`, and kept absent only if the regex could match without it. Empty when
  // even the absence of all of them leaves a match possible.
  std::vector<std::size_t> minimal_absent(const std::vector<bool>& fixed, const std::vector<std::size_t>& order)
  {
    std::vector<bool> absent(m_atoms.size());
    for (std::size_t i = 0; i < m_atoms.size(); ++i) {
      absent[i] = !fixed[i];
    }
    if (could_match(absent)) {
      return {};
    }
    for (const std::size_t i : order) {
      if (!fixed[i]) {
        absent[i] = false;
        if (could_match(absent)) {
          absent[i] = true;
        }
      }
    }
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < m_atoms.size(); ++i) {
      if (absent[i]) {
        out.push_back(i);
      }
    }
    return out;
  }

private:
  re2::FilteredRE2 m_filter;
  std::vector<std::string> m_atoms;
  bool m_ok = false;
  std::vector<int> m_present;
  std::vector<int> m_potential;
};

// The literals of `chosen` without those containing another one of them (the shorter one occurs wherever the
// longer does); empty when that leaves more than `max`.
std::vector<std::string> clause_of(const std::vector<std::string>& chosen, std::size_t max)
{
  std::vector<std::string> out;
  for (const auto& literal : chosen) {
    const bool redundant = std::any_of(chosen.begin(), chosen.end(), [&](const std::string& other) {
      return other.size() < literal.size() && literal.find(other) != std::string::npos;
    });
    if (!redundant) {
      out.push_back(literal);
    }
  }
  if (out.size() > max) {
    out.clear();
  }
  return out;
}

}  // namespace

RegexGuard RegexGuard::derive(const std::string& pattern, const RE2::Options& options,
                              const std::vector<std::string>& keywords)
{
  RegexGuard guard;
  guard.m_unicode_folds = unicode_folds(options);
  const auto keyword_part = [&](const std::string& atom) {
    return std::any_of(keywords.begin(), keywords.end(),
                       [&](const std::string& k) { return k.find(atom) != std::string::npos; });
  };
  // Atoms that are part of a keyword go back first (the window exists because a keyword occurred), then short
  // ones (common, weak evidence), so the set that stays is made of the most telling literals.
  const auto give_back_order = [&](const std::vector<std::string>& atoms) {
    std::vector<std::size_t> order(atoms.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const bool ka = keyword_part(atoms[a]);
      const bool kb = keyword_part(atoms[b]);
      return ka != kb ? ka : atoms[a].size() < atoms[b].size();
    });
    return order;
  };

  // The first clause, from literals of k_min_literal bytes or more.
  std::vector<std::string> first;
  Atoms coarse(pattern, options, k_min_literal);
  if (!coarse.ok()) {
    return guard;
  }
  if (!coarse.list().empty()) {
    std::vector<std::string> chosen;
    bool usable = true;
    for (const std::size_t i :
         coarse.minimal_absent(std::vector<bool>(coarse.list().size(), false), give_back_order(coarse.list()))) {
      // RE2 lower-cases non-ASCII literals with Unicode rules; may_match folds ASCII only. A literal that is part
      // of a keyword is nearly always in the window: such a guard would cost a search and rarely skip anything.
      const std::string& atom = coarse.list()[i];
      usable = usable && is_ascii(atom) && !keyword_part(atom);
      chosen.push_back(atom);
    }
    if (usable && !chosen.empty()) {
      first = clause_of(chosen, k_max_literals);
      guard.add_clause(first);
    }
  }

  // Further clauses, from literals down to single bytes. Atoms that cannot make a useful clause (non-ASCII, part
  // of a keyword) or that overlap a clause already chosen are taken as present; so is each set found, usable or
  // not, before the next is sought.
  Atoms fine(pattern, options, 1);
  if (!fine.ok()) {
    return guard;
  }
  const auto& atoms = fine.list();
  std::vector<bool> fixed(atoms.size(), false);
  // Atoms that contain or are part of a literal of `clause` (a clause of them would mostly repeat it).
  const auto fix_overlapping = [&](const std::vector<std::string>& clause) {
    for (std::size_t i = 0; i < atoms.size(); ++i) {
      fixed[i] = fixed[i] || std::any_of(clause.begin(), clause.end(), [&](const std::string& literal) {
                   return atoms[i].find(literal) != std::string::npos || literal.find(atoms[i]) != std::string::npos;
                 });
    }
  };
  for (std::size_t i = 0; i < atoms.size(); ++i) {
    fixed[i] = !is_ascii(atoms[i]) || keyword_part(atoms[i]);
  }
  fix_overlapping(first);
  const auto order = give_back_order(atoms);
  for (std::size_t attempt = 0; attempt < 2 * k_max_clauses && guard.m_clauses.size() < k_max_clauses; ++attempt) {
    const auto set = fine.minimal_absent(fixed, order);
    if (set.empty()) {
      break;
    }
    std::vector<std::string> chosen;
    for (const std::size_t i : set) {
      chosen.push_back(atoms[i]);
      fixed[i] = true;
    }
    const auto clause = clause_of(chosen, k_max_further_literals);
    fix_overlapping(clause);
    guard.add_clause(clause);
  }
  return guard;
}

bool RegexGuard::may_match(std::string_view text) const
{
  const auto in = [](std::string_view haystack, const std::vector<std::string>& clause, auto fold) {
    return std::any_of(clause.begin(), clause.end(),
                       [&](const std::string& literal) { return contains<decltype(fold)::value>(haystack, literal); });
  };
  using Exact = std::false_type;
  using Folded = std::true_type;
  if (!m_letters) {
    // No case to fold.
    return std::all_of(m_clauses.begin(), m_clauses.end(), [&](const auto& c) { return in(text, c, Exact{}); });
  }
  if (!m_unicode_folds) {
    return std::all_of(m_clauses.begin(), m_clauses.end(), [&](const auto& c) { return in(text, c, Folded{}); });
  }
  thread_local std::string lower;
  lower.resize(text.size());
  // U+212A KELVIN SIGN folds onto 'k', U+017F LATIN SMALL LETTER LONG S onto 's' in RE2's (?i) matching.
  if (!to_lower_ascii(text, lower.data())
      && (text.find("\xE2\x84\xAA") != std::string_view::npos || text.find("\xC5\xBF") != std::string_view::npos)) {
    return true;
  }
  return std::all_of(m_clauses.begin(), m_clauses.end(), [&](const auto& c) { return in(lower, c, Exact{}); });
}

}  // namespace dsnguard::scan
