#pragma once
// Keyword prefilter: one pass over the bytes finds every case-insensitive (ASCII) occurrence of the rules'
// keywords, so regexes only run on small windows around candidates (almost no file holds a connection string).
// Internal to scan/.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scan/prefilter_teddy.hpp"

namespace dsnguard::scan {

class Prefilter {
public:
  // One hit: keyword index (into the list given to the constructor) and byte offset.
  struct Hit {
    std::size_t keyword = 0;
    std::size_t offset = 0;
  };

  // How find() looks for candidate offsets; every kernel gives the same hits. `automatic` picks the fastest one the
  // CPU supports: AVX2, else SSSE3 (SIMD nibble lookups, prefilter_teddy.hpp), else the scalar hash loop. The
  // others exist for tests and benchmarks; one the CPU lacks falls back to `automatic`.
  enum class Kernel {
    automatic,
    scalar,
    ssse3,
    avx2,
  };
  static bool supported(Kernel kernel);

  // `keywords` should be lower case (an upper-case letter in a keyword never matches); empty ones never match.
  explicit Prefilter(std::vector<std::string> keywords, Kernel kernel = Kernel::automatic);

  // Every occurrence of every keyword in `bytes` (ASCII letters compared case-insensitively, overlaps included),
  // ordered by offset and, at one offset, by keyword index. Returns only the first `limit` of them (a file that
  // matches that often is scanned whole by the caller instead).
  std::vector<Hit> find(std::string_view bytes, std::size_t limit) const;
  // The same into `hits` (cleared first): callers that search many small spans reuse one buffer.
  void find(std::string_view bytes, std::size_t limit, std::vector<Hit>& hits) const;

  // The length of the longest keyword (0 without keywords).
  std::size_t longest_keyword() const { return m_longest; }

  // Builds the SIMD masks now if they are still to be built on first use (for a caller with an idle core).
  // Thread-safe with find().
  void prepare() const;

  const std::vector<std::string>& keywords() const { return m_keywords; }
  Kernel kernel() const { return m_kernel; }  // the one find() runs (never `automatic`)

private:
  // A keyword's first min(4, size) bytes, each OR-ed with 0x20 (which maps A-Z onto a-z and merges only a few
  // other byte pairs), set one bit of a hashed 256 Ki-bit table per prefix length (3-byte keywords go into the
  // 4-byte table once per possible fourth byte). The scan loop reads 4 bytes per offset, does one table lookup,
  // and compares keywords exactly only where a bit is set.
  // A keyword in a hash's list, with `shift` = where in the keyword the hashed bytes start (0 in m_scalar; the
  // fingerprint offset in the SIMD index), and its first min(8, size - shift) bytes from there, folded as above,
  // with the mask selecting them: one 64-bit comparison rejects almost every non-match before the exact byte
  // comparison.
  struct Candidate {
    std::uint32_t keyword = 0;
    std::uint32_t shift = 0;
    std::uint64_t folded = 0;
    std::uint64_t mask = 0;
    // The up to 8 keyword bytes before `shift`, folded and placed as in the 8 bytes that end where the hashed ones
    // start, with the mask selecting them (0 when shift is 0): many keywords share a window ("[database",
    // "'database'" and "database\"" all hash "data").
    std::uint64_t before_folded = 0;
    std::uint64_t before_mask = 0;
  };
  struct Table {
    struct Free {
      void operator()(void* p) const;
    };
    std::unique_ptr<std::uint64_t[], Free> bits;     // null when no keyword uses this table
    // Set bits before each 64-bit word of `bits`: the list of hash h is lists[rank of h among the set bits]. A
    // dense hash -> list array (1 MiB, written at random places) cost ~500 page faults at every start (a
    // pre-commit hook's budget is 20 ms, issue 3); this is 16 KiB.
    std::vector<std::uint32_t> rank;
    std::vector<std::vector<Candidate>> lists;       // keywords per set bit in hash order, by ascending index
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pending;  // (hash, keyword) until build()
  };
  // Tables by hashed length - 1 (index 2 stays unused), keyed on each keyword's first min(4, size) bytes
  // (m_scalar: the scalar loop) or on its SIMD fingerprint (m_windows: the bytes from teddy::fingerprint_offsets,
  // which for keywords of 4 bytes or fewer is the same prefix).
  struct Index {
    Table tables[4];
    std::vector<std::size_t> used;  // indices of the tables some keyword uses
    std::size_t max_shift = 0;      // largest Candidate::shift
    // Second check of the SIMD kernels' candidates (when every keyword has 3 or more bytes): a bit per hash of a
    // keyword's first min(8, size - shift) bytes from its shift, folded; one probe per such length. Cuts the
    // offsets that reach the exact comparison several times where common words share a keyword's fingerprint.
    std::vector<std::uint64_t> long_bits;   // empty when not used
    std::vector<std::uint64_t> long_masks;  // one per distinct length, selecting that many bytes
  };
  void build_simd() const;  // m_masks and m_windows
  void build_index(Index& out, const std::vector<std::size_t>& shifts) const;  // shifts: per keyword
  void build(Table& table, const std::vector<std::size_t>& shifts) const;  // shifts: per keyword
  void verify(const Table& table, std::uint32_t folded_prefix, std::uint64_t folded8, const unsigned char* data,
              std::size_t n, std::size_t i, std::vector<Hit>& hits) const;
  // Appends the hits at offset i (`word`: the 4 bytes there, zero-padded past n, folded), sorted by keyword; true
  // when `hits` reached `limit` (then cut to it).
  bool at(const unsigned char* data, std::size_t n, std::size_t i, std::uint32_t word, std::size_t limit,
          std::vector<Hit>& hits) const;
  // Inserts into `hits` (kept sorted by offset, then keyword) every keyword whose fingerprint window starts at
  // offset p (`word` and `w8`: the 4 and 8 bytes there, folded; past n they may be anything) and matches exactly.
  void at_window(const unsigned char* data, std::size_t n, std::size_t p, std::uint32_t word, std::uint64_t w8,
                 std::vector<Hit>& hits) const;
  void find_scalar(const unsigned char* data, std::size_t n, std::size_t limit, std::vector<Hit>& hits) const;
  void find_teddy(const unsigned char* data, std::size_t n, std::size_t limit, std::vector<Hit>& hits) const;

  std::vector<std::string> m_keywords;
  std::size_t m_longest = 0;
  Index m_scalar;  // keyed on prefixes: the scalar loop and its checks
  Kernel m_kernel = Kernel::scalar;
  // For the SIMD kernels: masks for the candidate offsets and the index keyed on fingerprints, which checks them.
  // With Kernel::automatic they are built on the first input of k_lazy_bytes or more (about 1 ms: a staged scan of
  // a few small files, which the scalar loop handles as fast, does not pay it); a kernel chosen explicitly builds
  // them at once.
  struct Lazy {
    std::once_flag once;
    std::atomic<bool> ready{false};
  };
  static constexpr std::size_t k_lazy_bytes = 16 * 1024;
  std::unique_ptr<Lazy> m_lazy;  // null once the masks are built at construction
  mutable teddy::Masks m_masks;
  mutable Index m_windows;
};

}  // namespace dsnguard::scan
