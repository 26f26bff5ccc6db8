#pragma once
// SIMD candidate finder of the keyword prefilter, in the style of the "Teddy" packed literal search (Hyperscan, the
// Rust aho-corasick crate): keywords are reduced to fingerprints (k_width bytes of them, folded with | 0x20),
// the fingerprints are spread over k_buckets buckets, and per bucket and fingerprint position two 16-entry tables
// say which low and which high nibbles some fingerprint of the bucket has there. One PSHUFB per table looks up a
// whole vector of bytes at once; AND-ing the lookups of the k_width positions leaves, per offset, the buckets
// whose every position accepts the bytes there. An offset where a keyword occurs always has its bucket's bit set;
// most others have none, and only the few candidates left go to the exact comparison in prefilter_simd.cpp.
// A keyword's fingerprint need not be its first bytes: keywords longer than k_width use the k_width-byte window
// that ordinary text is least likely to hold ("typeorm" -> "eorm", not "type"), so that fewer offsets become
// candidates; a candidate at offset p then stands for the keyword at p - its fingerprint offset.
// Internal to scan/ (prefilter*.cpp, their tests and bench/prefilter-bench.cpp).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dsnguard::scan::teddy {

constexpr std::size_t k_groups = 2;                // groups of 8 buckets: one byte of bucket bits per group
constexpr std::size_t k_buckets = 8 * k_groups;
constexpr std::size_t k_width = 4;                 // fingerprint bytes; a scan reads k_width - 1 bytes past a block
constexpr std::size_t k_max_block = 32;            // bytes per block of the widest kernel

// Lookup tables, per group, fingerprint position and nibble: bit b set when bucket 8 * group + b has a fingerprint
// whose byte at that position has that nibble (every nibble when the fingerprint is shorter than the position).
// `hi` is indexed by the high nibble of the *unfolded* byte (so the kernels need not fold: | 0x20 only sets bit 1
// of the high nibble).
struct Masks {
  alignas(16) std::uint8_t lo[k_groups][k_width][16] = {};
  alignas(16) std::uint8_t hi[k_groups][k_width][16] = {};
};

// Where each keyword's fingerprint starts: 0 for keywords of k_width bytes or fewer; for longer ones the offset of
// one of their k_width-byte windows, chosen for the whole set so that the fingerprints are rare in ordinary source
// text (chance estimated from folded byte pairs as a Markov chain, prefilter_bigrams.hpp) and few (keywords share a
// window where they can: every distinct fingerprint widens a bucket). Depends only on `keywords`.
std::vector<std::size_t> fingerprint_offsets(const std::vector<std::string>& keywords);

// A keyword's fingerprint: its k_width (or fewer) bytes from `offset`, each OR-ed with 0x20.
std::string fingerprint(std::string_view keyword, std::size_t offset);

// Buckets for `keywords` (empty ones are left out) with fingerprints at `offsets` (one per keyword, as
// fingerprint_offsets gives them): their distinct fingerprints, placed greedily and then improved by
// moving single fingerprints, so that the sum over buckets of the estimated chance to fire at a random offset is
// small (per-byte frequencies of ordinary source text, positions taken as independent).
Masks build_masks(const std::vector<std::string>& keywords, const std::vector<std::size_t>& offsets);

// The same estimate for masks already built: the expected share of offsets that are candidates (for the bench).
double estimated_candidate_rate(const Masks& masks);

enum class Isa {
  ssse3,  // 16-byte blocks
  avx2,   // 32-byte blocks
};

bool cpu_supports(Isa isa);  // avx2 also needs BMI1 and POPCNT (every AVX2 CPU has them)
std::size_t block_bytes(Isa isa);

// Room `scan` needs past the candidates it returns (it writes a few offsets ahead without checking).
constexpr std::size_t k_out_slack = 8;

// Scans `blocks` blocks of block_bytes(isa) bytes from `data`, reading up to k_width - 1 bytes past the last block,
// and writes the candidate offsets (relative to `data`, ascending) to `out`, which has room for blocks *
// block_bytes(isa) + k_out_slack entries; returns how many. The CPU must support `isa`; blocks * block_bytes(isa)
// must be at most 65536.
std::size_t scan(Isa isa, const Masks& masks, const unsigned char* data, std::size_t blocks, std::uint16_t* out);

}  // namespace dsnguard::scan::teddy
