#include "scan/prefilter.hpp"

namespace dsnguard::scan {

namespace {

unsigned char lower(unsigned char c)
{
  return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c - 'A' + 'a') : c;
}

}  // namespace

Prefilter::Prefilter(std::vector<std::string> keywords) : m_keywords(std::move(keywords))
{
  for (std::size_t i = 0; i < m_keywords.size(); ++i) {
    if (m_keywords[i].empty()) {
      continue;
    }
    const auto first = static_cast<unsigned char>(m_keywords[i][0]);
    m_by_first[first].push_back(i);
    if (first >= 'a' && first <= 'z') {
      m_by_first[first - 'a' + 'A'].push_back(i);
    }
  }
}

std::vector<Prefilter::Hit> Prefilter::find(std::string_view bytes, std::size_t limit) const
{
  std::vector<Hit> hits;
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto& candidates = m_by_first[data[i]];
    if (candidates.empty()) {
      continue;
    }
    for (const std::size_t k : candidates) {
      const std::string& kw = m_keywords[k];
      if (kw.size() > n - i) {
        continue;
      }
      std::size_t j = 1;
      while (j < kw.size() && lower(data[i + j]) == static_cast<unsigned char>(kw[j])) {
        ++j;
      }
      if (j == kw.size()) {
        hits.push_back(Hit{k, i});
        if (hits.size() >= limit) {
          return hits;
        }
      }
    }
  }
  return hits;
}

}  // namespace dsnguard::scan
