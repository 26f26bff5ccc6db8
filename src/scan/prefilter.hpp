#pragma once
// Keyword prefilter: one pass over the bytes finds every case-insensitive occurrence of the rules' keywords, so
// regexes only run on small windows around candidates (almost no file holds a connection string).
// Internal to scan/.

#include <array>
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
  // Keyword indices by their first byte (lower-cased); both cases of a letter index the same list.
  std::array<std::vector<std::size_t>, 256> m_by_first{};
};

}  // namespace dsnguard::scan
