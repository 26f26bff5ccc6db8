#pragma once
// Keyword prefilter: one pass over the bytes finds every case-insensitive occurrence of the rules' keywords, so
// regexes only run on small windows around candidates (almost no file holds a connection string).
// Internal to scan/.

#include <array>
#include <cstdint>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dsnguard::scan {

class Prefilter {
public:
  // One hit: keyword index (into the list given to the constructor) and byte offset.
  struct Hit {
    std::size_t keyword = 0;
    std::size_t offset = 0;
  };

  // `keywords` must be lower case and non-empty.
  explicit Prefilter(std::vector<std::string> keywords);

  // Every occurrence of every keyword in `bytes`, in offset order. Stops collecting after `limit` hits (a file
  // that matches that often is scanned whole by the caller instead).
  std::vector<Hit> find(std::string_view bytes, std::size_t limit) const;

  const std::vector<std::string>& keywords() const { return m_keywords; }

private:
  std::vector<std::string> m_keywords;
  // Keywords by their first two bytes (lower-cased): a 64 Ki-entry table, so the scan loop does one lookup per
  // byte and compares keywords only where a keyword's first two bytes occur.
  std::vector<std::uint64_t> m_present;              // 64 Ki bits (8 KiB, stays in L1): bigram starts a keyword
  std::vector<std::uint32_t> m_bigram;               // index into m_lists + 1, or 0
  std::vector<std::vector<std::size_t>> m_lists;     // keyword indices per bigram
  std::vector<std::size_t> m_single;                 // one-byte keywords (rare)
};

}  // namespace dsnguard::scan
