#include "scan/prefilter.hpp"

#include <algorithm>

namespace dsnguard::scan {

namespace {

constexpr std::array<unsigned char, 256> make_lower()
{
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[static_cast<std::size_t>(c)] = static_cast<unsigned char>((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
  }
  return t;
}

constexpr std::array<unsigned char, 256> k_lower = make_lower();

std::size_t bigram(unsigned char a, unsigned char b)
{
  return (std::size_t(k_lower[a]) << 8) | k_lower[b];
}

}  // namespace

Prefilter::Prefilter(std::vector<std::string> keywords) : m_keywords(std::move(keywords)), m_present(1024, 0), m_bigram(65536, 0)
{
  for (std::size_t i = 0; i < m_keywords.size(); ++i) {
    const auto& k = m_keywords[i];
    if (k.empty()) {
      continue;
    }
    if (k.size() == 1) {
      m_single.push_back(i);
      continue;
    }
    const auto idx = bigram(static_cast<unsigned char>(k[0]), static_cast<unsigned char>(k[1]));
    if (m_bigram[idx] == 0) {
      m_lists.emplace_back();
      m_bigram[idx] = static_cast<std::uint32_t>(m_lists.size());
      m_present[idx >> 6] |= std::uint64_t(1) << (idx & 63);
    }
    m_lists[m_bigram[idx] - 1].push_back(i);
  }
}

std::vector<Prefilter::Hit> Prefilter::find(std::string_view bytes, std::size_t limit) const
{
  std::vector<Hit> hits;
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  const auto add = [&](std::size_t k, std::size_t i) {
    hits.push_back(Hit{k, i});
    return hits.size() >= limit;
  };
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const std::size_t idx = bigram(data[i], data[i + 1]);
    if ((m_present[idx >> 6] & (std::uint64_t(1) << (idx & 63))) == 0) {
      continue;
    }
    const std::uint32_t list = m_bigram[idx];
    for (const std::size_t k : m_lists[list - 1]) {
      const std::string& kw = m_keywords[k];
      if (kw.size() > n - i) {
        continue;
      }
      std::size_t j = 2;
      while (j < kw.size() && k_lower[data[i + j]] == static_cast<unsigned char>(kw[j])) {
        ++j;
      }
      if (j == kw.size() && add(k, i)) {
        return hits;
      }
    }
  }
  if (!m_single.empty()) {
    for (std::size_t i = 0; i < n; ++i) {
      for (const std::size_t k : m_single) {
        if (k_lower[data[i]] == static_cast<unsigned char>(m_keywords[k][0]) && add(k, i)) {
          return hits;
        }
      }
    }
    std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.offset < b.offset; });
  }
  return hits;
}

}  // namespace dsnguard::scan
