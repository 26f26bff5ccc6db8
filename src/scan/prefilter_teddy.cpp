#include "scan/prefilter_teddy.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <string_view>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define DSNGUARD_TEDDY_X86 1
#endif

namespace dsnguard::scan::teddy {

namespace {

// Frequency of each byte value after | 0x20, in units of 1/65536 (values no folded byte takes are 0), from
// `bench/byte-frequencies.py /usr/include /usr/lib/python3.11 /usr/share/perl /usr/share/javascript` on Debian 12:
// a generic mix of source text, not any benchmark corpus.
constexpr std::array<std::uint16_t, 256> k_frequency = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    15144, 23, 278, 424, 343, 28, 42, 586, 576, 870, 2294, 46, 629, 314, 508, 255,
    486, 237, 201, 150, 91, 80, 89, 45, 98, 60, 485, 326, 90, 410, 308, 20,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    71, 2571, 630, 1487, 1552, 4736, 1315, 866, 903, 2743, 58, 255, 2012, 1055, 2624, 2276,
    1267, 105, 2576, 2486, 3386, 1158, 402, 356, 567, 541, 123, 243, 159, 244, 34, 1191,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

constexpr std::uint16_t k_all_nibbles = 0xffff;

// The nibbles a bucket accepts at each position, as 16-bit sets over the folded byte (high nibble of x | 0x20).
struct Sets {
  std::array<std::uint16_t, k_width> lo{};
  std::array<std::uint16_t, k_width> hi{};
};

void add(Sets& sets, std::string_view fingerprint)
{
  for (std::size_t j = 0; j < k_width; ++j) {
    if (j < fingerprint.size()) {
      const auto c = static_cast<unsigned char>(fingerprint[j]);
      sets.lo[j] = static_cast<std::uint16_t>(sets.lo[j] | (1u << (c & 15u)));
      sets.hi[j] = static_cast<std::uint16_t>(sets.hi[j] | (1u << (c >> 4)));
    } else {
      sets.lo[j] = k_all_nibbles;
      sets.hi[j] = k_all_nibbles;
    }
  }
}

// Estimated share of the bytes that one position with these nibble sets accepts.
double position_cost(std::uint16_t lo, std::uint16_t hi)
{
  if (lo == k_all_nibbles && hi == k_all_nibbles) {
    return 1.0;
  }
  // Sums of k_frequency over the bytes with high nibble h and low nibble in a set, per half of the set (made once:
  // the bucket assignment asks for thousands of sums).
  struct Sums {
    std::array<std::array<std::uint32_t, 256>, 32> by_half{};  // [2 * h + half][8 bits of the low-nibble set]
    Sums()
    {
      for (unsigned h = 0; h < 16; ++h) {
        for (unsigned half = 0; half < 2; ++half) {
          for (unsigned bits = 0; bits < 256; ++bits) {
            std::uint32_t sum = 0;
            for (unsigned l = 0; l < 8; ++l) {
              sum += ((bits >> l) & 1u) != 0 ? k_frequency[h * 16 + half * 8 + l] : 0;
            }
            by_half[2 * h + half][bits] = sum;
          }
        }
      }
    }
  };
  static const Sums sums;
  std::uint32_t sum = 0;
  for (std::uint32_t his = hi; his != 0; his &= his - 1) {
    const auto h = static_cast<unsigned>(std::countr_zero(his));
    sum += sums.by_half[2 * h][lo & 0xffu] + sums.by_half[2 * h + 1][lo >> 8];
  }
  return static_cast<double>(sum) / 65536.0;
}

// Estimated chance that a bucket with these sets fires at a random offset (positions taken as independent).
double cost(const Sets& sets)
{
  double p = 1.0;
  for (std::size_t j = 0; j < k_width; ++j) {
    p *= position_cost(sets.lo[j], sets.hi[j]);
  }
  return p;
}

Sets sets_of(const std::vector<std::string>& fingerprints, const std::vector<std::size_t>& members)
{
  Sets sets;
  for (const std::size_t f : members) {
    add(sets, fingerprints[f]);
  }
  return sets;
}

Masks masks_of(const std::vector<Sets>& buckets)
{
  Masks masks;
  for (std::size_t b = 0; b < buckets.size(); ++b) {
    const std::size_t g = b / 8;
    const auto bit = static_cast<std::uint8_t>(1u << (b % 8));
    for (std::size_t j = 0; j < k_width; ++j) {
      for (unsigned nibble = 0; nibble < 16; ++nibble) {
        if ((buckets[b].lo[j] >> nibble) & 1u) {
          masks.lo[g][j][nibble] |= bit;
        }
        // An unfolded high nibble h stands for the folded one h | 2.
        if ((buckets[b].hi[j] >> (nibble | 2u)) & 1u) {
          masks.hi[g][j][nibble] |= bit;
        }
      }
    }
  }
  return masks;
}

}  // namespace

Masks build_masks(const std::vector<std::string>& keywords, const std::vector<std::size_t>& offsets)
{
  std::vector<std::string> fingerprints;
  for (std::size_t k = 0; k < keywords.size(); ++k) {
    if (!keywords[k].empty()) {
      fingerprints.push_back(fingerprint(keywords[k], offsets[k]));
    }
  }
  std::sort(fingerprints.begin(), fingerprints.end());
  fingerprints.erase(std::unique(fingerprints.begin(), fingerprints.end()), fingerprints.end());

  // Greedy: the likeliest fingerprints first, each into the bucket whose estimate grows least.
  std::vector<std::pair<double, std::size_t>> order;
  for (std::size_t f = 0; f < fingerprints.size(); ++f) {
    Sets alone;
    add(alone, fingerprints[f]);
    order.emplace_back(cost(alone), f);
  }
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::vector<Sets> buckets(k_buckets);
  std::vector<std::vector<std::size_t>> members(k_buckets);
  // Per bucket: the estimate (0 when empty) and its factor per position, so that trying a fingerprint in a
  // bucket recomputes only the positions whose sets it changes (this runs at every start: ~0.3 ms).
  std::vector<double> costs(k_buckets, 0.0);
  std::vector<std::array<double, k_width>> factors(k_buckets);
  const auto set_bucket = [&](std::size_t b, const Sets& sets) {
    buckets[b] = sets;
    costs[b] = members[b].empty() ? 0.0 : 1.0;
    for (std::size_t j = 0; j < k_width; ++j) {
      factors[b][j] = position_cost(sets.lo[j], sets.hi[j]);
      costs[b] *= factors[b][j];
    }
  };
  const auto best_bucket = [&](std::size_t f, std::size_t skip, double& growth, Sets& grown) {
    std::size_t best = k_buckets;
    for (std::size_t b = 0; b < k_buckets; ++b) {
      if (b == skip) {
        continue;
      }
      Sets s = buckets[b];
      add(s, fingerprints[f]);
      double c = 1.0;
      for (std::size_t j = 0; j < k_width; ++j) {
        const bool same = !members[b].empty() && s.lo[j] == buckets[b].lo[j] && s.hi[j] == buckets[b].hi[j];
        c *= same ? factors[b][j] : position_cost(s.lo[j], s.hi[j]);
      }
      const double g = c - costs[b];
      if (best == k_buckets || g < growth) {
        best = b;
        growth = g;
        grown = s;
      }
    }
    return best;
  };
  for (const auto& [alone, f] : order) {
    double growth = 0;
    Sets grown;
    const std::size_t b = best_bucket(f, k_buckets, growth, grown);
    members[b].push_back(f);
    set_bucket(b, grown);
  }
  // Improve: move single fingerprints while that lowers the total estimate (on the default rules, passes after
  // the second change the candidate rate by less than 0.01%).
  if (fingerprints.size() > k_buckets) {
    for (int pass = 0; pass < 3; ++pass) {
      bool moved = false;
      for (std::size_t b = 0; b < k_buckets; ++b) {
        for (std::size_t m = 0; m < members[b].size();) {
          const std::size_t f = members[b][m];
          std::vector<std::size_t> rest = members[b];
          rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(m));
          const Sets without = sets_of(fingerprints, rest);
          const double saved = costs[b] - (rest.empty() ? 0.0 : cost(without));
          double growth = 0;
          Sets grown;
          const std::size_t to = best_bucket(f, b, growth, grown);
          if (to == k_buckets || growth >= saved * (1.0 - 1e-9)) {
            ++m;
            continue;
          }
          members[b] = std::move(rest);
          set_bucket(b, without);
          members[to].push_back(f);
          set_bucket(to, grown);
          moved = true;
        }
      }
      if (!moved) {
        break;
      }
    }
  }
  for (std::size_t b = 0; b < k_buckets; ++b) {
    if (members[b].empty()) {
      buckets[b] = Sets{};
    }
  }
  return masks_of(buckets);
}

double estimated_candidate_rate(const Masks& masks)
{
  double sum = 0;
  for (std::size_t b = 0; b < k_buckets; ++b) {
    const std::size_t g = b / 8;
    const auto bit = static_cast<std::uint8_t>(1u << (b % 8));
    Sets sets;
    bool empty = false;
    for (std::size_t j = 0; j < k_width; ++j) {
      for (unsigned nibble = 0; nibble < 16; ++nibble) {
        if ((masks.lo[g][j][nibble] & bit) != 0) {
          sets.lo[j] = static_cast<std::uint16_t>(sets.lo[j] | (1u << nibble));
        }
        if ((masks.hi[g][j][nibble] & bit) != 0) {
          sets.hi[j] = static_cast<std::uint16_t>(sets.hi[j] | (1u << (nibble | 2u)));
        }
      }
      empty = empty || sets.lo[j] == 0;
    }
    if (!empty) {
      sum += cost(sets);
    }
  }
  return std::min(sum, 1.0);
}

#if DSNGUARD_TEDDY_X86

namespace {

__attribute__((target("avx2,bmi,popcnt"))) std::size_t scan_avx2(const Masks& masks, const unsigned char* data,
                                                                  std::size_t blocks, std::uint16_t* out)
{
  __m256i lo[k_groups][k_width];
  __m256i hi[k_groups][k_width];
  for (std::size_t g = 0; g < k_groups; ++g) {
    for (std::size_t j = 0; j < k_width; ++j) {
      lo[g][j] = _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(masks.lo[g][j])));
      hi[g][j] = _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(masks.hi[g][j])));
    }
  }
  const __m256i nibble = _mm256_set1_epi8(0x0f);
  std::size_t count = 0;
  for (std::size_t b = 0; b < blocks; ++b) {
    const unsigned char* p = data + b * 32;
    __m256i acc[k_groups];
#pragma GCC unroll 8
    for (std::size_t j = 0; j < k_width; ++j) {
      const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + j));
      const __m256i xl = _mm256_and_si256(x, nibble);
      const __m256i xh = _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble);
#pragma GCC unroll 4
      for (std::size_t g = 0; g < k_groups; ++g) {
        const __m256i t = _mm256_and_si256(_mm256_shuffle_epi8(lo[g][j], xl), _mm256_shuffle_epi8(hi[g][j], xh));
        acc[g] = j == 0 ? t : _mm256_and_si256(acc[g], t);
      }
    }
    __m256i any = acc[0];
#pragma GCC unroll 4
    for (std::size_t g = 1; g < k_groups; ++g) {
      any = _mm256_or_si256(any, acc[g]);
    }
    const auto mask =
        ~static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(any, _mm256_setzero_si256())));
    // Most blocks have no candidate and nearly all the others at most four: four offsets are written without a
    // data-dependent branch (entries past the count are overwritten by the next block's). Bit 32 keeps `bits` from
    // being 0, which would invite the optimiser to add a (badly predicted) branch for empty blocks.
    const auto from = static_cast<std::uint32_t>(b * 32);
    const auto total = static_cast<std::size_t>(std::popcount(mask));
    std::uint64_t bits = mask | (std::uint64_t{1} << 32);
#pragma GCC unroll 4
    for (std::size_t r = 0; r < 4; ++r) {
      out[count + r] = static_cast<std::uint16_t>(from + static_cast<std::uint32_t>(std::countr_zero(bits)));
      bits &= bits - 1;
    }
    if (total > 4) {
      for (std::size_t r = count + 4; r < count + total; ++r, bits &= bits - 1) {
        out[r] = static_cast<std::uint16_t>(from + static_cast<std::uint32_t>(std::countr_zero(bits)));
      }
    }
    count += total;
  }
  return count;
}

__attribute__((target("ssse3"))) std::size_t scan_ssse3(const Masks& masks, const unsigned char* data,
                                                        std::size_t blocks, std::uint16_t* out)
{
  __m128i lo[k_groups][k_width];
  __m128i hi[k_groups][k_width];
  for (std::size_t g = 0; g < k_groups; ++g) {
    for (std::size_t j = 0; j < k_width; ++j) {
      lo[g][j] = _mm_load_si128(reinterpret_cast<const __m128i*>(masks.lo[g][j]));
      hi[g][j] = _mm_load_si128(reinterpret_cast<const __m128i*>(masks.hi[g][j]));
    }
  }
  const __m128i nibble = _mm_set1_epi8(0x0f);
  std::size_t count = 0;
  for (std::size_t b = 0; b < blocks; ++b) {
    const unsigned char* p = data + b * 16;
    __m128i acc[k_groups];
#pragma GCC unroll 8
    for (std::size_t j = 0; j < k_width; ++j) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + j));
      const __m128i xl = _mm_and_si128(x, nibble);
      const __m128i xh = _mm_and_si128(_mm_srli_epi16(x, 4), nibble);
#pragma GCC unroll 4
      for (std::size_t g = 0; g < k_groups; ++g) {
        const __m128i t = _mm_and_si128(_mm_shuffle_epi8(lo[g][j], xl), _mm_shuffle_epi8(hi[g][j], xh));
        acc[g] = j == 0 ? t : _mm_and_si128(acc[g], t);
      }
    }
    __m128i any = acc[0];
#pragma GCC unroll 4
    for (std::size_t g = 1; g < k_groups; ++g) {
      any = _mm_or_si128(any, acc[g]);
    }
    std::uint32_t mask = ~static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(any, _mm_setzero_si128()))) & 0xffffu;
    // (No POPCNT assumed on this path: one branch per candidate.)
    const auto from = static_cast<std::uint32_t>(b * 16);
    for (; mask != 0; mask &= mask - 1) {
      out[count++] = static_cast<std::uint16_t>(from + static_cast<std::uint32_t>(std::countr_zero(mask)));
    }
  }
  return count;
}

}  // namespace

bool cpu_supports(Isa isa)
{
  switch (isa) {
    case Isa::ssse3:
      return __builtin_cpu_supports("ssse3") != 0;
    case Isa::avx2:
      return __builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("bmi") != 0
             && __builtin_cpu_supports("popcnt") != 0;
  }
  return false;
}

std::size_t scan(Isa isa, const Masks& masks, const unsigned char* data, std::size_t blocks, std::uint16_t* out)
{
  return isa == Isa::avx2 ? scan_avx2(masks, data, blocks, out) : scan_ssse3(masks, data, blocks, out);
}

#else

bool cpu_supports(Isa)
{
  return false;
}

std::size_t scan(Isa, const Masks&, const unsigned char*, std::size_t, std::uint16_t*)
{
  std::abort();  // cpu_supports() said no
}

#endif

std::size_t block_bytes(Isa isa)
{
  return isa == Isa::avx2 ? 32 : 16;
}

}  // namespace dsnguard::scan::teddy
