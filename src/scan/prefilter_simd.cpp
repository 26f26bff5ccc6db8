// The SIMD search of the keyword prefilter: candidate offsets from the Teddy kernels (prefilter_teddy.hpp), each
// checked against the index keyed on the keywords' fingerprint windows, hits kept in (offset, keyword) order.
#include "scan/prefilter.hpp"

#include <algorithm>
#include <cstring>

#include "scan/prefilter_detail.hpp"
#include "scan/prefilter_teddy.hpp"

namespace dsnguard::scan {

using namespace prefilter_detail;

void Prefilter::at_window(const unsigned char* data, std::size_t n, std::size_t p, std::uint32_t word,
                          std::uint64_t w8, std::vector<Hit>& hits) const
{
  // The 8 bytes before p, folded (zeros before the input: no keyword byte folds to 0).
  std::uint64_t b8 = 0;
  if (m_windows.max_shift > 0) {
    if (p >= 8) {
      std::memcpy(&b8, data + p - 8, 8);
      b8 |= 0x2020202020202020ull;
    } else {
      unsigned char buf[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      for (std::size_t j = 0; j < p; ++j) {
        buf[8 - p + j] = static_cast<unsigned char>(data[j] | 0x20);
      }
      std::memcpy(&b8, buf, 8);
    }
  }
  for (const std::size_t t : m_windows.used) {
    const Table& table = m_windows.tables[t];
    const std::uint32_t h = hash(word & k_masks[t]);
    if (bit(table.bits.get(), h) == 0) {
      continue;
    }
    const std::uint64_t below = table.bits[h >> 6] & ((std::uint64_t{1} << (h & 63)) - 1);
    for (const Candidate& c : table.lists[table.rank[h >> 6] + popcount64(below)]) {
      if ((w8 & c.mask) != c.folded || (b8 & c.before_mask) != c.before_folded || c.shift > p) {
        continue;
      }
      const std::size_t i = p - c.shift;
      const std::uint32_t k = c.keyword;
      const std::string& kw = m_keywords[k];
      // The last byte first: keywords that share a window often differ only there ("connection\"", "connection:").
      if (kw.size() > n - i || k_lower[data[i + kw.size() - 1]] != static_cast<unsigned char>(kw.back())) {
        continue;
      }
      std::size_t j = 0;
      while (j < kw.size() && k_lower[data[i + j]] == static_cast<unsigned char>(kw[j])) {
        ++j;
      }
      if (j < kw.size()) {
        continue;
      }
      // Candidates come in ascending p, so a hit lands at most max_shift bytes before the last ones.
      std::size_t at = hits.size();
      hits.push_back(Hit{k, i});
      for (; at > 0 && (hits[at - 1].offset > i || (hits[at - 1].offset == i && hits[at - 1].keyword > k)); --at) {
        hits[at] = hits[at - 1];
      }
      hits[at] = Hit{k, i};
    }
  }
}

void Prefilter::find_teddy(const unsigned char* data, std::size_t n, std::size_t limit, std::vector<Hit>& hits) const
{
  const teddy::Isa isa = m_kernel == Kernel::avx2 ? teddy::Isa::avx2 : teddy::Isa::ssse3;
  const std::size_t block = teddy::block_bytes(isa);
  // Bytes read past a block: by the kernel (k_width - 1) and by the checks below (8 at a candidate).
  constexpr std::size_t k_reach = std::max<std::size_t>(teddy::k_width - 1, 7);
  constexpr std::size_t k_chunk = 128;                 // blocks per kernel call
  // Candidate offsets of one chunk, relative to its start. An offset is where a fingerprint window may start; the
  // keyword then starts Candidate::shift bytes before it (at_window).
  std::uint16_t offsets[k_chunk * teddy::k_max_block + teddy::k_out_slack];
  static_assert(k_chunk * teddy::k_max_block <= 65536);
  const Index& windows = m_windows;
  const std::uint64_t* bits[4] = {};
  std::uint32_t masks[4] = {};
  std::size_t tables = 0;
  for (const std::size_t t : windows.used) {
    bits[tables] = windows.tables[t].bits.get();
    masks[tables] = k_masks[t];
    ++tables;
  }
  // Verifies the `listed` candidate offsets found in `src`, which holds the bytes from offset `base` on (offsets
  // from `end` on are padding); true when `limit` was reached and no later candidate can give an earlier hit. In
  // passes, so that the common case runs without hard-to-predict branches: keep the offsets whose folded 4 bytes
  // hit a table bit, then those whose up to 8 bytes hit long_bits, then compare keywords there.
  const auto visit = [&](const unsigned char* src, std::size_t base, std::size_t listed, std::size_t end) {
    if (hits.size() >= limit && base - hits.back().offset > windows.max_shift) {
      return true;  // as below, for the whole chunk
    }
    std::size_t kept = 0;
    if (tables == 1) {
      for (std::size_t c = 0; c < listed; ++c) {
        const std::uint32_t w = (load(src + offsets[c]) | k_fold) & masks[0];
        offsets[kept] = offsets[c];
        kept += static_cast<std::size_t>(bit(bits[0], hash(w)));
      }
    } else {
      for (std::size_t c = 0; c < listed; ++c) {
        const std::uint32_t w = load(src + offsets[c]) | k_fold;
        std::uint64_t any = 0;
        for (std::size_t t = 0; t < tables; ++t) {
          any |= bit(bits[t], hash(w & masks[t]));
        }
        offsets[kept] = offsets[c];
        kept += static_cast<std::size_t>(any);
      }
    }
    if (!windows.long_bits.empty()) {
      const std::size_t probes = windows.long_masks.size();
      const std::uint64_t* long_masks = windows.long_masks.data();
      const std::uint64_t* long_bits = windows.long_bits.data();
      std::size_t still = 0;
      for (std::size_t c = 0; c < kept; ++c) {
        std::uint64_t w8 = 0;
        std::memcpy(&w8, src + offsets[c], 8);
        w8 |= 0x2020202020202020ull;
        std::uint64_t any = 0;
        for (std::size_t m = 0; m < probes; ++m) {
          any |= bit(long_bits, hash_long(w8 & long_masks[m]));
        }
        offsets[still] = offsets[c];
        still += static_cast<std::size_t>(any);
      }
      kept = still;
    }
    for (std::size_t c = 0; c < kept; ++c) {
      const std::size_t p = base + offsets[c];
      if (p >= end) {
        return false;
      }
      // Every hit from here on starts at p - max_shift or later.
      if (hits.size() >= limit && p - hits.back().offset > windows.max_shift) {
        return true;
      }
      std::uint64_t w8 = 0;
      std::memcpy(&w8, src + offsets[c], 8);
      at_window(data, n, p, load(src + offsets[c]) | k_fold, w8 | 0x2020202020202020ull, hits);
      if (hits.size() > limit) {
        hits.resize(limit);
      }
    }
    return false;
  };
  std::size_t pos = 0;
  while (n - pos >= block + k_reach) {
    const std::size_t blocks = std::min(k_chunk, (n - pos - k_reach) / block);
    if (visit(data + pos, pos, teddy::scan(isa, m_masks, data + pos, blocks, offsets), n)) {
      return;
    }
    pos += blocks * block;
  }
  if (pos < n) {
    // The last bytes, zero-padded: candidates past n are skipped, the others are checked against the real bytes.
    unsigned char pad[2 * teddy::k_max_block + k_reach + 1] = {};
    std::memcpy(pad, data + pos, n - pos);
    const std::size_t blocks = (n - pos + block - 1) / block;
    visit(pad, pos, teddy::scan(isa, m_masks, pad, blocks, offsets), n);
  }
}

}  // namespace dsnguard::scan
