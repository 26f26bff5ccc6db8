#include "scan/prefilter.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdlib>
#include <cstring>

#include "scan/prefilter_detail.hpp"

namespace dsnguard::scan {

using namespace prefilter_detail;

void Prefilter::Table::Free::operator()(void* p) const
{
  std::free(p);
}

bool Prefilter::supported(Kernel kernel)
{
  switch (kernel) {
    case Kernel::automatic:
    case Kernel::scalar:
      return true;
    case Kernel::ssse3:
      return teddy::cpu_supports(teddy::Isa::ssse3);
    case Kernel::avx2:
      return teddy::cpu_supports(teddy::Isa::avx2);
  }
  return false;
}

Prefilter::Prefilter(std::vector<std::string> keywords, Kernel kernel) : m_keywords(std::move(keywords))
{
  for (const auto& k : m_keywords) {
    m_longest = std::max(m_longest, k.size());
  }
  const bool chosen = kernel != Kernel::automatic && supported(kernel);
  if (kernel == Kernel::automatic || !supported(kernel)) {
    kernel = supported(Kernel::avx2) ? Kernel::avx2 : supported(Kernel::ssse3) ? Kernel::ssse3 : Kernel::scalar;
  }
  m_kernel = kernel;
  build_index(m_scalar, std::vector<std::size_t>(m_keywords.size(), 0));
  if (m_kernel != Kernel::scalar) {
    if (chosen) {
      build_simd();
    } else {
      m_lazy = std::make_unique<Lazy>();
    }
  }
}

void Prefilter::build_simd() const
{
  const std::vector<std::size_t> offsets = teddy::fingerprint_offsets(m_keywords);
  m_masks = teddy::build_masks(m_keywords, offsets);
  build_index(m_windows, offsets);
}

void Prefilter::build_index(Index& out, const std::vector<std::size_t>& shifts) const
{
  for (std::size_t i = 0; i < m_keywords.size(); ++i) {
    const std::string& k = m_keywords[i];
    if (k.empty()) {
      continue;
    }
    const std::size_t shift = shifts[i];
    out.max_shift = std::max(out.max_shift, shift);
    const std::size_t len = std::min<std::size_t>(k.size() - shift, 4);
    unsigned char buf[4] = {0, 0, 0, 0};
    std::memcpy(buf, k.data() + shift, len);
    const auto keyword = static_cast<std::uint32_t>(i);
    if (len == 3) {
      // Three-byte keywords join the four-byte table once per possible (folded) fourth byte, so the scan loop
      // needs one lookup per offset. At the buffer end the fourth byte is padding (folds to ' ', included).
      for (unsigned c = 0x20; c < 256; c = (c + 1) | 0x20) {
        buf[3] = static_cast<unsigned char>(c);
        out.tables[3].pending.emplace_back(hash(load(buf) | k_fold), keyword);
      }
      continue;
    }
    out.tables[len - 1].pending.emplace_back(hash((load(buf) | k_fold) & k_masks[len - 1]), keyword);
  }
  for (std::size_t t = 0; t < 4; ++t) {
    if (!out.tables[t].pending.empty()) {
      build(out.tables[t], shifts);
      out.used.push_back(t);
    }
  }
  if (&out != &m_windows || out.used.size() != 1 || out.used[0] != 3) {
    return;
  }
  out.long_bits.assign((std::size_t{1} << k_long_hash_bits) / 64, 0);
  for (std::size_t i = 0; i < m_keywords.size(); ++i) {
    const std::string& k = m_keywords[i];
    if (k.empty()) {
      continue;
    }
    const std::size_t shift = shifts[i];
    const std::size_t len = std::min<std::size_t>(k.size() - shift, 8);
    unsigned char buf[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    unsigned char sel[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (std::size_t j = 0; j < len; ++j) {
      buf[j] = static_cast<unsigned char>(k[shift + j] | 0x20);
      sel[j] = 0xff;
    }
    std::uint64_t folded = 0;
    std::uint64_t mask = 0;
    std::memcpy(&folded, buf, 8);
    std::memcpy(&mask, sel, 8);
    const std::uint32_t h = hash_long(folded);
    out.long_bits[h >> 6] |= std::uint64_t{1} << (h & 63);
    if (std::find(out.long_masks.begin(), out.long_masks.end(), mask) == out.long_masks.end()) {
      out.long_masks.push_back(mask);
    }
  }
}

void Prefilter::build(Table& table, const std::vector<std::size_t>& shifts) const
{
  // By hash, then keyword index: each hash's list comes out sorted and unique.
  auto& pending = table.pending;
  std::sort(pending.begin(), pending.end());
  pending.erase(std::unique(pending.begin(), pending.end()), pending.end());
  table.bits.reset(static_cast<std::uint64_t*>(std::calloc(k_table_bits / 64, sizeof(std::uint64_t))));
  if (!table.bits) {
    std::abort();
  }
  for (std::size_t p = 0; p < pending.size(); ++p) {
    const auto [h, keyword] = pending[p];
    if (p == 0 || pending[p - 1].first != h) {
      table.bits[h >> 6] |= std::uint64_t{1} << (h & 63);
      table.lists.emplace_back();
    }
    const std::string& kw = m_keywords[keyword];
    const std::size_t shift = shifts[keyword];
    unsigned char buf[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    unsigned char mask[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (std::size_t j = 0; shift + j < kw.size() && j < 8; ++j) {
      buf[j] = static_cast<unsigned char>(kw[shift + j] | 0x20);
      mask[j] = 0xff;
    }
    Candidate c;
    c.keyword = keyword;
    c.shift = static_cast<std::uint32_t>(shift);
    std::memcpy(&c.folded, buf, 8);
    std::memcpy(&c.mask, mask, 8);
    unsigned char before[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    unsigned char before_mask[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (std::size_t j = 1; j <= shift && j <= 8; ++j) {
      before[8 - j] = static_cast<unsigned char>(kw[shift - j] | 0x20);
      before_mask[8 - j] = 0xff;
    }
    std::memcpy(&c.before_folded, before, 8);
    std::memcpy(&c.before_mask, before_mask, 8);
    table.lists.back().push_back(c);
  }
  table.rank.resize(k_table_bits / 64);
  std::uint32_t before = 0;
  for (std::size_t w = 0; w < table.rank.size(); ++w) {
    table.rank[w] = before;
    before += static_cast<std::uint32_t>(std::popcount(table.bits[w]));
  }
  pending.clear();
  pending.shrink_to_fit();
}

void Prefilter::verify(const Table& table, std::uint32_t folded_prefix, std::uint64_t folded8,
                       const unsigned char* data, std::size_t n, std::size_t i, std::vector<Hit>& hits) const
{
  const std::uint32_t h = hash(folded_prefix);
  if (bit(table.bits.get(), h) == 0) {
    return;
  }
  const std::uint64_t below = table.bits[h >> 6] & ((std::uint64_t{1} << (h & 63)) - 1);
  for (const Candidate& c : table.lists[table.rank[h >> 6] + popcount64(below)]) {
    if ((folded8 & c.mask) != c.folded) {
      continue;
    }
    const std::uint32_t k = c.keyword;
    const std::string& kw = m_keywords[k];
    if (kw.size() > n - i) {
      continue;
    }
    std::size_t j = 0;
    while (j < kw.size() && k_lower[data[i + j]] == static_cast<unsigned char>(kw[j])) {
      ++j;
    }
    if (j == kw.size()) {
      hits.push_back(Hit{k, i});
    }
  }
}

bool Prefilter::at(const unsigned char* data, std::size_t n, std::size_t i, std::uint32_t word, std::size_t limit,
                   std::vector<Hit>& hits) const
{
  const std::size_t before = hits.size();
  // The 8 bytes at i, folded (zero padding past the end: no keyword byte folds to 0, so it never matches).
  std::uint64_t w8 = 0;
  if (i + 8 <= n) {
    std::memcpy(&w8, data + i, 8);
    w8 |= 0x2020202020202020ull;
  } else {
    unsigned char buf[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (std::size_t j = 0; i + j < n; ++j) {
      buf[j] = static_cast<unsigned char>(data[i + j] | 0x20);
    }
    std::memcpy(&w8, buf, 8);
  }
  for (const std::size_t t : m_scalar.used) {
    verify(m_scalar.tables[t], word & k_masks[t], w8, data, n, i, hits);
  }
  if (hits.size() - before > 1) {
    std::sort(hits.begin() + static_cast<std::ptrdiff_t>(before), hits.end(),
              [](const Hit& a, const Hit& b) { return a.keyword < b.keyword; });
  }
  if (hits.size() >= limit) {
    hits.resize(limit);
    return true;
  }
  return false;
}

void Prefilter::prepare() const
{
  if (m_lazy && m_kernel != Kernel::scalar) {
    std::call_once(m_lazy->once, [this] {
      build_simd();
      m_lazy->ready.store(true, std::memory_order_release);
    });
  }
}

std::vector<Prefilter::Hit> Prefilter::find(std::string_view bytes, std::size_t limit) const
{
  std::vector<Hit> hits;
  find(bytes, limit, hits);
  return hits;
}

void Prefilter::find(std::string_view bytes, std::size_t limit, std::vector<Hit>& hits) const
{
  hits.clear();
  if (limit == 0 || m_scalar.used.empty()) {
    return;
  }
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  bool simd = m_kernel != Kernel::scalar;
  if (simd && m_lazy && !m_lazy->ready.load(std::memory_order_acquire)) {
    if (bytes.size() < k_lazy_bytes) {
      simd = false;  // same hits, without building the masks yet
    } else {
      prepare();
    }
  }
  if (simd) {
    find_teddy(data, bytes.size(), limit, hits);
  } else {
    find_scalar(data, bytes.size(), limit, hits);
  }
}

void Prefilter::find_scalar(const unsigned char* data, std::size_t n, std::size_t limit, std::vector<Hit>& hits) const
{
  std::size_t i = 0;
  const std::uint64_t* bits4 = m_scalar.tables[3].bits.get();
  if constexpr (std::endian::native == std::endian::little) {
    if (bits4 != nullptr && !m_scalar.tables[0].bits && !m_scalar.tables[1].bits) {
      // Hot loop: 8 offsets per step from two 8-byte loads, one table lookup per offset and one branch per step
      // (most steps have no candidate).
      constexpr std::uint64_t k_fold8 = 0x2020202020202020ull;
      for (; i + 12 <= n; i += 8) {
        std::uint64_t a = 0;
        std::uint64_t b = 0;
        std::memcpy(&a, data + i, 8);
        std::memcpy(&b, data + i + 4, 8);
        a |= k_fold8;
        b |= k_fold8;
        std::uint64_t mask = 0;
#pragma GCC unroll 4
        for (unsigned k = 0; k < 4; ++k) {
          mask |= bit(bits4, hash(static_cast<std::uint32_t>(a >> (8 * k)))) << k;
          mask |= bit(bits4, hash(static_cast<std::uint32_t>(b >> (8 * k)))) << (k + 4);
        }
        while (mask != 0) {
          const auto k = static_cast<unsigned>(std::countr_zero(mask));
          mask &= mask - 1;
          if (at(data, n, i + k, static_cast<std::uint32_t>((k < 4 ? a : b) >> (8 * (k & 3))), limit, hits)) {
            return;
          }
        }
      }
    }
  }
  if (n >= 4) {
    for (; i <= n - 4; ++i) {
      if (at(data, n, i, load(data + i) | k_fold, limit, hits)) {
        return;
      }
    }
  }
  // The last up to 3 offsets: pad the word (keywords longer than the rest are rejected by verify).
  for (; i < n; ++i) {
    unsigned char buf[4] = {0, 0, 0, 0};
    std::memcpy(buf, data + i, n - i);
    if (at(data, n, i, load(buf) | k_fold, limit, hits)) {
      return;
    }
  }
}

}  // namespace dsnguard::scan
